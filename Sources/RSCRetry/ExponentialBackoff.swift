/// Delays between retries: doubling from `initial` up to `maximum`, with "full jitter" (a random delay
/// between half and all of the step) so that many replicas retrying one dependency do not move in step.
public struct ExponentialBackoff: Sendable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before retry number `attempt` (1 for the first retry). `unit` in 0...1 picks within the
    /// jitter range; pass a fixed value in tests, `Double.random(in: 0...1)` in production.
    public func delay(attempt: Int, unit: Double = Double.random(in: 0...1)) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let step = min(initial * (1 << exponent), maximum)
        return step / 2 + (step / 2) * min(max(unit, 0), 1)
    }
}
