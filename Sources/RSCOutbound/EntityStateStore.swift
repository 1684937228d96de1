import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents

/// Keeps the newest state of each entity: applies a batch of events in one transaction, each only if its
/// version is above the stored one, so duplicates, replays and out-of-order delivery change nothing.
public struct EntityStateStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Returns how many events changed stored state (the rest were stale or duplicates).
    @discardableResult
    public func apply(_ events: [ChangeEvent]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        // One statement for the whole batch: within a batch the newest version per entity wins first,
        // then the row is written only if that version is above what is stored.
        let newest = Dictionary(grouping: events) { EntityKey($0) }.values.compactMap { $0.max { $0.version < $1.version } }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var companies: [String] = [], types: [String] = [], ids: [String] = [], versions: [Int64] = []
        var deleted: [Bool] = [], attributes: [String] = [], relationships: [String] = [], occurred: [Date] = []
        for event in newest {
            companies.append(event.companyID)
            types.append(event.data.type)
            ids.append(event.data.id)
            versions.append(event.version)
            deleted.append(event.isDestroy)
            attributes.append(String(decoding: try encoder.encode(event.data.attributes), as: UTF8.self))
            relationships.append(String(decoding: try encoder.encode(event.data.relationships), as: UTF8.self))
            occurred.append(event.occurredAt)
        }
        let rows = try await client.query(
            """
            INSERT INTO entity_states (company_id, entity_type, entity_id, version, deleted, attributes, relationships, occurred_at)
            SELECT c, t, i, v, d, a::jsonb, r::jsonb, o
            FROM unnest(\(companies)::text[], \(types)::text[], \(ids)::text[], \(versions)::int8[], \(deleted)::bool[],
                        \(attributes)::text[], \(relationships)::text[], \(occurred)::timestamptz[]) AS u(c, t, i, v, d, a, r, o)
            ON CONFLICT (company_id, entity_type, entity_id) DO UPDATE
            SET version = EXCLUDED.version, deleted = EXCLUDED.deleted, attributes = EXCLUDED.attributes,
                relationships = EXCLUDED.relationships, occurred_at = EXCLUDED.occurred_at, received_at = now()
            WHERE entity_states.version < EXCLUDED.version
            RETURNING 1
            """,
            logger: logger
        )
        var changed = 0
        for try await _ in rows { changed += 1 }
        return changed
    }
}

struct EntityKey: Hashable {
    var company: String
    var type: String
    var id: String

    init(_ event: ChangeEvent) {
        company = event.companyID
        type = event.data.type
        id = event.data.id
    }
}
