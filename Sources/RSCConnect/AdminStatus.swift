import Foundation
import Logging
import PostgresNIO
import RSCStore

/// What Teamtailor's settings page shows for a company: the connector state, the first global sync's
/// progress with an estimate, live sync health, and recent errors grouped by cause in words.
public struct AdminStatus: Encodable, Sendable {
    public struct State: Encodable, Sendable {
        var code: String
        var summary: String
        var reason: String?
        var jobsPrivate: Bool
        var integrationEnabledAt: Date?
    }

    public struct FirstSync: Encodable, Sendable {
        public struct Resource: Encodable, Sendable {
            var resource: String
            /// Read from Teamtailor so far, out of `total` (nil until the first page said).
            var read: Int
            var total: Int?
            var state: String
            /// LinkedIn records made from this type's history that are not on LinkedIn yet (an application
            /// makes its own record and one per stage entered; users and stages make none of their own).
            var waitingToSend: Int
        }
        /// not_started | reading | sending | done | failed
        var state: String
        var resources: [Resource]
        /// History records still to reach LinkedIn (read but not yet sent).
        var recordsWaitingToSend: Int
        /// Records LinkedIn accepted per minute over the last 5 minutes (live and history).
        var recordsPerMinute: Double
        var estimatedFinishAt: Date?
    }

    public struct LiveSync: Encodable, Sendable {
        var pendingRecords: Int
        var oldestPendingChangeAt: Date?
        var oldestPendingAgeSeconds: Int?
        var lastSuccessAt: Date?
    }

    public struct Records: Encodable, Sendable {
        var resource: String
        var synced: Int
        var pending: Int
        var notMatched: Int
        var failed: Int
        var waiting: Int
    }

    public struct Problem: Encodable, Sendable {
        var source: String
        var cause: String
        var message: String
        var count: Int
        var lastSeenAt: Date?
    }

    /// One integration as LinkedIn's BATCH_GET reports it (only when the status is asked with `verify=linkedin`).
    public struct IntegrationCheck: Encodable, Sendable {
        var type: String
        var context: String
        /// enabled | disabled | named | missing | refused | unknown
        var state: String
        var detail: String?
    }

    var companyId: String
    var state: State
    var firstSync: FirstSync
    var liveSync: LiveSync
    var records: [Records]
    var errors: [Problem]
    var integrations: [IntegrationCheck]?
    /// The standing reconciliation: running, or the last completed pass (when, checked, repaired by type).
    var reconciliation: Reconciliation
    var asOf: Date

    public struct Reconciliation: Encodable, Sendable {
        /// never | requested | running | done | failed
        var state: String
        var kind: String?
        var lastCompletedAt: Date?
        var lastFullCompletedAt: Date?
        var recordsChecked: Int
        var recordsRepaired: [String: Int]
        var error: String?

        init(_ status: ReconciliationStatus?) {
            guard let status else {
                self.init(state: "never", kind: nil, lastCompletedAt: nil, lastFullCompletedAt: nil, recordsChecked: 0, recordsRepaired: [:], error: nil)
                return
            }
            let state = status.running ? "running" : status.requested ? "requested" : status.lastError != nil ? "failed"
                : status.lastFinishedAt != nil ? "done" : "never"
            self.init(
                state: state, kind: status.running ? status.runningKind : status.lastKind, lastCompletedAt: status.lastFinishedAt,
                lastFullCompletedAt: status.lastFullFinishedAt, recordsChecked: status.checked.values.reduce(0, +),
                recordsRepaired: status.repaired.filter { $0.value > 0 }, error: status.lastError)
        }

        init(state: String, kind: String?, lastCompletedAt: Date?, lastFullCompletedAt: Date?, recordsChecked: Int, recordsRepaired: [String: Int], error: String?) {
            self.state = state
            self.kind = kind
            self.lastCompletedAt = lastCompletedAt
            self.lastFullCompletedAt = lastFullCompletedAt
            self.recordsChecked = recordsChecked
            self.recordsRepaired = recordsRepaired
            self.error = error
        }
    }
}

extension AdminStatus {
    /// Reads everything in a handful of queries; `now` is injected so estimates are testable.
    static func load(company: Company, postgres: PostgresClient, logger: Logger, now: Date) async throws -> AdminStatus {
        let sync = try await SyncStatus.load(company: company.id, client: postgres, logger: logger)
        let progress = try await FirstSyncProgress.load(companyID: company.id, postgres: postgres, logger: logger)
        let rate = try await Self.recordsPerMinute(companyID: company.id, postgres: postgres, logger: logger, now: now)
        let waitingByResource = try await Self.historyWaiting(companyID: company.id, postgres: postgres, logger: logger)
        let waitingToSend = waitingByResource.values.reduce(0, +)
        let logged = try await CompanyErrorLog(client: postgres, logger: logger)
            .recent(companyID: company.id, since: now.addingTimeInterval(-7 * 86_400))

        let unread = progress.reduce(0) { $0 + max(($1.total ?? $1.read) - $1.read, 0) }
        let firstSyncState: String
        if progress.isEmpty {
            firstSyncState = "not_started"
        } else if progress.contains(where: { $0.state == "failed" }) {
            firstSyncState = "failed"
        } else if progress.contains(where: { $0.state != "read" }) {
            firstSyncState = "reading"
        } else {
            firstSyncState = waitingToSend > 0 ? "sending" : "done"
        }
        let remaining = unread + waitingToSend
        let estimate: Date? =
            firstSyncState == "done" || firstSyncState == "not_started" || rate <= 0
            ? nil : now.addingTimeInterval(Double(remaining) / rate * 60)

        // Live health counts live changes only; history waiting behind them is the first sync's figure.
        let pending = max(sync.resources.reduce(0) { $0 + $1.pending } - waitingToSend, 0)
        var problems = logged.map {
            Problem(source: $0.source, cause: $0.cause, message: $0.message, count: $0.count, lastSeenAt: $0.lastSeenAt)
        }
        if let application = try await Self.applicationWithoutSecret(company, postgres, logger) {
            problems.insert(Problem(
                source: "onboarding", cause: "application_secret_missing",
                message: Onboarding.secretMissingRemedy(applicationURN: application), count: 1, lastSeenAt: nil), at: 0)
        }
        // Records LinkedIn refused or could not match, grouped by reason, are errors too (not dated).
        for reason in sync.reasons where reason.state == "failed" || reason.state == "not_matched" {
            problems.append(Problem(
                source: "outbound", cause: "\(reason.resource)_\(reason.state)",
                message: "\(reason.count) \(reason.resource.replacingOccurrences(of: "_", with: " ")) record(s): \(reason.reason)",
                count: reason.count, lastSeenAt: nil))
        }
        return AdminStatus(
            companyId: company.id,
            state: State(
                code: company.status.rawValue, summary: company.status.summary, reason: company.statusReason,
                jobsPrivate: company.jobsPrivate, integrationEnabledAt: try await Self.enabledAt(company.id, postgres, logger)),
            firstSync: FirstSync(
                state: firstSyncState,
                resources: progress.map { type in
                    .init(resource: type.resource, read: type.read, total: type.total, state: type.state,
                          waitingToSend: (Self.linkedInResources[type.resource] ?? []).reduce(0) { $0 + (waitingByResource[$1] ?? 0) })
                },
                recordsWaitingToSend: waitingToSend, recordsPerMinute: rate, estimatedFinishAt: estimate),
            liveSync: LiveSync(
                pendingRecords: pending, oldestPendingChangeAt: sync.oldestPendingSince,
                oldestPendingAgeSeconds: sync.oldestPendingAge.map { Int($0.rounded()) }, lastSuccessAt: sync.lastSuccessAt),
            records: sync.resources.map {
                Records(resource: $0.resource, synced: $0.synced, pending: $0.pending, notMatched: $0.notMatched,
                        failed: $0.failed, waiting: $0.waiting)
            },
            errors: problems,
            integrations: nil,
            reconciliation: Reconciliation(try await ReconciliationStatus.load(companyID: company.id, postgres: postgres, logger: logger)),
            asOf: now
        )
    }

    static func recordsPerMinute(companyID: String, postgres: PostgresClient, logger: Logger, now: Date) async throws -> Double {
        let rows = try await postgres.query(
            """
            SELECT coalesce(sum(records), 0)::int FROM linkedin_usage
            WHERE company_id = \(companyID) AND second > \(now.addingTimeInterval(-300))
            """,
            logger: logger)
        for try await records in rows.decode(Int.self) { return Double(records) / 5 }
        return 0
    }

    /// History records not yet on LinkedIn, by LinkedIn resource.
    static func historyWaiting(companyID: String, postgres: PostgresClient, logger: Logger) async throws -> [String: Int] {
        let rows = try await postgres.query(
            """
            SELECT resource, count(*)::int FROM linkedin_send_queue
            WHERE company_id = \(companyID) AND priority = 1 GROUP BY resource
            """,
            logger: logger)
        var waiting: [String: Int] = [:]
        for try await (resource, count) in rows.decode((String, Int).self) { waiting[resource] = count }
        return waiting
    }

    /// The LinkedIn records each Teamtailor type of the history becomes.
    static let linkedInResources: [String: [String]] = [
        "jobs": ["job_posting"], "candidates": ["candidate"], "job-applications": ["application", "application_stage"],
        "interviews": ["interview_feedback"], "notes": ["candidate_note", "application_note"],
    ]

    /// The URN of the company's child application when LinkedIn has it and its secret is not held here (a disconnected company
    /// keeps its application's URN and no secret, and says so by its state instead).
    static func applicationWithoutSecret(_ company: Company, _ postgres: PostgresClient, _ logger: Logger) async throws -> String? {
        guard company.status != .disconnected, company.status != .disconnecting else { return nil }
        let rows = try await postgres.query(
            """
            SELECT linkedin_application_urn FROM companies
            WHERE company_id = \(company.id) AND linkedin_application_urn IS NOT NULL AND linkedin_secret_sealed IS NULL
            """,
            logger: logger)
        for try await urn in rows.decode(String.self) { return urn }
        return nil
    }

    static func enabledAt(_ companyID: String, _ postgres: PostgresClient, _ logger: Logger) async throws -> Date? {
        let rows = try await postgres.query(
            "SELECT integration_enabled_at FROM companies WHERE company_id = \(companyID)", logger: logger)
        for try await at in rows.decode(Date?.self) { return at }
        return nil
    }
}
