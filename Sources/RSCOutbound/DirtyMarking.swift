import Foundation
import Logging
import PostgresNIO

/// Which LinkedIn records a changed entity affects, queued for sending (`linkedin_send_queue`) in the caller's
/// transaction.
///
/// A job feeds its posting and every application's `atsJobPostingName`; a candidate feeds its record and
/// its applications (name and email are copied into each); an application feeds its record and "Rejected";
/// a stage entered feeds its stage record; a stage rename every stage record naming it; an interview its
/// feedback record; a comment its note. Under a changed candidate or application, what is not on LinkedIn
/// yet is marked too: it may have been held back by the parent (not matched, job unknown).
enum DirtyMarking {
    static func mark(
        changed: [ChangedEntity], enteredStages: [EnteredStage], priority: Int16, connection: PostgresConnection, logger: Logger
    ) async throws -> Int {
        guard !changed.isEmpty || !enteredStages.isEmpty else { return 0 }
        let companies = changed.map(\.companyID), types = changed.map(\.type), ids = changed.map(\.id)
        let occurred = changed.map(\.occurredAt), rejected = changed.map(\.rejected)
        let applications = changed.map(\.applicationID), candidates = changed.map(\.candidateID)
        let stageCompanies = enteredStages.map(\.companyID), stageApplications = enteredStages.map(\.applicationID)
        let stageIDs = enteredStages.map(\.stageID), stageOccurred = enteredStages.map(\.occurredAt)
        // What the changed rows themselves say (rejected, owning application or candidate) comes in with
        // them: reading those rows back cost an index scan each, and on a table still growing PostgreSQL
        // picked the wrong index for it (1 ms per application instead of 5 µs).
        let rows = try await connection.query(
            """
            WITH changed(company_id, entity_type, entity_id, occurred_at, rejected, application_id, candidate_id) AS (
                SELECT * FROM unnest(\(companies)::text[], \(types)::text[], \(ids)::text[], \(occurred)::timestamptz[],
                                     \(rejected)::bool[], \(applications)::text[], \(candidates)::text[])
            ),
            entered(company_id, application_id, stage_id, occurred_at) AS (
                SELECT * FROM unnest(\(stageCompanies)::text[], \(stageApplications)::text[], \(stageIDs)::text[], \(stageOccurred)::timestamptz[])
            ),
            affected_applications(company_id, application_id, occurred_at, rejected) AS (
                SELECT c.company_id, c.entity_id, c.occurred_at, c.rejected FROM changed c WHERE c.entity_type = 'job-applications'
                UNION ALL
                SELECT c.company_id, e.entity_id, c.occurred_at, e.attributes->>'rejected-at' IS NOT NULL FROM changed c
                JOIN entity_states e ON e.company_id = c.company_id AND e.entity_type = 'job-applications'
                 AND e.relationships->'candidate'->'data'->>'id' = c.entity_id
                WHERE c.entity_type = 'candidates'
                UNION ALL
                SELECT c.company_id, e.entity_id, c.occurred_at, e.attributes->>'rejected-at' IS NOT NULL FROM changed c
                JOIN entity_states e ON e.company_id = c.company_id AND e.entity_type = 'job-applications'
                 AND e.relationships->'job'->'data'->>'id' = c.entity_id
                WHERE c.entity_type = 'jobs'
            ),
            keys(company_id, resource, parent_id, record_id, occurred_at) AS (
                SELECT company_id, 'job_posting', '', entity_id, occurred_at FROM changed WHERE entity_type = 'jobs'
                UNION ALL
                SELECT company_id, 'candidate', '', entity_id, occurred_at FROM changed WHERE entity_type = 'candidates'
                UNION ALL
                SELECT company_id, 'application', '', application_id, occurred_at FROM affected_applications
                UNION ALL
                -- stages this batch added to an application's history (or moved earlier)
                SELECT company_id, 'application_stage', application_id, stage_id, occurred_at FROM entered
                UNION ALL
                -- "Rejected": when the application is rejected (clearing an earlier one is covered below)
                SELECT company_id, 'application_stage', application_id, 'rejected', occurred_at
                FROM affected_applications WHERE rejected
                UNION ALL
                -- what hangs under an affected application (notes, stages, feedback) and is not on LinkedIn:
                -- the change may unblock it (a candidate now matched, a job now known). What LinkedIn holds
                -- does not depend on the parent's fields, so it is not re-marked — except "Rejected", which
                -- goes when the rejection is withdrawn. `parent_id <> ''` lets PostgreSQL use the children index.
                SELECT r.company_id, r.resource, r.parent_id, r.record_id, a.occurred_at
                FROM affected_applications a
                JOIN linkedin_records r ON r.company_id = a.company_id AND r.parent_id = a.application_id AND r.parent_id <> ''
                 AND r.resource IN ('application_note', 'application_stage', 'interview_feedback')
                WHERE r.synced_hash IS NULL OR (r.resource = 'application_stage' AND r.record_id = 'rejected')
                UNION ALL
                -- notes under a changed candidate that are not on LinkedIn
                SELECT r.company_id, r.resource, r.parent_id, r.record_id, c.occurred_at
                FROM changed c
                JOIN linkedin_records r ON r.company_id = c.company_id AND r.parent_id = c.entity_id AND r.parent_id <> ''
                 AND r.resource = 'candidate_note' AND r.synced_hash IS NULL
                WHERE c.entity_type = 'candidates'
                UNION ALL
                -- a renamed stage: every application that entered it
                SELECT c.company_id, 'application_stage', s.application_id, s.stage_id, c.occurred_at
                FROM changed c
                JOIN application_stage_entries s ON s.company_id = c.company_id AND s.stage_id = c.entity_id
                WHERE c.entity_type = 'stages'
                UNION ALL
                SELECT company_id, 'interview_feedback', application_id, entity_id, occurred_at
                FROM changed WHERE entity_type = 'interviews'
                UNION ALL
                SELECT company_id,
                       CASE WHEN application_id = '' THEN 'candidate_note' ELSE 'application_note' END,
                       CASE WHEN application_id = '' THEN candidate_id ELSE application_id END,
                       entity_id, occurred_at
                FROM changed WHERE entity_type = 'comments'
            )
            , grouped AS (
                SELECT company_id, resource, parent_id, record_id, min(occurred_at) AS occurred_at
                FROM keys GROUP BY company_id, resource, parent_id, record_id
            )
            -- Only the queue is written: `linkedin_records` (what LinkedIn holds) is the sender's, which creates
            -- a record's row with its first outcome. So the two never wait for each other's row locks.
            , marked AS (
            INSERT INTO linkedin_send_queue (company_id, resource, parent_id, record_id, priority, dirty_since, change_occurred_at)
            SELECT company_id, resource, parent_id, record_id, \(priority)::int2, now(), occurred_at
            FROM grouped
            -- Queue rows are locked in key order, so two marking transactions cannot deadlock.
            ORDER BY company_id, resource, parent_id, record_id
            ON CONFLICT (company_id, resource, parent_id, record_id) DO UPDATE
            SET change_seq = linkedin_send_queue.change_seq + 1,
                change_occurred_at = LEAST(linkedin_send_queue.change_occurred_at, EXCLUDED.change_occurred_at),
                priority = LEAST(linkedin_send_queue.priority, EXCLUDED.priority),
                next_attempt_at = LEAST(linkedin_send_queue.next_attempt_at, now()),
                attempts = 0
            RETURNING 1
            )
            SELECT count(*)::int FROM marked
            """,
            logger: logger
        )
        // One row with the count, rather than a row per record marked.
        return try await rows.decode(Int.self).reduce(0, +)
    }
}
