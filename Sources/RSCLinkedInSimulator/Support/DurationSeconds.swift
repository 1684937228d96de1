import Foundation

extension Duration {
    /// The duration as fractional seconds, for arithmetic with `Date`.
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}

extension Date {
    /// UTC epoch milliseconds, LinkedIn's timestamp unit.
    var epochMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
}
