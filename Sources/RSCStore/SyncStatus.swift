import Foundation
import Logging
import PostgresNIO

/// Where a company's LinkedIn sync stands, per resource, as `rsc status` and the admin page show it.
public struct SyncStatus: Sendable, Equatable {
    public struct ResourceCounts: Sendable, Equatable {
        public var resource: String
        public var synced: Int
        public var pending: Int
        public var notMatched: Int
        public var failed: Int
        public var waiting: Int
        public var skipped: Int
    }

    /// Records sharing one state and reason, e.g. 212 candidates "not matched: missing email".
    public struct ReasonGroup: Sendable, Equatable {
        public var resource: String
        public var state: String
        public var reason: String
        public var count: Int
    }

    public var resources: [ResourceCounts]
    public var reasons: [ReasonGroup]
    /// When the oldest live change LinkedIn has not seen yet was made (nil: nothing pending). First-sync
    /// history is old by nature and is reported as the first sync's progress instead.
    public var oldestPendingSince: Date?
    public var lastSuccessAt: Date?
    /// What the database clock says now, to turn `oldestPendingSince` into an age.
    public var asOf: Date

    public var oldestPendingAge: TimeInterval? { oldestPendingSince.map { asOf.timeIntervalSince($0) } }

    public static func load(company: String, client: PostgresClient, logger: Logger) async throws -> SyncStatus {
        var resources: [ResourceCounts] = []
        let counts = try await client.query(
            """
            -- A queued record is pending whatever it was before; one never sent has no `linkedin_records` row yet.
            WITH current(resource, state) AS (
                SELECT r.resource, r.state FROM linkedin_records r
                WHERE r.company_id = \(company)
                  AND NOT EXISTS (SELECT 1 FROM linkedin_send_queue q WHERE q.company_id = r.company_id AND q.resource = r.resource
                                  AND q.parent_id = r.parent_id AND q.record_id = r.record_id)
                UNION ALL
                SELECT q.resource, 'queued' FROM linkedin_send_queue q WHERE q.company_id = \(company)
            )
            SELECT resource,
                   count(*) FILTER (WHERE state = 'synced')::int,
                   count(*) FILTER (WHERE state = 'queued')::int,
                   count(*) FILTER (WHERE state = 'not_matched')::int,
                   count(*) FILTER (WHERE state = 'failed')::int,
                   count(*) FILTER (WHERE state = 'waiting')::int,
                   count(*) FILTER (WHERE state IN ('skipped', 'deleted'))::int
            FROM current
            GROUP BY resource ORDER BY resource
            """,
            logger: logger
        )
        for try await (resource, synced, pending, notMatched, failed, waiting, skipped) in counts.decode((String, Int, Int, Int, Int, Int, Int).self) {
            resources.append(ResourceCounts(resource: resource, synced: synced, pending: pending, notMatched: notMatched, failed: failed, waiting: waiting, skipped: skipped))
        }
        var reasons: [ReasonGroup] = []
        let grouped = try await client.query(
            """
            SELECT r.resource, r.state, COALESCE(r.state_reason, ''), count(*)::int
            FROM linkedin_records r
            WHERE r.company_id = \(company) AND r.state IN ('not_matched', 'failed', 'waiting')
              AND NOT EXISTS (SELECT 1 FROM linkedin_send_queue q WHERE q.company_id = r.company_id AND q.resource = r.resource
                              AND q.parent_id = r.parent_id AND q.record_id = r.record_id)
            GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1 LIMIT 25
            """,
            logger: logger
        )
        for try await (resource, state, reason, count) in grouped.decode((String, String, String, Int).self) {
            reasons.append(ReasonGroup(resource: resource, state: state, reason: reason, count: count))
        }
        var oldest: Date?
        var lastSuccess: Date?
        var now = Date()
        let summary = try await client.query(
            """
            SELECT (SELECT min(dirty_since) FROM linkedin_send_queue WHERE company_id = \(company) AND priority = 0),
                   (SELECT last_sync_success_at FROM companies WHERE company_id = \(company)), now()
            """,
            logger: logger
        )
        for try await (pendingSince, success, databaseNow) in summary.decode((Date?, Date?, Date).self) {
            oldest = pendingSince
            lastSuccess = success
            now = databaseNow
        }
        return SyncStatus(resources: resources, reasons: reasons, oldestPendingSince: oldest, lastSuccessAt: lastSuccess, asOf: now)
    }
}

extension SyncStatus {
    /// LinkedIn records not on LinkedIn yet — queued, or a job posting whose LinkedIn task is still open — for
    /// one company, or for all when `company` is nil. A queued job with an open task counts twice: callers ask
    /// whether anything is left, and roughly how much.
    public static func recordsNotYetOnLinkedIn(company: String?, client: PostgresClient, logger: Logger) async throws -> Int {
        try await client.query(
            """
            SELECT (SELECT count(*) FROM linkedin_send_queue WHERE \(company)::text IS NULL OR company_id = \(company))::int
                   + (SELECT count(*) FROM linkedin_records
                      WHERE job_task_id IS NOT NULL AND (\(company)::text IS NULL OR company_id = \(company)))::int
            """,
            logger: logger
        ).decode(Int.self).reduce(0, +)
    }
}
