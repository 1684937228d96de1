import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle

/// Publishes, per company, how many LinkedIn records wait to be sent and how old the oldest change among
/// them is (`rsc_pending_records`, `rsc_oldest_pending_seconds`): what the "sync is falling behind" alert
/// and the dashboard read. Every replica reports the same database-wide figures; dashboards take the max.
public struct PendingGauges: Service {
    let client: PostgresClient
    let interval: Duration
    let logger: Logger

    public init(client: PostgresClient, interval: Duration = .seconds(15), logger: Logger) {
        self.client = client
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        var reported: Set<String> = []
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let rows = try await client.query(
                    """
                    SELECT company_id, count(*)::int, COALESCE(EXTRACT(EPOCH FROM now() - min(dirty_since)), 0)::float8
                    FROM linkedin_records WHERE dirty GROUP BY company_id
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
            } catch {
                logger.warning("could not read pending records for metrics", metadata: ["error": "\(String(describing: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
