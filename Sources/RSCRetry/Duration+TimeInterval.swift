import Foundation

extension Duration {
    /// The duration as fractional seconds: for `Date` arithmetic and PostgreSQL intervals.
    public var timeInterval: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}
