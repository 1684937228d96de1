import Foundation
import Logging
import PostgresNIO

/// A company's LinkedIn sync allowance, held in PostgreSQL so every replica shares it: at most
/// `recordsPerWindow` records in any sliding `window` (LinkedIn: 10,000 a minute) and `callsPerDay` calls
/// per UTC day (LinkedIn: 100,000). A sliding window never exceeds LinkedIn's own fixed one, wherever its
/// boundaries fall, so normal running never meets a 429. PostgreSQL's clock is the one clock all replicas share.
public struct LinkedInQuota: Sendable {
    public struct Limits: Sendable, Equatable {
        public var recordsPerWindow: Int
        public var window: Duration
        public var callsPerDay: Int

        public init(recordsPerWindow: Int = 10_000, window: Duration = .seconds(60), callsPerDay: Int = 100_000) {
            self.recordsPerWindow = recordsPerWindow
            self.window = window
            self.callsPerDay = callsPerDay
        }

        /// LinkedIn's published limits for the sync API.
        public static let linkedIn = Limits()
    }

    public enum Decision: Sendable, Equatable {
        case granted
        /// Not before this time (PostgreSQL's clock).
        case waitUntil(Date)
    }

    let client: PostgresClient
    let limits: Limits
    let logger: Logger

    public init(client: PostgresClient, limits: Limits, logger: Logger) {
        self.client = client
        self.limits = limits
        self.logger = logger
    }

    /// Records the use if it fits, else says when it will. Only the company's sender (which holds the
    /// company's lease) calls this, so check-then-record cannot race.
    public func reserve(company: String, records: Int, calls: Int = 1) async throws -> Decision {
        let windowSeconds = Double(limits.window.components.seconds) + Double(limits.window.components.attoseconds) / 1e18
        let rows = try await client.query(
            """
            SELECT second, records, calls, now(), date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
            FROM linkedin_usage
            WHERE company_id = \(company)
              AND second >= LEAST(now() - make_interval(secs => \(windowSeconds + 1)), date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
            ORDER BY second
            """,
            logger: logger
        )
        var buckets: [(second: Date, records: Int)] = []
        var callsToday = 0
        var now: Date?
        var dayStart: Date?
        for try await (second, recordCount, callCount, databaseNow, utcMidnight) in rows.decode((Date, Int, Int, Date, Date).self) {
            now = databaseNow
            dayStart = utcMidnight
            if second >= utcMidnight { callsToday += callCount }
            // Buckets are whole seconds: one that started just outside the window may hold usage inside it.
            if second > databaseNow.addingTimeInterval(-windowSeconds - 1) { buckets.append((second, recordCount)) }
        }
        if let dayStart, callsToday + calls > limits.callsPerDay {
            return .waitUntil(dayStart.addingTimeInterval(86_400))
        }
        let used = buckets.reduce(0) { $0 + $1.records }
        if used + records > limits.recordsPerWindow, let now {
            // Wait until enough of the oldest usage has slid out of the window.
            var freed = 0
            for bucket in buckets {
                freed += bucket.records
                if used - freed + records <= limits.recordsPerWindow {
                    return .waitUntil(max(now, bucket.second.addingTimeInterval(windowSeconds + 1)))
                }
            }
            return .waitUntil(now.addingTimeInterval(windowSeconds))
        }
        try await client.query(
            """
            INSERT INTO linkedin_usage (company_id, second, records, calls)
            VALUES (\(company), date_trunc('second', now()), \(records), \(calls))
            ON CONFLICT (company_id, second) DO UPDATE
            SET records = linkedin_usage.records + EXCLUDED.records, calls = linkedin_usage.calls + EXCLUDED.calls
            """,
            logger: logger
        )
        return .granted
    }

    /// Usage older than two days is never read again.
    public func prune() async throws {
        try await client.query("DELETE FROM linkedin_usage WHERE second < now() - interval '2 days'", logger: logger)
    }
}
