import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCLinkedInMapping
import RSCStore

/// One dirty LinkedIn record as the sender loads it.
struct DirtyRecord: Sendable {
    var key: LinkedInRecordKey
    var changeSeq: Int64
    var syncedHash: String?
    var changeOccurredAt: Date?
    var attempts: Int
    var priority: Int16
}

/// How a record ended after a send round; written back in one statement per outcome kind.
enum RecordOutcome: Sendable {
    case synced(hash: String)
    case deleted
    case notMatched(reason: String)
    case waiting(reason: String, on: String?)
    case skipped(reason: String)
    case refused(reason: String)
    case jobSubmitted(taskID: String, hash: String)
    /// Not done (LinkedIn busy or down): try again after the delay.
    case retryLater(after: Duration, reason: String)
}

/// The sender's reads and writes: dirty records, the entities to build them from, and outcomes.
struct SyncRecordStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// `TEAMTAILOR_APP_URL`: where the links back to Teamtailor in LinkedIn's records point.
    var teamtailorAppURL = CompanyMappingSettings.defaultTeamtailorAppURL

    /// Companies with due work, live work first; parked companies only once their pause is over. A company
    /// whose only work is job-posting tasks still to be read comes with `hasDueRecords` false.
    func companiesWithWork(limit: Int) async throws -> [(company: String, hasDueRecords: Bool)] {
        // One probe per sendable company into the partial `dirty` index (its first due record), not an
        // aggregate over every dirty record: the sender asks this ten times a second, whatever the backlog.
        let rows = try await client.query(
            """
            SELECT c.company_id, due.priority IS NOT NULL FROM companies c
            LEFT JOIN LATERAL (
                SELECT r.priority, r.dirty_since FROM linkedin_records r
                WHERE r.company_id = c.company_id AND r.dirty AND r.next_attempt_at <= now()
                ORDER BY r.priority, r.dirty_since
                LIMIT 1
            ) due ON true
            WHERE c.status IN ('active', 'parked') AND c.organization_urn IS NOT NULL AND c.linkedin_client_id IS NOT NULL
              AND (c.parked_until IS NULL OR c.parked_until <= now())
              -- due work, or job postings whose LinkedIn task is still to be read
              AND (due.priority IS NOT NULL OR EXISTS (
                  SELECT 1 FROM linkedin_records t WHERE t.company_id = c.company_id AND t.job_task_id IS NOT NULL AND NOT t.dirty))
            ORDER BY coalesce(due.priority, 0), due.dirty_since NULLS LAST
            LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode((String, Bool).self).reduce(into: []) { $0.append((company: $1.0, hasDueRecords: $1.1)) }
    }

    /// Takes (or renews) the company's sending lease; false if another replica holds it.
    func claim(company: String, owner: String, ttl: Duration) async throws -> Bool {
        let rows = try await client.query(
            """
            INSERT INTO sender_leases (company_id, owner, expires_at)
            VALUES (\(company), \(owner), now() + make_interval(secs => \(Double(ttl.components.seconds))))
            ON CONFLICT (company_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
            WHERE sender_leases.owner = EXCLUDED.owner OR sender_leases.expires_at < now()
            RETURNING 1
            """,
            logger: logger
        )
        for try await _ in rows { return true }
        return false
    }

    func release(company: String, owner: String) async throws {
        try await client.query("DELETE FROM sender_leases WHERE company_id = \(company) AND owner = \(owner)", logger: logger)
    }

    func dirtyRecords(company: String, limit: Int) async throws -> [DirtyRecord] {
        let rows = try await client.query(
            """
            SELECT resource, parent_id, record_id, change_seq, synced_hash, change_occurred_at, attempts, priority
            FROM linkedin_records
            WHERE company_id = \(company) AND dirty AND next_attempt_at <= now()
            ORDER BY priority, dirty_since
            LIMIT \(limit)
            """,
            logger: logger
        )
        return try await Self.dirtyRecords(rows)
    }

    /// Those of these records that are dirty and due: parents a round's children need, pulled into it.
    func dueRecords(company: String, among keys: Set<LinkedInRecordKey>) async throws -> [DirtyRecord] {
        guard !keys.isEmpty else { return [] }
        let list = Array(keys)
        let rows = try await client.query(
            """
            SELECT r.resource, r.parent_id, r.record_id, r.change_seq, r.synced_hash, r.change_occurred_at, r.attempts, r.priority
            FROM linkedin_records r
            JOIN unnest(\(list.map(\.resource.rawValue))::text[], \(list.map(\.parentID))::text[], \(list.map(\.id))::text[]) AS k(resource, parent_id, record_id)
              ON r.resource = k.resource AND r.parent_id = k.parent_id AND r.record_id = k.record_id
            WHERE r.company_id = \(company) AND r.dirty AND r.next_attempt_at <= now()
            """,
            logger: logger
        )
        return try await Self.dirtyRecords(rows)
    }

    private static func dirtyRecords(_ rows: PostgresRowSequence) async throws -> [DirtyRecord] {
        var records: [DirtyRecord] = []
        for try await (resource, parent, id, seq, hash, occurred, attempts, priority) in rows.decode(
            (String, String, String, Int64, String?, Date?, Int, Int16).self
        ) {
            guard let resource = LinkedInResource(rawValue: resource) else { continue }
            records.append(DirtyRecord(
                key: LinkedInRecordKey(resource, id, parent: parent), changeSeq: seq, syncedHash: hash,
                changeOccurredAt: occurred, attempts: attempts, priority: priority
            ))
        }
        return records
    }

    /// Which of these records LinkedIn holds (they have a synced hash).
    func syncedKeys(company: String, among keys: Set<LinkedInRecordKey>) async throws -> Set<LinkedInRecordKey> {
        guard !keys.isEmpty else { return [] }
        let list = Array(keys)
        let rows = try await client.query(
            """
            SELECT r.resource, r.parent_id, r.record_id FROM linkedin_records r
            JOIN unnest(\(list.map(\.resource.rawValue))::text[], \(list.map(\.parentID))::text[], \(list.map(\.id))::text[]) AS k(resource, parent_id, record_id)
              ON r.resource = k.resource AND r.parent_id = k.parent_id AND r.record_id = k.record_id
            WHERE r.company_id = \(company) AND r.synced_hash IS NOT NULL
            """,
            logger: logger
        )
        var synced: Set<LinkedInRecordKey> = []
        for try await (resource, parent, id) in rows.decode((String, String, String).self) {
            if let resource = LinkedInResource(rawValue: resource) { synced.insert(LinkedInRecordKey(resource, id, parent: parent)) }
        }
        return synced
    }

    /// Entities by (type, id), plus the stage history of the applications among them.
    func entities(company: String, ids: Set<EntityRef>) async throws -> EntityLookup {
        guard !ids.isEmpty else { return EntityLookup() }
        let list = Array(ids)
        let rows = try await client.query(
            """
            SELECT e.entity_type, e.entity_id, e.deleted, e.attributes::text, e.relationships::text
            FROM entity_states e
            JOIN unnest(\(list.map(\.type))::text[], \(list.map(\.id))::text[]) AS k(entity_type, entity_id)
              ON e.entity_type = k.entity_type AND e.entity_id = k.entity_id
            WHERE e.company_id = \(company)
            """,
            logger: logger
        )
        var lookup = EntityLookup()
        func members(_ text: String) -> [String: JSONValue] {
            if case .object(let object)? = try? JSONValue.parse(Array(text.utf8)) { return object }
            return [:]
        }
        for try await (type, id, deleted, attributes, relationships) in rows.decode((String, String, Bool, String, String).self) {
            lookup.insert(TeamtailorEntity(type: type, id: id, deleted: deleted, attributes: members(attributes), relationships: members(relationships)))
        }
        let candidates = list.filter { $0.type == "candidates" }.map(\.id)
        if !candidates.isEmpty {
            let members = try await client.query(
                """
                SELECT candidate_id, person_urn FROM candidate_members
                WHERE company_id = \(company) AND candidate_id = ANY(\(candidates)) AND matched_by IN ('export', 'manual')
                """,
                logger: logger
            )
            for try await (candidate, person) in members.decode((String, String).self) { lookup.manualMembers[candidate] = person }
        }
        let applications = list.filter { $0.type == "job-applications" }.map(\.id)
        if !applications.isEmpty {
            let entries = try await client.query(
                """
                SELECT application_id, stage_id, entered_at FROM application_stage_entries
                WHERE company_id = \(company) AND application_id = ANY(\(applications))
                """,
                logger: logger
            )
            for try await (application, stage, entered) in entries.decode((String, String, Date).self) {
                lookup.stageEntries[application, default: []].append(
                    StageEntry(stageID: stage, enteredAt: Int64((entered.timeIntervalSince1970 * 1_000).rounded()))
                )
            }
        }
        return lookup
    }

    func mappingSettings(company: String) async throws -> (CompanyMappingSettings, clientID: String)? {
        let rows = try await client.query(
            "SELECT organization_urn, jobs_private, linkedin_client_id FROM companies WHERE company_id = \(company)", logger: logger
        )
        for try await (organization, jobsPrivate, clientID) in rows.decode((String?, Bool, String?).self) {
            guard let organization, let clientID else { return nil }
            let settings = CompanyMappingSettings(
                organizationURN: organization, jobsPrivate: jobsPrivate, companyID: company, teamtailorAppURL: teamtailorAppURL)
            return (settings, clientID)
        }
        return nil
    }

    /// Writes outcomes; a record marked again while it was being sent stays dirty (its `change_seq` moved).
    func record(company: String, outcomes: [(DirtyRecord, RecordOutcome)]) async throws {
        guard !outcomes.isEmpty else { return }
        var resources: [String] = [], parents: [String] = [], ids: [String] = [], seqs: [Int64] = []
        // PostgreSQL arrays of optionals do not bind; "" stands for null (NULLIF below).
        var states: [String] = [], reasons: [String] = [], hashes: [String] = [], keepHash: [Bool] = []
        var waitingOn: [String] = [], retryMs: [Int64] = [], taskIDs: [String] = [], pendingHashes: [String] = []
        for (record, outcome) in outcomes {
            resources.append(record.key.resource.rawValue)
            parents.append(record.key.parentID)
            ids.append(record.key.id)
            seqs.append(record.changeSeq)
            var state = "pending", reason: String? = nil, hash: String? = nil, keep = true, waiting: String? = nil
            var retry: Int64 = -1, task: String? = nil, pending: String? = nil
            switch outcome {
            case .synced(let newHash): state = "synced"; hash = newHash; keep = false
            case .deleted: state = "deleted"; keep = false
            case .notMatched(let why): state = "not_matched"; reason = why
            case .waiting(let why, let on): state = "waiting"; reason = why; waiting = on
            case .skipped(let why): state = "skipped"; reason = why
            case .refused(let why): state = "failed"; reason = why
            case .jobSubmitted(let taskID, let newHash): state = "pending"; task = taskID; pending = newHash
            case .retryLater(let delay, let why):
                state = "pending"; reason = why
                retry = delay.milliseconds
            }
            states.append(state)
            // Reasons and task ids quote LinkedIn's answers: a NUL in them must not fail the round's write.
            reasons.append(storableText(reason ?? ""))
            hashes.append(hash ?? "")
            keepHash.append(keep)
            waitingOn.append(waiting ?? "")
            retryMs.append(retry)
            taskIDs.append(storableText(task ?? ""))
            pendingHashes.append(pending ?? "")
        }
        // Rows are locked in key order first, as the consumer's marking locks them: without it, the two
        // deadlocked under load and PostgreSQL's one-second deadlock timeout stalled both.
        try await retryingConcurrencyConflicts {
            try await client.query(
                """
                WITH u AS (
                    SELECT * FROM unnest(\(resources)::text[], \(parents)::text[], \(ids)::text[], \(seqs)::int8[], \(states)::text[],
                                         \(reasons)::text[], \(hashes)::text[], \(keepHash)::bool[], \(waitingOn)::text[], \(retryMs)::int8[],
                                         \(taskIDs)::text[], \(pendingHashes)::text[])
                        AS u(resource, parent_id, record_id, seq, state, reason, hash, keep_hash, waiting_on, retry_ms, task_id, pending_hash)
                ),
                locked AS (
                    SELECT r.resource, r.parent_id, r.record_id FROM linkedin_records r
                    JOIN u ON r.resource = u.resource AND r.parent_id = u.parent_id AND r.record_id = u.record_id
                    WHERE r.company_id = \(company)
                    ORDER BY r.resource, r.parent_id, r.record_id
                    FOR UPDATE OF r
                )
                UPDATE linkedin_records r SET
                    state = u.state,
                    state_reason = NULLIF(u.reason, ''),
                    synced_hash = CASE WHEN u.keep_hash THEN r.synced_hash ELSE NULLIF(u.hash, '') END,
                    waiting_on = NULLIF(u.waiting_on, ''),
                    job_task_id = NULLIF(u.task_id, ''),
                    pending_hash = NULLIF(u.pending_hash, ''),
                    last_synced_at = CASE WHEN u.state IN ('synced', 'deleted') THEN now() ELSE r.last_synced_at END,
                    -- Retry later: stays dirty with a delay. Otherwise done, unless marked again meanwhile.
                    dirty = CASE WHEN u.retry_ms >= 0 THEN true ELSE r.change_seq <> u.seq END,
                    attempts = CASE WHEN u.retry_ms >= 0 THEN r.attempts + 1 ELSE 0 END,
                    next_attempt_at = CASE WHEN u.retry_ms >= 0 THEN now() + make_interval(secs => u.retry_ms / 1000.0) ELSE now() END,
                    dirty_since = CASE WHEN u.retry_ms >= 0 OR r.change_seq <> u.seq THEN r.dirty_since ELSE NULL END,
                    change_occurred_at = CASE WHEN u.retry_ms >= 0 OR r.change_seq <> u.seq THEN r.change_occurred_at ELSE NULL END,
                    updated_at = now()
                FROM u JOIN locked l ON l.resource = u.resource AND l.parent_id = u.parent_id AND l.record_id = u.record_id
                WHERE r.company_id = \(company) AND r.resource = u.resource AND r.parent_id = u.parent_id AND r.record_id = u.record_id
                """,
                logger: logger
            )
        }
    }

    /// Records waiting for one of these to reach LinkedIn are due again.
    func wakeWaiting(company: String, on keys: [LinkedInRecordKey]) async throws {
        guard !keys.isEmpty else { return }
        try await retryingConcurrencyConflicts {
            try await client.query(
                """
                UPDATE linkedin_records SET dirty = true, dirty_since = COALESCE(dirty_since, now()), waiting_on = NULL,
                       next_attempt_at = now(), change_seq = change_seq + 1
                WHERE company_id = \(company) AND waiting_on = ANY(\(keys.map(\.description)))
                """,
                logger: logger
            )
        }
    }

    /// LinkedIn deleted these with their parent: forget that it holds them.
    func markCascadeDeleted(company: String, candidates: [String], applications: [String]) async throws {
        guard !candidates.isEmpty || !applications.isEmpty else { return }
        // The gone applications as one array, so each branch below is an index lookup (parent_id through
        // `linkedin_records_children`, applications through the primary key), not a pass over the company.
        try await retryingConcurrencyConflicts {
            try await client.query(
                """
                WITH gone AS (
                    SELECT coalesce(array_agg(application_id), '{}') AS applications FROM (
                        SELECT e.entity_id AS application_id FROM entity_states e
                        WHERE e.company_id = \(company) AND e.entity_type = 'job-applications'
                          AND e.relationships->'candidate'->'data'->>'id' = ANY(\(candidates))
                        UNION SELECT unnest(\(applications)::text[])
                    ) a
                )
                UPDATE linkedin_records r SET synced_hash = NULL, state = CASE WHEN r.dirty THEN r.state ELSE 'deleted' END, updated_at = now()
                WHERE r.company_id = \(company) AND r.synced_hash IS NOT NULL AND (
                    (r.resource = 'candidate_note' AND r.parent_id = ANY(\(candidates)))
                    OR (r.resource = 'application' AND r.parent_id = '' AND r.record_id = ANY((SELECT applications FROM gone)::text[]))
                    OR (r.resource IN ('application_note', 'application_stage', 'interview_feedback')
                        AND r.parent_id = ANY((SELECT applications FROM gone)::text[])))
                """,
                logger: logger
            )
        }
    }

    func jobsAwaitingTasks(company: String) async throws -> [(record: DirtyRecord, taskID: String, hash: String)] {
        let rows = try await client.query(
            """
            SELECT record_id, change_seq, synced_hash, change_occurred_at, job_task_id, pending_hash FROM linkedin_records
            WHERE company_id = \(company) AND resource = 'job_posting' AND job_task_id IS NOT NULL AND NOT dirty
            LIMIT 100
            """,
            logger: logger
        )
        var jobs: [(DirtyRecord, String, String)] = []
        for try await (id, seq, synced, occurred, task, pending) in rows.decode((String, Int64, String?, Date?, String, String?).self) {
            let record = DirtyRecord(
                key: LinkedInRecordKey(.jobPosting, id), changeSeq: seq, syncedHash: synced, changeOccurredAt: occurred,
                attempts: 0, priority: 0
            )
            jobs.append((record, task, pending ?? ""))
        }
        return jobs
    }

    func storeMembers(company: String, members: [String: String]) async throws {
        guard !members.isEmpty else { return }
        let ids = Array(members.keys)
        try await client.query(
            """
            INSERT INTO candidate_members (company_id, candidate_id, person_urn, matched_by)
            SELECT \(company), c, p, 'linkedin' FROM unnest(\(ids)::text[], \(ids.map { members[$0]! })::text[]) AS u(c, p)
            ON CONFLICT (company_id, candidate_id) DO UPDATE
            SET person_urn = EXCLUDED.person_urn, updated_at = now()
            WHERE candidate_members.matched_by = 'linkedin'
            """,
            logger: logger
        )
    }

    func park(company: String, reason: String, for pause: Duration) async throws {
        try await client.query(
            """
            UPDATE companies SET status = 'parked', status_reason = \(reason),
                   parked_until = now() + make_interval(secs => \(Double(pause.components.seconds))), updated_at = now()
            WHERE company_id = \(company) AND status IN ('active', 'parked')
            """,
            logger: logger
        )
    }

    func markHealthy(company: String) async throws {
        // A parked company comes back at once; otherwise "last success" is renewed at most every 5 s — the
        // admin page needs no finer, and the sender succeeds many times a second under load.
        try await client.query(
            """
            UPDATE companies SET last_sync_success_at = now(),
                   status = CASE WHEN status = 'parked' THEN 'active' ELSE status END,
                   status_reason = CASE WHEN status = 'parked' THEN NULL ELSE status_reason END,
                   parked_until = NULL
            WHERE company_id = \(company)
              AND (status = 'parked' OR parked_until IS NOT NULL OR last_sync_success_at IS NULL
                   OR last_sync_success_at < now() - interval '5 seconds')
            """,
            logger: logger
        )
    }
}

/// A Teamtailor entity to load: its type and id.
struct EntityRef: Hashable, Sendable {
    var type: String
    var id: String
}
