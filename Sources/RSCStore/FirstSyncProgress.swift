import Foundation
import Logging
import PostgresNIO

/// One Teamtailor resource's history read, as stored in `first_sync_progress`.
public struct FirstSyncProgress: Sendable, Equatable {
    public var resource: String
    public var state: String
    public var read: Int
    public var total: Int?

    /// The order history is read in: users first (comment authors), then what records refer to. No interviews:
    /// Teamtailor publishes no interview endpoint, so their feedback reaches LinkedIn only from live changes.
    public static let resources = ["users", "jobs", "stages", "candidates", "job-applications", "notes"]

    public static func load(companyID: String, postgres: PostgresClient, logger: Logger) async throws -> [FirstSyncProgress] {
        let rows = try await postgres.query(
            """
            SELECT resource, state, read_count, total FROM first_sync_progress
            WHERE company_id = \(companyID) ORDER BY position
            """,
            logger: logger)
        var progress: [FirstSyncProgress] = []
        for try await (resource, state, read, total) in rows.decode((String, String, Int, Int?).self) {
            progress.append(FirstSyncProgress(resource: resource, state: state, read: read, total: total))
        }
        return progress
    }

    /// Queues the company's first global sync (or a re-sync from scratch). Idempotent unless `restart`.
    public static func start(companyID: String, restart: Bool, postgres: PostgresClient, logger: Logger) async throws {
        for (position, resource) in resources.enumerated() {
            if restart {
                try await postgres.query(
                    """
                    INSERT INTO first_sync_progress (company_id, resource, position) VALUES (\(companyID), \(resource), \(position))
                    ON CONFLICT (company_id, resource) DO UPDATE SET state = 'waiting', cursor = NULL, read_count = 0,
                        total = NULL, started_at = NULL, read_at = NULL, last_error = NULL
                    """,
                    logger: logger)
            } else {
                try await postgres.query(
                    """
                    INSERT INTO first_sync_progress (company_id, resource, position) VALUES (\(companyID), \(resource), \(position))
                    ON CONFLICT (company_id, resource) DO NOTHING
                    """,
                    logger: logger)
            }
        }
    }
}
