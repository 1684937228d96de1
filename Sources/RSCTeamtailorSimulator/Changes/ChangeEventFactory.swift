import Foundation
import RSCChangeEvents

/// Turns a store change into the contract's change event, with a version that only ever grows.
// The version is the record's `updated-at` as the API shows it (rounded to the millisecond) in microseconds,
// bumped past the last one handed out: strictly increasing per entity (and overall) even when the clock stands
// still or steps back, and never below what a read of the same record through the API gives (the first sync and
// reconciliation take `updated-at` as the version), so a read never counts a stored change as newer.
// Decided here: Teamtailor publishes no version scheme.
struct ChangeEventFactory: Sendable {
    private var lastVersion: Int64 = 0

    mutating func nextVersion(now: Date) -> Int64 {
        let shown = Int64((now.timeIntervalSince1970 * 1_000).rounded()) * 1_000
        lastVersion = max(lastVersion + 1, shown)
        return lastVersion
    }

    /// nil for resources without a topic (users, activities, locations, reject reasons).
    mutating func event(for change: RecordChange, in store: CompanyStore, now: Date) -> ChangeEvent? {
        guard let names = change.resource.changeEventNames else { return nil }
        var data = ChangeEvent.Resource(id: String(change.id), type: names.type)
        if change.action != .destroy {
            guard let record = store.record(change.resource, change.id) else { return nil }
            (data.attributes, data.relationships) = ContractState.of(record, in: store)
        }
        return ChangeEvent(
            eventID: UUID().uuidString.lowercased(), event: "\(names.prefix).\(change.action.rawValue)",
            companyID: store.companyID, occurredAt: now, version: nextVersion(now: now), data: data)
    }
}

/// A stored record as the contract's entity state (shared/contracts: attributes and relationships by type),
/// what Teamtailor's platform would publish for it. Timestamps in UTC, as the contract writes them.
// Built from the store's own facts, never from the API's rendering: the first sync's mapping (API → contract)
// is tested against this, so both sides must not share code.
enum ContractState {
    static func of(_ record: SimulatedTeamtailorRecord, in store: CompanyStore)
        -> (attributes: [String: JSONValue], relationships: [String: JSONValue])
    {
        let a = record.attributes
        func pick(_ names: [String]) -> [String: JSONValue] {
            var out: [String: JSONValue] = [:]
            for name in names { out[name] = a[name] ?? .null }
            for stamp in ["created-at", "updated-at", "changed-stage-at", "rejected-at"] where out[stamp] != nil {
                out[stamp] = TimestampText.utc(out[stamp])
            }
            return out
        }
        func links(_ names: [String]) -> [String: JSONValue] {
            Dictionary(uniqueKeysWithValues: names.map { ($0, record.link($0)?.json ?? .object(["data": .null])) })
        }
        switch record.resource {
        case .jobs:
            var attributes = pick(["title", "body", "status", "internal", "remote-status", "created-at", "updated-at"])
            attributes["apply-url"] = .string(CareerSite(companyID: store.companyID).applyURL(record))
            attributes["recruiter"] = store.person(user: record.link("user")?.id)
            attributes["location"] = location(record.toMany["locations"]?.first, in: store)
            return (attributes, [:])
        case .candidates:
            return (pick([
                "first-name", "last-name", "email", "phone", "linkedin-url", "linkedin-uid", "sourced", "unsubscribed", "tags",
                "created-at", "updated-at",
            ]), [:])
        case .jobApplications:
            var attributes = pick(["created-at", "updated-at", "changed-stage-at", "rejected-at", "sourced", "referring-site"])
            attributes["reject-reason"] = record.link("reject-reason").flatMap { store.record(.rejectReasons, $0.id)?.attributes["reason"] } ?? .null
            return (attributes, links(["candidate", "job", "stage"]))
        case .stages:
            var attributes = pick(["name", "row-order", "created-at", "updated-at"])
            attributes["stage-type"] = a["legacy-stage-type-name"] ?? .null
            return (attributes, links(["job"]))
        case .interviews:
            return (pick(["created-at", "updated-at", "note", "scores", "recommendation", "interviewer"]),
                    links(["candidate", "job-application"]))
        case .notes:
            var attributes = pick(["created-at", "updated-at"])
            attributes["body"] = a["note"] ?? .null
            attributes["private"] = a["private-note"] ?? .bool(false)
            attributes["author"] = store.person(user: record.link("user")?.id)
            return (attributes, links(["candidate", "job-application"]))
        case .users, .activities, .locations, .rejectReasons:
            return (a, [:])
        }
    }

    /// The contract's `{"city","country-code","postal-code"}` from a location record.
    static func location(_ link: SimulatedLink?, in store: CompanyStore) -> JSONValue {
        guard let link, let place = store.record(.locations, link.id) else { return .null }
        // Members may be absent, never null (schemas/kafka); a Teamtailor location has no region.
        var location: [String: JSONValue] = [:]
        for (member, source) in [("city", "city"), ("country-code", "country-code"), ("postal-code", "zip")] {
            if let text = place.attributes[source]?.stringValue, !text.isEmpty { location[member] = .string(text) }
        }
        return .object(location)
    }
}
