import Foundation
import RSCRetry
import Logging
import PostgresNIO

/// `inbound_schedule`: which company is due, and the leases that keep a company to one replica at a time.
/// Times come from the injected clock (not the database's), so tests move them by hand.
struct InboundScheduleStore: Sendable {
    let client: PostgresClient
    let schedule: IntervalSlots
    let logger: Logger

    /// Active companies not scheduled yet get their slot in the current window: polled at once if it has
    /// passed (a newly connected company should not wait up to two hours for its first notes).
    func scheduleNewCompanies(now: Date) async throws {
        let rows = try await client.query(
            """
            SELECT c.company_id FROM companies c LEFT JOIN inbound_schedule s USING (company_id)
            WHERE c.status = 'active' AND s.company_id IS NULL
            """,
            logger: logger)
        var missing: [String] = []
        for try await id in rows.decode(String.self) { missing.append(id) }
        guard !missing.isEmpty else { return }
        let slots = missing.map { schedule.currentSlot(company: $0, at: now) }
        try await client.query(
            """
            INSERT INTO inbound_schedule (company_id, next_poll_at)
            SELECT * FROM unnest(\(missing)::text[], \(slots)::timestamptz[])
            ON CONFLICT (company_id) DO NOTHING
            """,
            logger: logger)
    }

    /// Leases up to `limit` due companies to `owner`; concurrent replicas skip each other's rows.
    func claimDue(owner: String, now: Date, ttl: Duration, limit: Int) async throws -> [(company: String, dueAt: Date)] {
        guard limit > 0 else { return [] }
        let expires = now.addingTimeInterval(ttl.timeInterval)
        let rows = try await client.query(
            """
            UPDATE inbound_schedule s SET lease_owner = \(owner), lease_expires_at = \(expires), last_started_at = \(now)
            WHERE s.company_id IN (
                SELECT d.company_id FROM inbound_schedule d JOIN companies c USING (company_id)
                WHERE c.status = 'active' AND d.next_poll_at <= \(now)
                  AND (d.lease_owner IS NULL OR d.lease_expires_at < \(now))
                ORDER BY d.next_poll_at LIMIT \(limit)
                FOR UPDATE OF d SKIP LOCKED)
            RETURNING s.company_id, s.next_poll_at
            """,
            logger: logger)
        var claimed: [(String, Date)] = []
        for try await (company, due) in rows.decode((String, Date).self) { claimed.append((company, due)) }
        return claimed
    }

    /// Extends the lease; false when it was lost (expired and taken by another replica).
    func renew(company: String, owner: String, now: Date, ttl: Duration) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE inbound_schedule SET lease_expires_at = \(now.addingTimeInterval(ttl.timeInterval))
            WHERE company_id = \(company) AND lease_owner = \(owner) RETURNING 1
            """,
            logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    /// Ends the poll: the lease goes and the next poll is set.
    func finish(company: String, owner: String, outcome: InboundPollOutcome, error: String?, now: Date, nextPollAt: Date) async throws {
        try await client.query(
            """
            UPDATE inbound_schedule SET lease_owner = NULL, lease_expires_at = NULL, last_finished_at = \(now),
                   last_outcome = \(outcome.rawValue), last_error = \(error), next_poll_at = \(nextPollAt), polls = polls + 1
            WHERE company_id = \(company) AND lease_owner = \(owner)
            """,
            logger: logger)
    }

    /// Active companies whose poll is later than `grace` past its slot.
    func overdueCount(now: Date, grace: Duration) async throws -> Int {
        let rows = try await client.query(
            """
            SELECT count(*)::int FROM inbound_schedule s JOIN companies c USING (company_id)
            WHERE c.status = 'active' AND s.next_poll_at < \(now.addingTimeInterval(-grace.timeInterval))
            """,
            logger: logger)
        return try await rows.decode(Int.self).reduce(0, +)
    }
}

extension InboundScheduleStore {
    func hasLease(company: String) async throws -> Bool {
        let rows = try await client.query(
            "SELECT 1 FROM inbound_schedule WHERE company_id = \(company) AND lease_owner IS NOT NULL", logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }
}
