import Foundation
import Logging
import PostgresNIO
import RSCStore

/// `reconcile_state` and `reconcile_leases`: what each company's passes did, the pass in hand (resumable),
/// requests, and the lease that lets one replica at a time run a company's pass.
public struct ReconciliationStore: Sendable {
    let postgres: PostgresClient
    let logger: Logger

    public init(postgres: PostgresClient, logger: Logger) {
        self.postgres = postgres
        self.logger = logger
    }

    /// A pass in hand: where it reads from and what it found so far.
    public struct Progress: Sendable, Equatable {
        public var kind: ReconciliationSchedule.Pass
        public var since: Date?
        public var startedAt: Date
        /// The resource being read and the next page's cursor (nil: its first page).
        public var resource: String?
        public var cursor: String?
        public var checked: [String: Int]
        public var repaired: [String: Int]
    }

    /// The last completed pass and the one running, as the admin page and `rsc status` show them.
    public struct Status: Sendable, Equatable, Codable {
        public var running: Bool
        public var runningKind: String?
        public var runningStartedAt: Date?
        public var lastKind: String?
        public var lastStartedAt: Date?
        public var lastFinishedAt: Date?
        public var lastFullFinishedAt: Date?
        public var checked: [String: Int]
        public var repaired: [String: Int]
        public var requested: Bool
        public var lastError: String?
    }

    // MARK: Scheduling

    /// Facts for every active company whose pass no other replica holds.
    public func candidates(owner: String) async throws -> [ReconciliationSchedule.Facts] {
        let rows = try await postgres.query(
            """
            SELECT c.company_id, r.requested_at IS NOT NULL, coalesce(r.requested_full, false), r.running_kind,
                   r.last_started_at, r.last_finished_at, r.last_full_finished_at,
                   coalesce(h.started_at, c.created_at),
                   CASE WHEN h.company_id IS NULL THEN c.created_at WHEN h.unread = 0 THEN h.read_at END
            FROM companies c
            LEFT JOIN reconcile_state r ON r.company_id = c.company_id
            LEFT JOIN reconcile_leases l ON l.company_id = c.company_id
            LEFT JOIN (
                SELECT company_id, min(started_at) AS started_at, max(read_at) AS read_at,
                       count(*) FILTER (WHERE state <> 'read') AS unread
                FROM first_sync_progress GROUP BY company_id
            ) h ON h.company_id = c.company_id
            WHERE c.status = 'active' AND (l.company_id IS NULL OR l.expires_at < now() OR l.owner = \(owner))
            """,
            logger: logger)
        var facts: [ReconciliationSchedule.Facts] = []
        for try await (company, requested, requestedFull, running, lastStarted, lastFinished, lastFull, historyStarted, historyFinished) in rows.decode(
            (String, Bool, Bool, String?, Date?, Date?, Date?, Date?, Date?).self)
        {
            var fact = ReconciliationSchedule.Facts(companyID: company)
            fact.requested = requested
            fact.requestedFull = requestedFull
            fact.running = running.flatMap(ReconciliationSchedule.Pass.init(rawValue:))
            fact.lastStartedAt = lastStarted
            fact.lastFinishedAt = lastFinished
            fact.lastFullFinishedAt = lastFull
            fact.historyStartedAt = historyStarted
            fact.historyFinishedAt = historyFinished
            facts.append(fact)
        }
        return facts
    }

    /// Asks for a pass now (a full one when `full`); the next free replica takes it.
    public func request(companyID: String, full: Bool) async throws {
        try await ReconciliationRequests(postgres: postgres, logger: logger).request(companyIDs: [companyID], full: full)
    }

    // MARK: Lease

    /// True when this replica now holds the company's pass (free, expired, or already its own).
    public func claim(companyID: String, owner: String, for duration: Duration) async throws -> Bool {
        let rows = try await postgres.query(
            """
            INSERT INTO reconcile_leases (company_id, owner, expires_at)
            VALUES (\(companyID), \(owner), now() + make_interval(secs => \(duration.timeInterval)))
            ON CONFLICT (company_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
            WHERE reconcile_leases.expires_at < now() OR reconcile_leases.owner = EXCLUDED.owner
            RETURNING 1
            """,
            logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// False when another replica has taken the company over: the pass must stop writing at once.
    public func renew(companyID: String, owner: String, for duration: Duration) async throws -> Bool {
        let rows = try await postgres.query(
            """
            UPDATE reconcile_leases SET expires_at = now() + make_interval(secs => \(duration.timeInterval))
            WHERE company_id = \(companyID) AND owner = \(owner) RETURNING 1
            """,
            logger: logger)
        for try await _ in rows { return true }
        return false
    }

    public func release(companyID: String, owner: String) async throws {
        try await postgres.query("DELETE FROM reconcile_leases WHERE company_id = \(companyID) AND owner = \(owner)", logger: logger)
    }

    // MARK: The pass in hand

    /// Starts a pass, or takes up the one already running. A full pass always starts over: the ids it saw before
    /// a crash were in the stopped process's memory, and deletes may only follow a complete listing.
    public func begin(
        companyID: String, kind: ReconciliationSchedule.Pass, since: Date?, now: Date
    ) async throws -> Progress {
        let rows = try await postgres.query(
            """
            INSERT INTO reconcile_state (company_id, running_kind, running_since, running_started_at)
            VALUES (\(companyID), \(kind.rawValue), \(since), \(now))
            ON CONFLICT (company_id) DO UPDATE SET
                running_kind = CASE WHEN reconcile_state.running_kind = 'incremental' THEN 'incremental' ELSE EXCLUDED.running_kind END,
                running_since = CASE WHEN reconcile_state.running_kind = 'incremental' THEN reconcile_state.running_since ELSE EXCLUDED.running_since END,
                running_started_at = CASE WHEN reconcile_state.running_kind = 'incremental' THEN reconcile_state.running_started_at ELSE EXCLUDED.running_started_at END,
                running_resource = CASE WHEN reconcile_state.running_kind = 'incremental' THEN reconcile_state.running_resource END,
                running_cursor = CASE WHEN reconcile_state.running_kind = 'incremental' THEN reconcile_state.running_cursor END,
                running_checked = CASE WHEN reconcile_state.running_kind = 'incremental' THEN reconcile_state.running_checked ELSE '{}' END,
                running_repaired = CASE WHEN reconcile_state.running_kind = 'incremental' THEN reconcile_state.running_repaired ELSE '{}' END,
                requested_at = NULL, requested_full = false
            RETURNING running_kind, running_since, running_started_at, running_resource, running_cursor,
                      running_checked::text, running_repaired::text
            """,
            logger: logger)
        for try await (kind, since, started, resource, cursor, checked, repaired) in rows.decode(
            (String, Date?, Date, String?, String?, String, String).self)
        {
            return Progress(
                kind: ReconciliationSchedule.Pass(rawValue: kind) ?? .incremental, since: since, startedAt: started,
                resource: resource, cursor: cursor, checked: Self.counts(checked), repaired: Self.counts(repaired))
        }
        throw ReconciliationError(companyID: companyID, reason: "reconcile_state row missing after upsert")
    }

    /// After each page: where the pass goes on from, and the counts so far.
    public func record(companyID: String, resource: String, next cursor: String?, checked: [String: Int], repaired: [String: Int]) async throws {
        try await postgres.query(
            """
            UPDATE reconcile_state SET running_resource = \(resource), running_cursor = \(cursor),
                   running_checked = \(Self.json(checked))::jsonb, running_repaired = \(Self.json(repaired))::jsonb
            WHERE company_id = \(companyID) AND running_kind IS NOT NULL
            """,
            logger: logger)
    }

    public func finish(companyID: String, now: Date) async throws {
        try await postgres.query(
            """
            UPDATE reconcile_state SET
                last_kind = running_kind, last_started_at = running_started_at, last_finished_at = \(now),
                last_full_finished_at = CASE WHEN running_kind = 'full' THEN \(now) ELSE last_full_finished_at END,
                last_checked = running_checked, last_repaired = running_repaired, last_error = NULL,
                running_kind = NULL, running_since = NULL, running_started_at = NULL, running_resource = NULL,
                running_cursor = NULL, running_checked = '{}', running_repaired = '{}'
            WHERE company_id = \(companyID)
            """,
            logger: logger)
    }

    /// A pass that cannot go on (Teamtailor refused the key, say): recorded, and the next one starts afresh
    /// at the company's next slot.
    public func fail(companyID: String, reason: String, now: Date) async throws {
        try await postgres.query(
            """
            UPDATE reconcile_state SET last_error = \(storableText(reason)), last_started_at = coalesce(running_started_at, last_started_at),
                running_kind = NULL, running_since = NULL, running_started_at = NULL, running_resource = NULL,
                running_cursor = NULL, running_checked = '{}', running_repaired = '{}'
            WHERE company_id = \(companyID)
            """,
            logger: logger)
    }

    public func status(companyID: String) async throws -> Status? {
        let rows = try await postgres.query(
            """
            SELECT running_kind, running_started_at, last_kind, last_started_at, last_finished_at, last_full_finished_at,
                   CASE WHEN running_kind IS NULL THEN last_checked ELSE running_checked END::text,
                   CASE WHEN running_kind IS NULL THEN last_repaired ELSE running_repaired END::text,
                   requested_at IS NOT NULL, last_error
            FROM reconcile_state WHERE company_id = \(companyID)
            """,
            logger: logger)
        for try await (running, runningStarted, lastKind, lastStarted, lastFinished, lastFull, checked, repaired, requested, error) in rows.decode(
            (String?, Date?, String?, Date?, Date?, Date?, String, String, Bool, String?).self)
        {
            return Status(
                running: running != nil, runningKind: running, runningStartedAt: runningStarted, lastKind: lastKind,
                lastStartedAt: lastStarted, lastFinishedAt: lastFinished, lastFullFinishedAt: lastFull,
                checked: Self.counts(checked), repaired: Self.counts(repaired), requested: requested, lastError: error)
        }
        return nil
    }

    static func counts(_ json: String) -> [String: Int] {
        (try? JSONDecoder().decode([String: Int].self, from: Data(json.utf8))) ?? [:]
    }

    static func json(_ counts: [String: Int]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? String(decoding: encoder.encode(counts), as: UTF8.self)) ?? "{}"
    }
}

/// A reconciliation pass that could not go on, naming the company.
public struct ReconciliationError: Error, CustomStringConvertible {
    public var companyID: String
    public var reason: String
    public var description: String { "reconciliation of company \(companyID): \(reason)" }
}
