import Foundation
import Logging
import PostgresNIO

/// Problems an admin should see on the settings page, grouped by cause, in words.
///
/// Each entry names a stable `cause` (for grouping and support) and a sentence for people; its subject is
/// an id (a request id, a job id), never a name or an email.
public struct CompanyErrorLog: Sendable {
    public enum Source: String, Sendable, Codable { case export, onboarding, firstSync = "first_sync", inbound, outbound }

    public struct Group: Sendable, Equatable, Codable {
        public var source: String
        public var cause: String
        public var message: String
        public var count: Int
        public var lastSeenAt: Date
        public var lastSubject: String?
    }

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func record(companyID: String, source: Source, cause: String, message: String, subject: String?, at: Date) async throws {
        try await client.query(
            """
            INSERT INTO company_errors (company_id, source, cause, message, subject, occurred_at)
            VALUES (\(companyID), \(source.rawValue), \(cause), \(message), \(subject), \(at))
            """,
            logger: logger
        )
    }

    /// Causes seen since `since`, most recent first, each with its latest sentence and how often it happened.
    public func recent(companyID: String, since: Date) async throws -> [Group] {
        let rows = try await client.query(
            """
            SELECT DISTINCT ON (source, cause) source, cause, message, subject, occurred_at,
                   count(*) OVER (PARTITION BY source, cause)::int
            FROM company_errors WHERE company_id = \(companyID) AND occurred_at >= \(since)
            ORDER BY source, cause, occurred_at DESC
            """,
            logger: logger
        )
        var groups: [Group] = []
        for try await (source, cause, message, subject, at, count) in rows.decode((String, String, String, String?, Date, Int).self) {
            groups.append(Group(source: source, cause: cause, message: message, count: count, lastSeenAt: at, lastSubject: subject))
        }
        return groups.sorted { $0.lastSeenAt > $1.lastSeenAt }
    }
}
