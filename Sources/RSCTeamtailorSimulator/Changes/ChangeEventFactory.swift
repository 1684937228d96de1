import Foundation
import RSCChangeEvents

/// Turns a store change into the contract's change event, with a version that only ever grows.
// The version is the clock's microseconds, bumped past the last one handed out: strictly increasing per
// entity (and overall) even when the clock stands still or steps back.
struct ChangeEventFactory: Sendable {
    private var lastVersion: Int64 = 0

    /// Attribute and relationship names the contract lists for comments; the API's own `note`/`private-note`
    /// and the crediting `user` stay out of the event.
    private static let commentAttributes: Set<String> = ["body", "private", "created-at", "updated-at", "author"]
    private static let commentRelationships: Set<String> = ["candidate", "job-application"]

    mutating func nextVersion(now: Date) -> Int64 {
        let micros = Int64((now.timeIntervalSince1970 * 1_000_000).rounded(.down))
        lastVersion = max(lastVersion + 1, micros)
        return lastVersion
    }

    /// nil for resources without a topic (users, activities).
    mutating func event(for change: RecordChange, in store: CompanyStore, now: Date) -> ChangeEvent? {
        guard let names = change.resource.changeEventNames else { return nil }
        var data = ChangeEvent.Resource(id: String(change.id), type: names.type)
        if change.action != .destroy {
            guard let record = store.record(change.resource, change.id) else { return nil }
            data.attributes = record.attributes
            data.relationships = record.relationships.mapValues { $0?.json ?? .object(["data": .null]) }
            if change.resource == .notes {
                data.attributes = data.attributes.filter { Self.commentAttributes.contains($0.key) }
                data.relationships = data.relationships.filter { Self.commentRelationships.contains($0.key) }
            }
        }
        return ChangeEvent(
            eventID: UUID().uuidString.lowercased(), event: "\(names.prefix).\(change.action.rawValue)",
            companyID: store.companyID, occurredAt: now, version: nextVersion(now: now), data: data)
    }
}
