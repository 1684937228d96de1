import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCLinkedInMapping
import RSCStore

/// One queued LinkedIn record (a change LinkedIn has not seen) as the sender loads it.
struct DirtyRecord: Sendable {
    var key: LinkedInRecordKey
    var changeSeq: Int64
    var syncedHash: String?
    var changeOccurredAt: Date?
    var attempts: Int
    var priority: Int16

    /// The `changeSeq` of a record read while not queued (a job posting whose LinkedIn task is read): no
    /// queue row has it, so the outcome leaves any row queued since in place.
    static let notQueued: Int64 = -1
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

    /// A company with something to send, as the sender's loop sees it.
    struct CompanyWork: Sendable, Equatable {
        var company: String
        /// False when its only work is job-posting tasks still to be read.
        var hasDueRecords: Bool
        /// How old its oldest due live change is: since it happened in Teamtailor or since it was queued,
        /// whichever is longer — time it spent on its way counts, and a Teamtailor clock ahead of ours cannot
        /// make it look younger than its time in the queue. Nil when its first due record is history, or it
        /// has none.
        var liveChangeAge: Duration?
    }

    /// Companies with due work, live work first; parked companies only once their pause is over.
    func companiesWithWork(limit: Int) async throws -> [CompanyWork] {
        // One probe per sendable company into the queue's order index (its first due record), not an
        // aggregate over every queued record: the sender asks this ten times a second, whatever the backlog.
        let rows = try await client.query(
            """
            SELECT c.company_id, due.priority IS NOT NULL,
                   CASE WHEN due.priority = 0
                        THEN extract(epoch FROM now() - LEAST(due.dirty_since, coalesce(due.change_occurred_at, due.dirty_since)))::float8
                   END
            FROM companies c
            LEFT JOIN LATERAL (
                SELECT q.priority, q.dirty_since, q.change_occurred_at FROM linkedin_send_queue q
                WHERE q.company_id = c.company_id AND q.next_attempt_at <= now()
                ORDER BY q.priority, q.dirty_since
                LIMIT 1
            ) due ON true
            WHERE c.status IN ('active', 'parked') AND c.organization_urn IS NOT NULL AND c.linkedin_client_id IS NOT NULL
              AND (c.parked_until IS NULL OR c.parked_until <= now())
              -- due work, or job postings whose LinkedIn task is still to be read
              AND (due.priority IS NOT NULL OR EXISTS (
                  SELECT 1 FROM linkedin_records t WHERE t.company_id = c.company_id AND t.job_task_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM linkedin_send_queue q WHERE q.company_id = t.company_id AND q.resource = t.resource
                                  AND q.parent_id = t.parent_id AND q.record_id = t.record_id)))
            ORDER BY coalesce(due.priority, 0), due.dirty_since NULLS LAST
            LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode((String, Bool, Double?).self).reduce(into: []) { work, row in
            work.append(CompanyWork(company: row.0, hasDueRecords: row.1, liveChangeAge: row.2.map { .milliseconds(Int64($0 * 1_000)) }))
        }
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
            SELECT q.resource, q.parent_id, q.record_id, q.change_seq, r.synced_hash, q.change_occurred_at, q.attempts, q.priority
            FROM (
                SELECT * FROM linkedin_send_queue q
                WHERE q.company_id = \(company) AND q.next_attempt_at <= now()
                ORDER BY q.priority, q.dirty_since
                LIMIT \(limit)
            ) q
            -- No row yet for a record never sent: the sender writes it with the record's first outcome. A
            -- primary-key probe per queued record (`LIMIT 1` keeps it one): as a plain join PostgreSQL hashed the
            -- company's every record to find a few hundred, since a company whose rows arrived after the last
            -- ANALYZE (any first sync) looks tiny to the planner.
            LEFT JOIN LATERAL (
                SELECT r.synced_hash FROM linkedin_records r
                WHERE r.company_id = q.company_id AND r.resource = q.resource AND r.parent_id = q.parent_id AND r.record_id = q.record_id
                LIMIT 1
            ) r ON true
            ORDER BY q.priority, q.dirty_since
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
            SELECT q.resource, q.parent_id, q.record_id, q.change_seq, r.synced_hash, q.change_occurred_at, q.attempts, q.priority
            FROM unnest(\(list.map(\.resource.rawValue))::text[], \(list.map(\.parentID))::text[], \(list.map(\.id))::text[]) AS k(resource, parent_id, record_id)
            CROSS JOIN LATERAL (
                SELECT * FROM linkedin_send_queue q
                WHERE q.company_id = \(company) AND q.resource = k.resource AND q.parent_id = k.parent_id AND q.record_id = k.record_id
                LIMIT 1
            ) q
            -- Probes by primary key, as in `dirtyRecords`.
            LEFT JOIN LATERAL (
                SELECT r.synced_hash FROM linkedin_records r
                WHERE r.company_id = q.company_id AND r.resource = q.resource AND r.parent_id = q.parent_id AND r.record_id = q.record_id
                LIMIT 1
            ) r ON true
            WHERE q.company_id = \(company) AND q.next_attempt_at <= now()
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
            SELECT k.resource, k.parent_id, k.record_id
            FROM unnest(\(list.map(\.resource.rawValue))::text[], \(list.map(\.parentID))::text[], \(list.map(\.id))::text[]) AS k(resource, parent_id, record_id)
            -- A primary-key probe per key, whatever the planner believes the company's size is (as in `dirtyRecords`;
            -- an EXISTS would not do: PostgreSQL drops its LIMIT and plans it as a join).
            CROSS JOIN LATERAL (
                SELECT 1 FROM linkedin_records r
                WHERE r.company_id = \(company) AND r.resource = k.resource AND r.parent_id = k.parent_id AND r.record_id = k.record_id
                  AND r.synced_hash IS NOT NULL
                LIMIT 1
            ) r
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
            FROM unnest(\(list.map(\.type))::text[], \(list.map(\.id))::text[]) AS k(entity_type, entity_id)
            -- A primary-key probe per entity (as in `dirtyRecords`): as a join, a first sync's company was hashed whole.
            CROSS JOIN LATERAL (
                SELECT * FROM entity_states e
                WHERE e.company_id = \(company) AND e.entity_type = k.entity_type AND e.entity_id = k.entity_id
                LIMIT 1
            ) e
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

    /// Writes outcomes; a record marked again while it was being sent stays queued (its `change_seq` moved).
    func record(company: String, outcomes: [(DirtyRecord, RecordOutcome)]) async throws {
        guard !outcomes.isEmpty else { return }
        // One outcome per record, the last: an upsert that meets the same row twice fails as a whole, and the
        // round's every outcome with it.
        var last: [LinkedInRecordKey: Int] = [:]
        for (index, (record, _)) in outcomes.enumerated() { last[record.key] = index }
        let outcomes = outcomes.indices.filter { last[outcomes[$0].0.key] == $0 }.map { outcomes[$0] }
        var resources: [String] = [], parents: [String] = [], ids: [String] = [], seqs: [Int64] = []
        // PostgreSQL arrays of optionals do not bind; "" stands for null (NULLIF below).
        var states: [String] = [], reasons: [String] = [], hashes: [String] = []
        var waitingOn: [String] = [], retryMs: [Int64] = [], taskIDs: [String] = [], pendingHashes: [String] = []
        for (record, outcome) in outcomes {
            resources.append(record.key.resource.rawValue)
            parents.append(record.key.parentID)
            ids.append(record.key.id)
            seqs.append(record.changeSeq)
            var state = "pending", reason: String? = nil, hash: String? = nil, waiting: String? = nil
            var retry: Int64 = -1, task: String? = nil, pending: String? = nil
            switch outcome {
            case .synced(let newHash): state = "synced"; hash = newHash
            case .deleted: state = "deleted"
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
            waitingOn.append(waiting ?? "")
            retryMs.append(retry)
            taskIDs.append(storableText(task ?? ""))
            pendingHashes.append(pending ?? "")
        }
        // What LinkedIn holds is written to `linkedin_records` (its row created with the record's first outcome;
        // later ones change no indexed column for most outcomes: a HOT update) and the queue row goes, unless
        // the record was marked again since it was read. The consumer's marking never touches
        // `linkedin_records`, and a queue row it holds is skipped, not waited for: that marking moves the row's
        // `change_seq`, so the row would stay anyway (if the marking rolls back, the record is simply sent once
        // more, and its unchanged hash costs no call).
        try await retryingConcurrencyConflicts {
            try await client.query(
                """
                WITH u AS (
                    SELECT * FROM unnest(\(resources)::text[], \(parents)::text[], \(ids)::text[], \(seqs)::int8[], \(states)::text[],
                                         \(reasons)::text[], \(hashes)::text[], \(waitingOn)::text[], \(retryMs)::int8[],
                                         \(taskIDs)::text[], \(pendingHashes)::text[])
                        AS u(resource, parent_id, record_id, seq, state, reason, hash, waiting_on, retry_ms, task_id, pending_hash)
                ),
                held AS (
                    INSERT INTO linkedin_records AS r (company_id, resource, parent_id, record_id, state, state_reason, synced_hash,
                                                       waiting_on, job_task_id, pending_hash, last_synced_at)
                    SELECT \(company), u.resource, u.parent_id, u.record_id, u.state, NULLIF(u.reason, ''),
                           NULLIF(u.hash, ''), NULLIF(u.waiting_on, ''),
                           NULLIF(u.task_id, ''), NULLIF(u.pending_hash, ''),
                           CASE WHEN u.state IN ('synced', 'deleted') THEN now() END
                    FROM u
                    ON CONFLICT (company_id, resource, parent_id, record_id) DO UPDATE SET
                        state = EXCLUDED.state,
                        state_reason = EXCLUDED.state_reason,
                        -- Only a send or a delete changes what LinkedIn holds; every other outcome keeps it.
                        synced_hash = CASE WHEN EXCLUDED.state IN ('synced', 'deleted') THEN EXCLUDED.synced_hash ELSE r.synced_hash END,
                        waiting_on = EXCLUDED.waiting_on,
                        job_task_id = EXCLUDED.job_task_id,
                        pending_hash = EXCLUDED.pending_hash,
                        last_synced_at = COALESCE(EXCLUDED.last_synced_at, r.last_synced_at),
                        updated_at = now()
                ),
                -- One primary-key probe per outcome (as a join, PostgreSQL hashed the company's whole queue).
                queued AS (
                    SELECT q.resource, q.parent_id, q.record_id, u.seq, u.retry_ms FROM u
                    CROSS JOIN LATERAL (
                        SELECT q.resource, q.parent_id, q.record_id FROM linkedin_send_queue q
                        WHERE q.company_id = \(company) AND q.resource = u.resource AND q.parent_id = u.parent_id AND q.record_id = u.record_id
                        FOR UPDATE SKIP LOCKED
                    ) q
                ),
                sent AS (
                    DELETE FROM linkedin_send_queue q USING queued
                    WHERE q.company_id = \(company) AND q.resource = queued.resource AND q.parent_id = queued.parent_id
                      AND q.record_id = queued.record_id AND queued.retry_ms < 0 AND q.change_seq = queued.seq
                )
                -- Retry later: stays queued with a delay.
                UPDATE linkedin_send_queue q SET
                    attempts = q.attempts + 1,
                    next_attempt_at = now() + make_interval(secs => queued.retry_ms / 1000.0)
                FROM queued
                WHERE q.company_id = \(company) AND q.resource = queued.resource AND q.parent_id = queued.parent_id
                  AND q.record_id = queued.record_id AND queued.retry_ms >= 0
                """,
                logger: logger
            )
        }
    }

    /// Records waiting for one of these to reach LinkedIn are queued again, at the priority their parent
    /// was sent at (a first sync's application waiting for its candidate stays behind live work).
    func wakeWaiting(company: String, on parents: [LinkedInRecordKey: Int16]) async throws {
        guard !parents.isEmpty else { return }
        let entries = Array(parents)
        try await retryingConcurrencyConflicts {
            try await client.query(
                """
                WITH parent(waiting_on, priority) AS (
                    SELECT * FROM unnest(\(entries.map(\.key.description))::text[], \(entries.map(\.value))::int2[])
                ),
                woken AS (
                    UPDATE linkedin_records r SET waiting_on = NULL, updated_at = now()
                    FROM parent p
                    WHERE r.company_id = \(company) AND r.waiting_on = p.waiting_on
                    RETURNING r.company_id, r.resource, r.parent_id, r.record_id, p.priority
                )
                INSERT INTO linkedin_send_queue (company_id, resource, parent_id, record_id, priority)
                SELECT company_id, resource, parent_id, record_id, priority FROM woken
                ORDER BY company_id, resource, parent_id, record_id
                ON CONFLICT (company_id, resource, parent_id, record_id) DO UPDATE
                SET change_seq = linkedin_send_queue.change_seq + 1,
                    priority = LEAST(linkedin_send_queue.priority, EXCLUDED.priority),
                    next_attempt_at = now(), attempts = 0
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
                UPDATE linkedin_records r SET synced_hash = NULL, updated_at = now(),
                    state = CASE WHEN EXISTS (SELECT 1 FROM linkedin_send_queue q WHERE q.company_id = r.company_id
                                              AND q.resource = r.resource AND q.parent_id = r.parent_id AND q.record_id = r.record_id)
                                 THEN r.state ELSE 'deleted' END
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
            SELECT r.record_id, r.synced_hash, r.job_task_id, r.pending_hash FROM linkedin_records r
            WHERE r.company_id = \(company) AND r.resource = 'job_posting' AND r.job_task_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM linkedin_send_queue q WHERE q.company_id = r.company_id AND q.resource = r.resource
                              AND q.parent_id = r.parent_id AND q.record_id = r.record_id)
            LIMIT 100
            """,
            logger: logger
        )
        var jobs: [(DirtyRecord, String, String)] = []
        for try await (id, synced, task, pending) in rows.decode((String, String?, String, String?).self) {
            // Not queued: its change was sent and is left with LinkedIn's task. A mark since queues it again,
            // and `notQueued` makes sure this task's outcome never takes that queue row away.
            let record = DirtyRecord(
                key: LinkedInRecordKey(.jobPosting, id), changeSeq: DirtyRecord.notQueued, syncedHash: synced, changeOccurredAt: nil,
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
