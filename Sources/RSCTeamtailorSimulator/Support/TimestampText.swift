import Foundation
import RSCChangeEvents

/// RFC 3339 timestamps with milliseconds and the account's offset (`2017-01-18T21:04:56.178+01:00`), as
/// Teamtailor's API writes them (Teamtailor/docs, every example); `offsetMinutes: 0` writes the contract's `Z`.
// RFC3339.format is hand-rolled because seeding formats hundreds of thousands of timestamps and Foundation's
// format styles cost microseconds each.
enum TimestampText {
    /// Decided here: the simulated accounts keep Stockholm's winter offset, the one in Teamtailor's examples.
    static let accountOffsetMinutes = 60

    static func format(_ date: Date, offsetMinutes: Int = accountOffsetMinutes) -> String {
        RFC3339.format(date, offsetMinutes: offsetMinutes)
    }

    /// An API timestamp rewritten in UTC, as the contract writes it; nil stays nil.
    static func utc(_ value: JSONValue?) -> JSONValue {
        guard let text = value?.stringValue, let date = RFC3339.parse(text) else { return value ?? .null }
        return .string(format(date, offsetMinutes: 0))
    }
}
