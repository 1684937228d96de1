import Foundation
import RSCSimulatorSupport

/// What the `X-Rate-Limit-*` headers say after one call.
public struct RateLimitReading: Sendable, Equatable {
    public var limit: Int
    public var remaining: Int
    /// Whole seconds until the window resets.
    public var resetSeconds: Int
    /// Set when the call was refused (429): seconds to wait, sent as `Retry-After`.
    public var retryAfter: Int?
}

/// A fixed window of `limit` calls per API key, counted from the key's first call in the window.
struct RateLimiter: Sendable {
    var limit: Int
    var window: Duration
    private var windows: [String: (start: Date, used: Int)] = [:]

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// Counts one call of `key` unless the window is used up.
    mutating func admit(key: String, now: Date) -> RateLimitReading {
        var current = windows[key] ?? (now, 0)
        let length = window.timeInterval
        if now.timeIntervalSince(current.start) >= length { current = (now, 0) }
        let reset = Int(max(0, (current.start.timeIntervalSince(now) + length)).rounded(.up))
        guard current.used < limit else {
            windows[key] = current
            return RateLimitReading(limit: limit, remaining: 0, resetSeconds: reset, retryAfter: max(1, reset))
        }
        current.used += 1
        windows[key] = current
        return RateLimitReading(limit: limit, remaining: limit - current.used, resetSeconds: reset, retryAfter: nil)
    }

    mutating func reset() { windows = [:] }
}
