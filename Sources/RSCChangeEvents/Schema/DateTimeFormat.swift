/// JSON Schema's `format: date-time`: an RFC 3339 `date-time`, calendar included.
///
/// Hand-written because Foundation's ISO 8601 parser is lenient where the contract is not: it reads
/// `2026-02-30` as 2 March and ignores a trailing newline.
enum DateTimeFormat {
    static func isValid(_ text: String) -> Bool {
        var utf8 = Array(text.utf8)[...]
        guard let year = take(digits: 4, from: &utf8), take(UInt8(ascii: "-"), from: &utf8),
              let month = take(digits: 2, from: &utf8), take(UInt8(ascii: "-"), from: &utf8),
              let day = take(digits: 2, from: &utf8),
              take(UInt8(ascii: "T"), or: UInt8(ascii: "t"), from: &utf8),
              let hour = take(digits: 2, from: &utf8), take(UInt8(ascii: ":"), from: &utf8),
              let minute = take(digits: 2, from: &utf8), take(UInt8(ascii: ":"), from: &utf8),
              let second = take(digits: 2, from: &utf8)
        else { return false }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour <= 23, minute <= 59, second <= 60
        else { return false }
        if take(UInt8(ascii: "."), from: &utf8) {
            guard let first = utf8.first, isDigit(first) else { return false }
            while let next = utf8.first, isDigit(next) { utf8.removeFirst() }
        }
        var offsetMinutes = 0
        if take(UInt8(ascii: "Z"), or: UInt8(ascii: "z"), from: &utf8) {
            offsetMinutes = 0
        } else if let sign = utf8.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            utf8.removeFirst()
            guard let offsetHour = take(digits: 2, from: &utf8), take(UInt8(ascii: ":"), from: &utf8),
                  let offsetMinute = take(digits: 2, from: &utf8), offsetHour <= 23, offsetMinute <= 59
            else { return false }
            offsetMinutes = (offsetHour * 60 + offsetMinute) * (sign == UInt8(ascii: "+") ? 1 : -1)
        } else {
            return false
        }
        guard utf8.isEmpty else { return false }
        // A leap second exists only as the last second of a UTC day (RFC 3339 §5.7, JSON Schema's test suite).
        if second == 60 {
            let utcMinuteOfDay = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utcMinuteOfDay == 23 * 60 + 59
        }
        return true
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func take(digits count: Int, from utf8: inout ArraySlice<UInt8>) -> Int? {
        guard utf8.count >= count else { return nil }
        var value = 0
        for _ in 0..<count {
            let byte = utf8.removeFirst()
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func take(_ byte: UInt8, or alternative: UInt8? = nil, from utf8: inout ArraySlice<UInt8>) -> Bool {
        guard let first = utf8.first, first == byte || first == alternative else { return false }
        utf8.removeFirst()
        return true
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
