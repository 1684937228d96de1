import Foundation
import RSCSimulatorSupport

/// Faults a test, demo or benchmark turns on (`PUT /_simulator/faults` or `setFaults`).
public struct TeamtailorFaultConfiguration: Sendable, Equatable {
    /// Probability (0…1) that an authenticated `/v1` call is answered with one of `serverErrorStatuses`.
    public var serverErrorRate: Double
    public var serverErrorStatuses: [Int]
    /// Seeds the generator, so a run with the same seed and calls fails the same calls.
    public var seed: UInt64
    /// Added before every `/v1` call is answered.
    public var latency: Duration
    /// Down: every `/v1` call is 503 with `Retry-After`, before auth (an outage, not a refusal).
    public var down: Bool

    public init(
        serverErrorRate: Double = 0, serverErrorStatuses: [Int] = [500, 502, 503], seed: UInt64 = 1,
        latency: Duration = .zero, down: Bool = false
    ) {
        self.serverErrorRate = serverErrorRate
        self.serverErrorStatuses = serverErrorStatuses
        self.seed = seed
        self.latency = latency
        self.down = down
    }
}

/// Draws the random 5xx answers.
struct FaultInjector: Sendable {
    private(set) var configuration = TeamtailorFaultConfiguration()
    private var generator = SplitMix64(seed: 1)
    private(set) var serverErrorsInjected = 0

    mutating func configure(_ configuration: TeamtailorFaultConfiguration) {
        self.configuration = configuration
        generator = SplitMix64(seed: configuration.seed)
    }

    mutating func drawServerError() -> Int? {
        let statuses = configuration.serverErrorStatuses
        guard configuration.serverErrorRate > 0, !statuses.isEmpty, generator.chance(configuration.serverErrorRate) else {
            return nil
        }
        serverErrorsInjected += 1
        return generator.pick(statuses)
    }
}
