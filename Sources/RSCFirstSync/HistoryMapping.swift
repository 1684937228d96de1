import Foundation
import RSCChangeEvents
import RSCTeamtailorClient

/// A record read from Teamtailor's API, as the change event Teamtailor would have published for it: the
/// first global sync feeds the same state table as live changes, under the same version rule.
///
/// The version is the record's `updated-at` in microseconds — the clock Teamtailor's events carry — so a
/// live change newer than the read record wins, and reading a page twice changes nothing.
public enum HistoryMapping {
    /// API resource → the contract's `data.type` and event prefix.
    static let contractType: [String: (type: String, event: String)] = [
        "jobs": ("jobs", "job"), "candidates": ("candidates", "candidate"),
        "job-applications": ("job-applications", "job_application"), "stages": ("stages", "stage"),
        "interviews": ("interviews", "interview"), "notes": ("comments", "comment"),
    ]

    /// The contract's `data.type` and event prefix of an API resource; nil for one not synced (users).
    public static func contractType(of resource: String) -> (type: String, event: String)? {
        contractType[resource]
    }

    public struct Author: Sendable, Equatable {
        public var email: String?
        public var name: String?
        public init(email: String?, name: String?) {
            self.email = email
            self.name = name
        }
    }

    /// nil for resources that are not synced to LinkedIn (users) or a record without a usable timestamp.
    public static func event(
        companyID: String, resource: String, record: TeamtailorRecord, users: [String: Author]
    ) -> ChangeEvent? {
        guard let target = contractType[resource] else { return nil }
        var attributes = record.attributes
        var relationships = record.relationships
        if resource == "notes" {
            // Teamtailor's API calls a comment a note: `note`, `private-note` and a `user` relationship.
            if attributes["body"] == nil { attributes["body"] = attributes["note"] ?? .null }
            if attributes["private"] == nil { attributes["private"] = attributes["private-note"] ?? .bool(false) }
            if attributes["author"] == nil, let userID = record.relatedID("user"), let user = users[userID] {
                attributes["author"] = author(user)
            }
            attributes["note"] = nil
            attributes["private-note"] = nil
            relationships["user"] = nil
        }
        let stamp = (attributes["updated-at"]?.stringValue ?? attributes["created-at"]?.stringValue).flatMap(RFC3339.parse)
        guard let stamp else { return nil }
        return ChangeEvent(
            eventID: "history-\(companyID)-\(resource)-\(record.id)-\(Int64(stamp.timeIntervalSince1970 * 1_000_000))",
            event: "\(target.event).update", companyID: companyID, occurredAt: stamp,
            version: Int64((stamp.timeIntervalSince1970 * 1_000_000).rounded()),
            data: .init(id: record.id, type: target.type, attributes: attributes, relationships: relationships))
    }

    /// The contract's `{"email","first-name","last-name"}` from a user's full name.
    static func author(_ user: Author) -> JSONValue {
        let parts = (user.name ?? "").split(separator: " ", maxSplits: 1).map(String.init)
        return .object([
            "email": user.email.map(JSONValue.string) ?? .null,
            "first-name": parts.first.map(JSONValue.string) ?? .null,
            "last-name": parts.count > 1 ? .string(parts[1]) : .null,
        ])
    }
}
