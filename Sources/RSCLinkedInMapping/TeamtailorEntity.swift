import Foundation
import RSCChangeEvents

/// The newest stored state of one Teamtailor entity, as the mapping reads it.
public struct TeamtailorEntity: Sendable, Equatable {
    public var type: String
    public var id: String
    public var deleted: Bool
    public var attributes: [String: JSONValue]
    public var relationships: [String: JSONValue]

    public init(type: String, id: String, deleted: Bool = false, attributes: [String: JSONValue], relationships: [String: JSONValue] = [:]) {
        self.type = type
        self.id = id
        self.deleted = deleted
        self.attributes = attributes
        self.relationships = relationships
    }

    /// A non-empty trimmed string attribute, else nil ("a missing optional key means null").
    public func text(_ key: String) -> String? {
        guard let raw = attributes[key]?.stringValue, let first = raw.unicodeScalars.first, let last = raw.unicodeScalars.last else {
            return nil
        }
        // Most values have nothing to trim; Foundation's trimming costs the same either way and runs for
        // every field of every record planned.
        if !first.properties.isWhitespace && !last.properties.isWhitespace { return raw }
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }

    public func flag(_ key: String) -> Bool { attributes[key]?.boolValue ?? false }

    /// An RFC 3339 attribute as epoch milliseconds.
    public func milliseconds(_ key: String) -> Int64? {
        text(key).flatMap(RFC3339.parse).map { Int64(($0.timeIntervalSince1970 * 1_000).rounded()) }
    }

    /// The id a JSON:API relationship points to (`{"data": {"type", "id"}}`), nil when absent or null.
    public func related(_ name: String) -> String? {
        relationships[name]?["data"]?["id"]?.stringValue
    }

    /// A nested person object (`recruiter`, `interviewer`, `author`) as first and last name and email.
    /// Each member absent, `null` or blank counts as missing.
    public func person(_ key: String) -> Person? {
        guard case .object(let object) = attributes[key] else { return nil }
        func member(_ name: String) -> String? {
            guard let text = object[name]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        let first = member("first-name"), last = member("last-name"), email = member("email")
        if first == nil && last == nil && email == nil { return nil }
        return Person(firstName: first, lastName: last, email: email)
    }

    public struct Person: Sendable, Equatable {
        public var firstName: String?
        public var lastName: String?
        public var email: String?
    }
}
