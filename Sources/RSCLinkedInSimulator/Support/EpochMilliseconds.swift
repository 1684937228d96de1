import Foundation

extension Date {
    /// UTC epoch milliseconds, LinkedIn's timestamp unit.
    var epochMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
}
