import Foundation
import RSCChangeEvents

/// RFC 3339 timestamps with milliseconds and the account's offset (`2017-01-18T21:04:56.178+01:00`), as
/// Teamtailor's API writes them (Teamtailor/docs, every example); `offsetMinutes: 0` writes the contract's `Z`.
// Hand-rolled because seeding formats hundreds of thousands of timestamps and Foundation's format styles
// cost microseconds each; the civil-date arithmetic is Howard Hinnant's `civil_from_days`.
enum TimestampText {
    /// Decided here: the simulated accounts keep Stockholm's winter offset, the one in Teamtailor's examples.
    static let accountOffsetMinutes = 60

    static func format(_ date: Date, offsetMinutes: Int = accountOffsetMinutes) -> String {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded()) + Int64(offsetMinutes) * 60_000
        var days = totalMilliseconds / 86_400_000
        var milliseconds = totalMilliseconds % 86_400_000
        if milliseconds < 0 {
            milliseconds += 86_400_000
            days -= 1
        }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let seconds = milliseconds / 1000
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(seconds / 3600, 2) + ":"
            + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2) + "." + pad(milliseconds % 1000, 3) + zone(offsetMinutes)
    }

    private static func zone(_ minutes: Int) -> String {
        if minutes == 0 { return "Z" }
        let magnitude = Int64(abs(minutes))
        return (minutes < 0 ? "-" : "+") + pad(magnitude / 60, 2) + ":" + pad(magnitude % 60, 2)
    }

    /// An API timestamp rewritten in UTC, as the contract writes it; nil stays nil.
    static func utc(_ value: JSONValue?) -> JSONValue {
        guard let text = value?.stringValue, let date = RFC3339.parse(text) else { return value ?? .null }
        return .string(format(date, offsetMinutes: 0))
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
