import Foundation
import RSCSimulatorSupport

/// Faults a test, demo or benchmark turns on. Revoked clients and forced 429s are set separately on `SimulatorState`.
public struct FaultConfiguration: Sendable, Equatable {
    /// Probability (0…1) that an authenticated `/v2` call is answered with one of `serverErrorStatuses`.
    public var serverErrorRate: Double
    /// Drawn uniformly for each injected error.
    public var serverErrorStatuses: [Int]
    /// Seeds the generator, so a run with the same seed and calls fails the same calls.
    public var seed: UInt64
    /// Added before every LinkedIn call (token and `/v2`) is answered.
    public var latency: Duration

    public init(serverErrorRate: Double = 0, serverErrorStatuses: [Int] = [500, 503], seed: UInt64 = 1, latency: Duration = .zero) {
        self.serverErrorRate = serverErrorRate
        self.serverErrorStatuses = serverErrorStatuses
        self.seed = seed
        self.latency = latency
    }
}

/// The random and counted faults, applied in the order: forced 429s, then random 5xx.
struct FaultInjector: Sendable {
    private(set) var configuration = FaultConfiguration()
    private var generator = SplitMix64(seed: 1)
    /// Forced 429s for any client, and per client (used first).
    private var forcedAny: (count: Int, retryAfter: Int) = (0, 1)
    private var forcedByClient: [String: (count: Int, retryAfter: Int)] = [:]
    private(set) var serverErrorsInjected = 0

    mutating func configure(_ configuration: FaultConfiguration) {
        self.configuration = configuration
        generator = SplitMix64(seed: configuration.seed)
    }

    mutating func forceThrottle(nextCalls: Int, clientID: String?, retryAfter: Int) {
        if let clientID {
            forcedByClient[clientID] = (max(0, nextCalls), max(1, retryAfter))
        } else {
            forcedAny = (max(0, nextCalls), max(1, retryAfter))
        }
    }

    /// Retry-After seconds when this call is one of the forced 429s.
    mutating func takeForcedThrottle(clientID: String) -> Int? {
        if let forced = forcedByClient[clientID], forced.count > 0 {
            forcedByClient[clientID] = (forced.count - 1, forced.retryAfter)
            return forced.retryAfter
        }
        if forcedAny.count > 0 {
            forcedAny.count -= 1
            return forcedAny.retryAfter
        }
        return nil
    }

    /// A 5xx status when this call draws one.
    mutating func drawServerError() -> Int? {
        let statuses = configuration.serverErrorStatuses
        guard configuration.serverErrorRate > 0, !statuses.isEmpty else { return nil }
        let draw = Double(generator.next() >> 11) / Double(1 << 53)
        guard draw < configuration.serverErrorRate else { return nil }
        serverErrorsInjected += 1
        return statuses[Int(generator.next() % UInt64(statuses.count))]
    }

    mutating func reset() { self = FaultInjector() }
}
