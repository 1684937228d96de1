import Logging
import PostgresNIO

/// Asks for a company's reconciliation pass now (`reconcile_state.requested_at`), for whoever learns that its
/// change events were lost: an operator, the outbound consumer dead-lettering its events, a detected gap in a
/// change topic. The next free `rsc-outbound` replica runs the pass (RSCReconciliation).
public struct ReconciliationRequests: Sendable {
    let postgres: PostgresClient
    let logger: Logger

    public init(postgres: PostgresClient, logger: Logger) {
        self.postgres = postgres
        self.logger = logger
    }

    /// Requests a pass for each of `companyIDs` that is an active company; answers how many were requested.
    @discardableResult
    public func request(companyIDs: Set<String>, full: Bool = false) async throws -> Int {
        guard !companyIDs.isEmpty else { return 0 }
        return try await requested(
            """
            INSERT INTO reconcile_state (company_id, requested_at, requested_full)
            SELECT company_id, now(), \(full) FROM companies WHERE company_id = ANY(\(Array(companyIDs))) AND status = 'active'
            ON CONFLICT (company_id) DO UPDATE
            SET requested_at = now(), requested_full = reconcile_state.requested_full OR EXCLUDED.requested_full
            RETURNING 1
            """)
    }

    /// Every active company: after a gap in a change topic, whose companies cannot be told apart.
    @discardableResult
    public func requestAll(full: Bool = false) async throws -> Int {
        try await requested(
            """
            INSERT INTO reconcile_state (company_id, requested_at, requested_full)
            SELECT company_id, now(), \(full) FROM companies WHERE status = 'active'
            ON CONFLICT (company_id) DO UPDATE
            SET requested_at = now(), requested_full = reconcile_state.requested_full OR EXCLUDED.requested_full
            RETURNING 1
            """)
    }

    /// Runs a request statement; answers the rows it touched.
    private func requested(_ query: PostgresQuery) async throws -> Int {
        var count = 0
        for try await _ in try await postgres.query(query, logger: logger) { count += 1 }
        return count
    }
}
