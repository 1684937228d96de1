import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents

/// Keeps the newest state of each entity and marks the LinkedIn records a change affects as dirty, in
/// one transaction per batch: an event whose version is not above the stored one changes nothing, so
/// duplicates, replays and out-of-order delivery are harmless, and no change is stored without its mark.
public struct EntityStateStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// What a batch did.
    public struct Outcome: Sendable, Equatable {
        /// Events that changed stored state.
        public var changed: Int
        /// LinkedIn records newly marked dirty (or still dirty and touched again).
        public var markedRecords: Int
    }

    /// - Parameter priority: 0 for live changes, 1 for first-global-sync work (sent after live work).
    @discardableResult
    public func apply(_ events: [ChangeEvent], priority: Int16 = 0) async throws -> Outcome {
        guard !events.isEmpty else { return Outcome(changed: 0, markedRecords: 0) }
        do {
            return try await client.withTransaction(logger: logger) { connection in
                let clock = ContinuousClock()
                let start = clock.now
                let changed = try await upsertStates(events, connection)
                let upserted = clock.now
                // Every stage entry the batch adds is marked, from a stale event too: it changes no state, but
                // is history LinkedIn has not seen.
                let newStages = try await recordStageEntries(events, connection)
                let staged = clock.now
                let marked = try await DirtyMarking.mark(
                    changed: changed, enteredStages: newStages, priority: priority, connection: connection, logger: logger)
                logger.trace("store steps", metadata: [
                    "upsertMs": "\((upserted - start).milliseconds)", "stagesMs": "\((staged - upserted).milliseconds)",
                    "markMs": "\((clock.now - staged).milliseconds)",
                ])
                return Outcome(changed: changed.count, markedRecords: marked)
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.commitError ?? error.beginError ?? error
        }
    }

    func upsertStates(_ events: [ChangeEvent], _ connection: PostgresConnection) async throws -> [ChangedEntity] {
        // Within a batch the newest version per entity wins first; then the row is written only if that
        // version is above what is stored.
        let newest = Dictionary(grouping: events) { EntityKey($0) }.values.compactMap { $0.max { $0.version < $1.version } }
        var companies: [String] = [], types: [String] = [], ids: [String] = [], versions: [Int64] = []
        var deleted: [Bool] = [], attributes: [String] = [], relationships: [String] = [], occurred: [Date] = []
        for event in newest {
            companies.append(event.companyID)
            types.append(event.data.type)
            ids.append(event.data.id)
            versions.append(event.version)
            deleted.append(event.isDestroy)
            attributes.append(JSONValue.object(event.data.attributes).canonicalText)
            relationships.append(JSONValue.object(event.data.relationships).canonicalText)
            occurred.append(event.occurredAt)
        }
        let rows = try await connection.query(
            """
            INSERT INTO entity_states (company_id, entity_type, entity_id, version, deleted, attributes, relationships, occurred_at)
            SELECT c, t, i, v, d, a::jsonb, r::jsonb, o
            FROM unnest(\(companies)::text[], \(types)::text[], \(ids)::text[], \(versions)::int8[], \(deleted)::bool[],
                        \(attributes)::text[], \(relationships)::text[], \(occurred)::timestamptz[]) AS u(c, t, i, v, d, a, r, o)
            ON CONFLICT (company_id, entity_type, entity_id) DO UPDATE
            SET version = EXCLUDED.version, deleted = EXCLUDED.deleted,
                -- A destroy carries no attributes: keep the last known ones (a closed job still needs its title).
                attributes = CASE WHEN EXCLUDED.deleted THEN entity_states.attributes ELSE EXCLUDED.attributes END,
                relationships = CASE WHEN EXCLUDED.deleted THEN entity_states.relationships ELSE EXCLUDED.relationships END,
                occurred_at = EXCLUDED.occurred_at, received_at = now()
            WHERE entity_states.version < EXCLUDED.version
            RETURNING company_id, entity_type, entity_id, occurred_at,
                      attributes->>'rejected-at' IS NOT NULL,
                      COALESCE(relationships->'job-application'->'data'->>'id', ''),
                      COALESCE(relationships->'candidate'->'data'->>'id', '')
            """,
            logger: logger
        )
        var changed: [ChangedEntity] = []
        let columns = (String, String, String, Date, Bool, String, String).self
        for try await (company, type, id, occurredAt, rejected, application, candidate) in rows.decode(columns) {
            changed.append(ChangedEntity(
                companyID: company, type: type, id: id, occurredAt: occurredAt,
                rejected: rejected, applicationID: application, candidateID: candidate))
        }
        return changed
    }

    /// Every stage an application is seen in counts as entered, from stale events too. Returns the entries
    /// this batch added (or moved earlier), with the newest `occurred_at` of the events that showed them.
    func recordStageEntries(_ events: [ChangeEvent], _ connection: PostgresConnection) async throws -> [EnteredStage] {
        var companies: [String] = [], applications: [String] = [], stages: [String] = [], entered: [Date] = []
        var occurred: [String: Date] = [:]
        for event in events where event.data.type == "job-applications" && !event.isDestroy {
            guard let stage = event.data.relationships["stage"]?["data"]?["id"]?.stringValue else { continue }
            companies.append(event.companyID)
            applications.append(event.data.id)
            stages.append(stage)
            let changedAt = event.data.attributes["changed-stage-at"]?.stringValue.flatMap(RFC3339.parse)
            entered.append(changedAt ?? event.data.attributes["created-at"]?.stringValue.flatMap(RFC3339.parse) ?? event.occurredAt)
            let key = "\(event.companyID)|\(event.data.id)|\(stage)"
            occurred[key] = max(occurred[key] ?? event.occurredAt, event.occurredAt)
        }
        guard !companies.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            INSERT INTO application_stage_entries (company_id, application_id, stage_id, entered_at)
            SELECT c, a, s, min(e) FROM unnest(\(companies)::text[], \(applications)::text[], \(stages)::text[], \(entered)::timestamptz[])
                AS u(c, a, s, e) GROUP BY c, a, s
            ON CONFLICT (company_id, application_id, stage_id) DO UPDATE
            SET entered_at = EXCLUDED.entered_at
            WHERE EXCLUDED.entered_at < application_stage_entries.entered_at
            RETURNING company_id, application_id, stage_id
            """,
            logger: logger
        )
        var added: [EnteredStage] = []
        for try await (company, application, stage) in rows.decode((String, String, String).self) {
            let occurredAt = occurred["\(company)|\(application)|\(stage)"] ?? Date()
            added.append(EnteredStage(companyID: company, applicationID: application, stageID: stage, occurredAt: occurredAt))
        }
        return added
    }
}

/// A stage entry a batch added to an application's history.
struct EnteredStage: Sendable {
    var companyID: String
    var applicationID: String
    var stageID: String
    var occurredAt: Date
}

/// An entity whose stored state a batch changed, with the facts of its new state the dirty marking needs
/// (returned by the upsert itself, so the marking does not read the rows back).
struct ChangedEntity: Sendable {
    var companyID: String
    var type: String
    var id: String
    var occurredAt: Date
    /// An application with `rejected-at` set.
    var rejected: Bool
    /// The application an interview or comment belongs to; "" when none.
    var applicationID: String
    /// The candidate a comment belongs to; "" when none.
    var candidateID: String
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
