import Foundation
import Logging
import Metrics
import PostgresNIO
import RSCRetry
import RSCStore
import ServiceLifecycle

/// Publishes, per company, how many LinkedIn records wait to be sent and how old the oldest **live** change
/// among them is (`rsc_pending_records`, `rsc_oldest_pending_seconds`; first-global-sync work is counted in
/// the first but not aged in the second, or every first sync would page someone), how many companies are
/// parked (`rsc_companies_parked`), and each company's share of LinkedIn's quota in use
/// (`rsc_linkedin_quota_used_ratio{window="minute|day"}`). Every replica reports the same database-wide
/// figures; dashboards and alerts take the max.
public struct PendingGauges: Service {
    let client: PostgresClient
    let interval: Duration
    let quota: LinkedInQuota.Limits
    let logger: Logger

    public init(client: PostgresClient, interval: Duration = .seconds(15), quota: LinkedInQuota.Limits = .init(), logger: Logger) {
        self.client = client
        self.interval = interval
        self.quota = quota
        self.logger = logger
    }

    public func run() async throws {
        var reported: Set<String> = []
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let rows = try await client.query(
                    """
                    SELECT company_id, count(*)::int,
                           COALESCE(EXTRACT(EPOCH FROM now() - min(dirty_since) FILTER (WHERE priority = 0)), 0)::float8
                    FROM linkedin_send_queue GROUP BY company_id
                    """,
                    logger: logger
                )
                var current: Set<String> = []
                for try await (company, pending, age) in rows.decode((String, Int, Double).self) {
                    current.insert(company)
                    Gauge(label: "rsc_pending_records", dimensions: [("company", company)]).record(pending)
                    Gauge(label: "rsc_oldest_pending_seconds", dimensions: [("company", company)]).record(age)
                }
                // A company that caught up reads zero, not its last backlog.
                for company in reported.subtracting(current) {
                    Gauge(label: "rsc_pending_records", dimensions: [("company", company)]).record(0)
                    Gauge(label: "rsc_oldest_pending_seconds", dimensions: [("company", company)]).record(0)
                }
                reported = current
                try await reportCompaniesAndQuota()
            } catch {
                logger.warning("could not read pending records for metrics", metadata: ["error": "\(loggable(error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    func reportCompaniesAndQuota() async throws {
        let parked = try await client.query(
            "SELECT count(*)::int FROM companies WHERE status = 'parked'", logger: logger
        ).decode(Int.self).reduce(0, +)
        Gauge(label: "rsc_companies_parked").record(parked)
        let usage = try await client.query(
            """
            WITH minute AS (
                SELECT company_id, sum(records)::int AS records FROM linkedin_usage
                WHERE second > now() - make_interval(secs => \(quota.window.timeInterval))
                GROUP BY company_id
            ), today AS (
                SELECT company_id, calls FROM linkedin_daily_calls WHERE day = (now() AT TIME ZONE 'UTC')::date
            )
            SELECT company_id, coalesce(minute.records, 0), coalesce(today.calls, 0)
            FROM minute FULL JOIN today USING (company_id)
            """,
            logger: logger)
        for try await (company, records, calls) in usage.decode((String, Int, Int).self) {
            Gauge(label: "rsc_linkedin_quota_used_ratio", dimensions: [("company", company), ("window", "minute")])
                .record(Double(records) / Double(max(quota.recordsPerWindow, 1)))
            Gauge(label: "rsc_linkedin_quota_used_ratio", dimensions: [("company", company), ("window", "day")])
                .record(Double(calls) / Double(max(quota.callsPerDay, 1)))
        }
    }
}
