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

/// RFC 3339 timestamps as the contract writes them (`2026-11-27T10:15:02.123Z`).
public enum RFC3339 {
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) {
            return date
        }
        return try? Date(text, strategy: .iso8601)
    }

    /// UTC with milliseconds and `Z`, as the contract writes them.
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
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
