import Foundation
import Logging
import PostgresNIO

/// A company's standing reconciliation as the admin page and `rsc status` show it: the pass running, or the
/// last completed one — when, records checked and repaired per Teamtailor type.
public struct ReconciliationStatus: Sendable, Equatable, Codable {
    public var running: Bool
    public var runningKind: String?
    public var runningStartedAt: Date?
    public var lastKind: String?
    public var lastStartedAt: Date?
    public var lastFinishedAt: Date?
    public var lastFullFinishedAt: Date?
    /// Of the running pass while one runs, else of the last completed one.
    public var checked: [String: Int]
    public var repaired: [String: Int]
    public var requested: Bool
    public var lastError: String?

    /// nil for a company no pass was ever run or asked for.
    public static func load(companyID: String, postgres: PostgresClient, logger: Logger) async throws -> ReconciliationStatus? {
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
            return ReconciliationStatus(
                running: running != nil, runningKind: running, runningStartedAt: runningStarted, lastKind: lastKind,
                lastStartedAt: lastStarted, lastFinishedAt: lastFinished, lastFullFinishedAt: lastFull,
                checked: counts(checked), repaired: counts(repaired), requested: requested, lastError: error)
        }
        return nil
    }

    public static func counts(_ json: String) -> [String: Int] {
        (try? JSONDecoder().decode([String: Int].self, from: Data(json.utf8))) ?? [:]
    }
}
