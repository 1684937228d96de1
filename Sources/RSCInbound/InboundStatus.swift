import Foundation
import RSCRetry
import Logging
import PostgresNIO

/// A company's inbound polling for `rsc status`: when it was and will be polled, how it ended, and what
/// waits (items whose member has no Teamtailor candidate yet) or failed.
public struct InboundStatus: Sendable, Equatable {
    public var nextPollAt: Date?
    public var lastStartedAt: Date?
    public var lastFinishedAt: Date?
    public var lastOutcome: String?
    public var lastError: String?
    public var polls: Int
    /// Seconds past the scheduled slot when the poll has not happened yet; nil when on time.
    public var overdueSeconds: TimeInterval?
    /// Per kind (`note`, `inmail`, `stub`): counts by state.
    public var items: [String: [String: Int]]
    /// The oldest cursor across seats and kinds: everything before it is in Teamtailor (or recorded).
    public var oldestCursor: Date?

    public static func load(company: String, client: PostgresClient, logger: Logger, now: Date = Date()) async throws -> InboundStatus {
        var status = InboundStatus(polls: 0, items: [:])
        let rows = try await client.query(
            """
            SELECT next_poll_at, last_started_at, last_finished_at, last_outcome, last_error, polls
            FROM inbound_schedule WHERE company_id = \(company)
            """,
            logger: logger)
        for try await (next, started, finished, outcome, error, polls) in rows.decode((Date, Date?, Date?, String?, String?, Int).self) {
            status.nextPollAt = next
            status.lastStartedAt = started
            status.lastFinishedAt = finished
            status.lastOutcome = outcome
            status.lastError = error
            status.polls = polls
            if next < now { status.overdueSeconds = now.timeIntervalSince(next) }
        }
        let counts = try await client.query(
            "SELECT kind, state, count(*)::int FROM inbound_items WHERE company_id = \(company) GROUP BY kind, state",
            logger: logger)
        for try await (kind, state, count) in counts.decode((String, String, Int).self) {
            status.items[kind, default: [:]][state] = count
        }
        let cursors = try await client.query(
            "SELECT min(position) FROM inbound_cursors WHERE company_id = \(company)", logger: logger)
        for try await position in cursors.decode(Int64?.self) {
            status.oldestCursor = position.map { Date(timeIntervalSince1970: TimeInterval($0) / 1000) }
        }
        return status
    }
}
