import Foundation
import Synchronization

/// The simulator's "now": timestamps, rate-limit windows, event versions and seeded history all read it.
public protocol TeamtailorSimulatorClock: Sendable {
    func now() -> Date
}

/// Wall-clock time.
public struct SystemTeamtailorSimulatorClock: TeamtailorSimulatorClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that moves only when a test moves it, so windows and seeded data are tested without sleeping.
public final class ManualTeamtailorSimulatorClock: TeamtailorSimulatorClock {
    private let current: Mutex<Date>

    /// Starts at `start` (default 2026-01-01T00:00:00Z).
    public init(start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by duration: Duration) {
        current.withLock { $0 = $0.addingTimeInterval(duration.timeInterval) }
    }
}
