import Foundation

/// When a company's periodic work runs (an inbound poll, a reconciliation pass): every `interval`, at a
/// stable offset within the interval derived from the company id, so a fleet's companies are spread evenly
/// over the window instead of all starting at :00.
public struct IntervalSlots: Sendable, Equatable {
    public var interval: Duration

    public init(interval: Duration) {
        self.interval = interval
    }

    var intervalSeconds: Int64 { max(1, interval.components.seconds) }

    /// The company's offset within each window, in seconds: FNV-1a of the id (stable across processes and
    /// restarts, unlike `Hasher`).
    public func offsetSeconds(company: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in company.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(hash % UInt64(intervalSeconds))
    }

    /// The company's slot in the window holding `date` (at or before `date`).
    public func currentSlot(company: String, at date: Date) -> Date {
        let offset = offsetSeconds(company: company)
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let index = (seconds - offset).floorDivided(by: intervalSeconds)
        return Date(timeIntervalSince1970: TimeInterval(index * intervalSeconds + offset))
    }

    /// The company's first slot strictly after `date`.
    public func nextSlot(company: String, after date: Date) -> Date {
        currentSlot(company: company, at: date).addingTimeInterval(TimeInterval(intervalSeconds))
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
