import Foundation

/// One message of the Teamtailor change topics (contract v1), decoded.
public struct ChangeEvent: Sendable, Equatable, Codable {
    public var eventID: String
    /// e.g. `candidate.update`.
    public var event: String
    public var companyID: String
    public var occurredAt: Date
    /// Strictly increasing per (company, type, id): the only truth for which state is newest.
    public var version: Int64
    public var data: Resource

    /// The JSON:API resource: full current state (`destroy` events carry only `id` and `type`).
    public struct Resource: Sendable, Equatable, Codable {
        public var id: String
        public var type: String
        public var attributes: [String: JSONValue]
        public var relationships: [String: JSONValue]

        enum CodingKeys: String, CodingKey { case id, type, attributes, relationships }

        public init(id: String, type: String, attributes: [String: JSONValue] = [:], relationships: [String: JSONValue] = [:]) {
            self.id = id
            self.type = type
            self.attributes = attributes
            self.relationships = relationships
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            type = try container.decode(String.self, forKey: .type)
            attributes = try container.decodeIfPresent([String: JSONValue].self, forKey: .attributes) ?? [:]
            relationships = try container.decodeIfPresent([String: JSONValue].self, forKey: .relationships) ?? [:]
        }
    }

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id", event, companyID = "company_id", occurredAt = "occurred_at", version, data
    }

    /// The part after the dot: `create`, `update` or `destroy`.
    public var action: String { String(event.split(separator: ".").last ?? "") }
    public var isDestroy: Bool { action == "destroy" }

    public init(eventID: String, event: String, companyID: String, occurredAt: Date, version: Int64, data: Resource) {
        self.eventID = eventID
        self.event = event
        self.companyID = companyID
        self.occurredAt = occurredAt
        self.version = version
        self.data = data
    }
}

/// Decodes contract messages; timestamps are RFC 3339 with or without fractional seconds.
public enum ChangeEventDecoder {
    public static func decode(_ bytes: [UInt8]) throws -> ChangeEvent {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not RFC 3339: \(text)"))
            }
            return date
        }
        return try decoder.decode(ChangeEvent.self, from: Data(bytes))
    }
}

/// RFC 3339 timestamps: the contract writes UTC (`2026-11-27T10:15:02.123Z`); Teamtailor's API writes its own
/// offset (`2017-01-18T21:04:56.178+01:00`). Both parse to the same instant.
public enum RFC3339 {
    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; nil for anything else (a date alone, a missing zone).
    // Hand-rolled: Foundation's ISO 8601 strategies take fractions or offsets but not reliably both, and the
    // first sync parses two timestamps per record read.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<(index + digits)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += digits
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2), expect("Tt "),
            let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offsetSeconds = 0
        if expect("Zz") {
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2), expect(":"), let minutes = number(2), hours < 24, minutes < 60 else { return nil }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        // Days from the civil date (Howard Hinnant's `days_from_civil`).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// UTC with milliseconds and `Z`, as the contract writes them; the instant rounded to the nearest
    /// millisecond, so a parsed `….178+01:00` writes back as `….178Z` (not `.177` from binary fractions).
    /// With `offsetMinutes`, the local time at that offset and its `±hh:mm` (as Teamtailor's API writes them).
    public static func format(_ date: Date, offsetMinutes: Int = 0) -> String {
        let total = Int64((date.timeIntervalSince1970 * 1000).rounded()) + Int64(offsetMinutes) * 60_000
        var days = total / 86_400_000
        var milliseconds = total % 86_400_000
        if milliseconds < 0 {
            milliseconds += 86_400_000
            days -= 1
        }
        // Howard Hinnant's `civil_from_days`.
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
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(seconds / 3600, 2) + ":"
            + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2) + "." + pad(milliseconds % 1000, 3) + zone(offsetMinutes, pad)
    }

    private static func zone(_ minutes: Int, _ pad: (Int64, Int) -> String) -> String {
        if minutes == 0 { return "Z" }
        let magnitude = Int64(abs(minutes))
        return (minutes < 0 ? "-" : "+") + pad(magnitude / 60, 2) + ":" + pad(magnitude % 60, 2)
    }
}

extension ChangeEvent {
    /// The event as the contract's JSON message value (what Teamtailor publishes), canonical form.
    public var contractJSON: String {
        JSONValue.object([
            "event_id": .string(eventID), "event": .string(event), "company_id": .string(companyID),
            "occurred_at": .string(RFC3339.format(occurredAt)),
            // µs versions stay below 2^53, so a JSON number carries them exactly.
            "version": .number(Double(version)),
            "data": .object([
                "id": .string(data.id), "type": .string(data.type),
                "attributes": .object(data.attributes), "relationships": .object(data.relationships),
            ]),
        ]).canonicalText
    }

    /// The topic this event belongs on.
    public var topic: ChangeTopic? { ChangeTopic.allCases.first { $0.resourceType == data.type } }
}
