import Foundation
import Logging
import PostgresNIO

/// A stored notification as the processor sees it.
public struct StoredNotification: Sendable, Equatable {
    public var companyID: String
    public var notification: LinkedInNotification
    public var attempts: Int
    public var receivedAt: Date
}

/// The notifications table: accepted pushes, and the background processor's queue.
public struct NotificationStore: Sendable {
    public enum Acceptance: Sendable, Equatable { case stored, duplicate }

    let postgres: PostgresClient
    let logger: Logger

    public init(postgres: PostgresClient, logger: Logger) {
        self.postgres = postgres
        self.logger = logger
    }

    /// Stores a verified push; a notification id seen before for the company is a duplicate and changes nothing.
    public func accept(_ notification: LinkedInNotification, companyID: String, receivedAt: Date) async throws -> Acceptance {
        let rows = try await postgres.query(
            """
            INSERT INTO linkedin_notifications
                (company_id, notification_id, type, request_id, integration_context, occurred_at, received_at, next_attempt_at)
            VALUES (\(companyID), \(notification.notificationID), \(notification.kind.rawValue), \(notification.requestID),
                    \(notification.integrationContext), \(notification.occurredAt), \(receivedAt), \(receivedAt))
            ON CONFLICT (company_id, notification_id) DO NOTHING
            RETURNING 1
            """,
            logger: logger
        )
        for try await _ in rows { return .stored }
        return .duplicate
    }

    /// Takes up to `limit` due notifications for `claimDuration`; a processor that dies lets them go when
    /// the claim runs out, and another replica (or the restarted one) picks them up.
    public func claimDue(now: Date, limit: Int, claimDuration: Duration) async throws -> [StoredNotification] {
        let claimedUntil = now.addingTimeInterval(Double(claimDuration.components.seconds))
        let rows = try await postgres.query(
            """
            UPDATE linkedin_notifications AS n SET claimed_until = \(claimedUntil), attempts = n.attempts + 1
            FROM (
                SELECT company_id, notification_id FROM linkedin_notifications
                WHERE state = 'pending' AND next_attempt_at <= \(now)
                  AND (claimed_until IS NULL OR claimed_until <= \(now))
                ORDER BY next_attempt_at LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            ) AS due
            WHERE n.company_id = due.company_id AND n.notification_id = due.notification_id
            RETURNING n.company_id, n.notification_id, n.type, n.request_id, n.integration_context, n.occurred_at,
                      n.attempts, n.received_at
            """,
            logger: logger
        )
        var claimed: [StoredNotification] = []
        for try await (company, id, type, request, context, occurred, attempts, received)
            in rows.decode((String, String, String, String, String, Date?, Int, Date).self)
        {
            // The table's CHECK admits only known types, so this cannot fail for a row it holds.
            guard let kind = LinkedInNotification.Kind(rawValue: type) else { continue }
            claimed.append(StoredNotification(
                companyID: company,
                notification: LinkedInNotification(
                    notificationID: id, kind: kind, requestID: request, integrationContext: context, occurredAt: occurred),
                attempts: attempts, receivedAt: received
            ))
        }
        return claimed
    }

    /// Done: `outcome` says what processing did (ids only, no personal data).
    public func complete(_ stored: StoredNotification, outcome: [String: String], now: Date) async throws {
        let json = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
        try await postgres.query(
            """
            UPDATE linkedin_notifications
            SET state = 'done', processed_at = \(now), claimed_until = NULL, last_error = NULL, outcome = \(json)::jsonb
            WHERE company_id = \(stored.companyID) AND notification_id = \(stored.notification.notificationID)
            """,
            logger: logger
        )
    }

    /// A temporary failure: tried again at `retryAt`.
    public func retryLater(_ stored: StoredNotification, reason: String, retryAt: Date) async throws {
        try await postgres.query(
            """
            UPDATE linkedin_notifications SET next_attempt_at = \(retryAt), claimed_until = NULL, last_error = \(reason)
            WHERE company_id = \(stored.companyID) AND notification_id = \(stored.notification.notificationID)
            """,
            logger: logger
        )
    }

    /// A failure retrying cannot fix; kept with its reason for people to see.
    public func fail(_ stored: StoredNotification, reason: String, now: Date) async throws {
        try await postgres.query(
            """
            UPDATE linkedin_notifications SET state = 'failed', processed_at = \(now), claimed_until = NULL,
                   last_error = \(reason)
            WHERE company_id = \(stored.companyID) AND notification_id = \(stored.notification.notificationID)
            """,
            logger: logger
        )
    }

    /// Age of the oldest notification not yet processed (nil when none), for the processing-failing alert.
    public func oldestPendingSince() async throws -> Date? {
        let rows = try await postgres.query(
            "SELECT min(received_at) FROM linkedin_notifications WHERE state = 'pending'", logger: logger)
        for try await (oldest) in rows.decode(Date?.self) { return oldest }
        return nil
    }

    public func count(companyID: String) async throws -> Int {
        let rows = try await postgres.query(
            "SELECT count(*)::int FROM linkedin_notifications WHERE company_id = \(companyID)", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
