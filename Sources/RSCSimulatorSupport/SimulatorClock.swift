import Foundation
import Synchronization

/// A simulator's "now": token expiry, quota and rate-limit windows, timestamps and event versions all read it.
public protocol SimulatorClock: Sendable {
    func now() -> Date
}

/// Wall-clock time.
public struct SystemSimulatorClock: SimulatorClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that moves only when a test moves it, so windows and expiry are tested without sleeping.
public final class ManualSimulatorClock: SimulatorClock {
    private let current: Mutex<Date>

    /// Starts at `start` (default 2026-01-01T00:00:00Z, a UTC midnight).
    public init(start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by duration: Duration) {
        current.withLock { $0 = $0.addingTimeInterval(duration.timeInterval) }
    }

    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
