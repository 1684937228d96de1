import Foundation
import RSCSimulatorSupport

/// What one child application has used in its current windows.
public struct QuotaUsage: Sendable, Equatable {
    public var recordsInWindow: Int
    public var callsInWindow: Int
}

/// Per-application counters in fixed windows: records per `recordWindow`, calls per `callWindow`.
///
/// A one-day call window resets at UTC midnight, as LinkedIn's does; any other window length counts in fixed
/// steps from the simulator's start, so benchmarks can compress a "day" into seconds.
struct QuotaLedger: Sendable {
    private struct Counter: Sendable {
        var window: Int64
        var used: Int
    }

    private struct Window {
        let index: Int64
        let end: Date
    }

    let origin: Date
    private var records: [String: Counter] = [:]
    private var calls: [String: Counter] = [:]

    init(origin: Date) { self.origin = origin }

    /// Seconds until the call window resets when one more call would exceed the limit, else nil.
    /// `limit` defaults to the sync budget (`callsPerDay`).
    func callRetryAfter(
        clientID: String, now: Date, configuration: LinkedInSimulatorConfiguration, limit: Int? = nil
    ) -> Int? {
        guard configuration.quotasEnabled else { return nil }
        let window = callWindow(now, configuration)
        let used = Self.used(calls[clientID], in: window)
        return used + 1 > (limit ?? configuration.callsPerDay) ? Self.seconds(until: window.end, from: now) : nil
    }

    /// Seconds until the record window resets when `count` more records would exceed the limit, else nil.
    func recordRetryAfter(clientID: String, count: Int, now: Date, configuration: LinkedInSimulatorConfiguration) -> Int? {
        guard configuration.quotasEnabled, count > 0 else { return nil }
        let window = recordWindow(now, configuration)
        let used = Self.used(records[clientID], in: window)
        return used + count > configuration.recordsPerWindow ? Self.seconds(until: window.end, from: now) : nil
    }

    mutating func consume(clientID: String, records count: Int, now: Date, configuration: LinkedInSimulatorConfiguration) {
        let callWindow = callWindow(now, configuration)
        calls[clientID] = Counter(window: callWindow.index, used: Self.used(calls[clientID], in: callWindow) + 1)
        if count > 0 {
            let recordWindow = recordWindow(now, configuration)
            records[clientID] = Counter(
                window: recordWindow.index, used: Self.used(records[clientID], in: recordWindow) + count)
        }
    }

    func usage(clientID: String, now: Date, configuration: LinkedInSimulatorConfiguration) -> QuotaUsage {
        QuotaUsage(
            recordsInWindow: Self.used(records[clientID], in: recordWindow(now, configuration)),
            callsInWindow: Self.used(calls[clientID], in: callWindow(now, configuration)))
    }

    var clients: Set<String> { Set(records.keys).union(calls.keys) }

    mutating func reset() {
        records = [:]
        calls = [:]
    }

    private func callWindow(_ now: Date, _ configuration: LinkedInSimulatorConfiguration) -> Window {
        let length = configuration.callWindow.timeInterval
        if length == 86_400 {
            let day = (now.timeIntervalSince1970 / 86_400).rounded(.down)
            return Window(index: Int64(day), end: Date(timeIntervalSince1970: (day + 1) * 86_400))
        }
        return fixedWindow(now, length: length)
    }

    private func recordWindow(_ now: Date, _ configuration: LinkedInSimulatorConfiguration) -> Window {
        fixedWindow(now, length: configuration.recordWindow.timeInterval)
    }

    private func fixedWindow(_ now: Date, length: TimeInterval) -> Window {
        let length = max(length, 0.001)
        let index = (now.timeIntervalSince(origin) / length).rounded(.down)
        return Window(index: Int64(index), end: origin.addingTimeInterval((index + 1) * length))
    }

    private static func used(_ counter: Counter?, in window: Window) -> Int {
        guard let counter, counter.window == window.index else { return 0 }
        return counter.used
    }

    private static func seconds(until end: Date, from now: Date) -> Int {
        max(1, Int(end.timeIntervalSince(now).rounded(.up)))
    }
}
