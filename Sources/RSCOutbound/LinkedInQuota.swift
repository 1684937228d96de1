import Foundation
import Logging
import PostgresNIO
import RSCRetry

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

    /// The width of a usage bucket: a bucket that started just outside the window may hold usage inside
    /// LinkedIn's minute, wherever that minute starts.
    static let bucketSeconds = 0.1
    /// LinkedIn counts a call when it arrives, but a round reserves for all its calls before the first
    /// (`Round.reserve`), and over a real network a round of a hundred calls takes seconds. So what a round has
    /// not spent is re-dated (`redate`) once its reservation is this old: a call always reaches LinkedIn within
    /// this, plus `transitSeconds`, of the time its records are counted at.
    static let redateAfter: Duration = .milliseconds(300)
    /// A call's way to LinkedIn once made.
    static let transitSeconds = 0.1
    /// How far back usage counts: LinkedIn's minute, one bucket, how late a counted call may reach LinkedIn. A
    /// backlogged sender can use at most window / lookBack of the quota: 99.2 % (whole-second buckets and 61 s
    /// held it to 98.4 %, and did not cover a long round).
    static func lookBack(_ window: Duration) -> Double {
        window.timeInterval + bucketSeconds + redateAfter.timeInterval + transitSeconds
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
        try await reserveCounted(company: company, records: records, calls: calls).decision
    }

    /// `reserve`, also saying which usage bucket the records were counted in (as PostgreSQL's text, so it comes
    /// back to `redate` exactly).
    func reserveCounted(company: String, records: Int, calls: Int = 1) async throws -> (decision: Decision, bucket: String) {
        // Usage is kept in buckets of `bucketSeconds` (column `second`, named when they were whole seconds).
        let lookBack = Self.lookBack(limits.window)
        // Check and record in one round trip (the sender asks before every call): PostgreSQL decides
        // whether the call fits and records it if so; the window's buckets come back only when it does not,
        // to work out when it will.
        let rows = try await client.query(
            """
            WITH clock AS (
                SELECT now() AS now, date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS midnight,
                       (now() AT TIME ZONE 'UTC')::date AS day,
                       date_bin(make_interval(secs => \(Self.bucketSeconds)), now(), timestamptz '2000-01-01') AS bucket
            ),
            recent AS (
                SELECT u.second, u.records FROM linkedin_usage u, clock
                WHERE u.company_id = \(company) AND u.second > clock.now - make_interval(secs => \(lookBack))
            ),
            decision AS (
                SELECT clock.*, s.calls_today, s.calls_today + \(calls) <= \(limits.callsPerDay)
                       AND s.used + \(records) <= \(limits.recordsPerWindow) AS fits
                FROM clock, LATERAL (
                    SELECT coalesce((SELECT d.calls FROM linkedin_daily_calls d
                                     WHERE d.company_id = \(company) AND d.day = clock.day), 0) AS calls_today,
                           coalesce((SELECT sum(r.records) FROM recent r), 0) AS used
                ) s
            ),
            usage AS (
                INSERT INTO linkedin_usage (company_id, second, records)
                SELECT \(company), decision.bucket, \(records) FROM decision WHERE fits
                ON CONFLICT (company_id, second) DO UPDATE SET records = linkedin_usage.records + EXCLUDED.records
            ),
            counted AS (
                INSERT INTO linkedin_daily_calls (company_id, day, calls)
                SELECT \(company), decision.day, \(calls) FROM decision WHERE fits
                ON CONFLICT (company_id, day) DO UPDATE SET calls = linkedin_daily_calls.calls + EXCLUDED.calls
            )
            SELECT d.fits, d.now, d.midnight, d.calls_today::int8,
                   CASE WHEN d.fits THEN '{}' ELSE coalesce((SELECT array_agg(r.second ORDER BY r.second) FROM recent r), '{}') END,
                   CASE WHEN d.fits THEN '{}' ELSE coalesce((SELECT array_agg(r.records ORDER BY r.second) FROM recent r), '{}') END,
                   d.bucket::text
            FROM decision d
            """,
            logger: logger
        )
        guard let (fits, now, dayStart, callsToday, bucketStarts, recordCounts, bucket) = try await rows.decode((Bool, Date, Date, Int, [Date], [Int], String).self)
            .first(where: { _ in true })
        else { return (.waitUntil(Date()), "") }
        if fits { return (.granted, bucket) }
        if callsToday + calls > limits.callsPerDay {
            return (.waitUntil(dayStart.addingTimeInterval(86_400)), bucket)
        }
        let buckets = zip(bucketStarts, recordCounts).map { (start: $0, records: $1) }
        let used = buckets.reduce(0) { $0 + $1.records }
        // Wait until enough of the oldest usage has slid out of the window.
        var freed = 0
        for usage in buckets {
            freed += usage.records
            if used - freed + records <= limits.recordsPerWindow {
                return (.waitUntil(max(now, usage.start.addingTimeInterval(lookBack))), bucket)
            }
        }
        return (.waitUntil(now.addingTimeInterval(limits.window.timeInterval)), bucket)
    }

    /// Counts `records` of an earlier reservation, counted in `bucket` and not sent yet, from now instead: they
    /// will reach LinkedIn now, and LinkedIn counts them when they arrive. Returns the bucket they are counted in
    /// now. Moves nothing when the bucket no longer holds that many (or is the current one).
    func redate(company: String, records: Int, from bucket: String) async throws -> String {
        let rows = try await client.query(
            """
            WITH target AS (
                SELECT date_bin(make_interval(secs => \(Self.bucketSeconds)), now(), timestamptz '2000-01-01') AS bucket
            ),
            moved AS (
                UPDATE linkedin_usage u SET records = u.records - \(records)
                FROM target
                WHERE u.company_id = \(company) AND u.second = \(bucket)::timestamptz AND u.second <> target.bucket
                  AND u.records >= \(records)
                RETURNING 1
            ),
            added AS (
                INSERT INTO linkedin_usage (company_id, second, records)
                SELECT \(company), target.bucket, \(records) FROM moved, target
                ON CONFLICT (company_id, second) DO UPDATE SET records = linkedin_usage.records + EXCLUDED.records
            )
            SELECT CASE WHEN EXISTS (SELECT 1 FROM moved) THEN target.bucket::text ELSE \(bucket) END FROM target
            """,
            logger: logger
        )
        for try await moved in rows.decode(String.self) { return moved }
        return bucket
    }

    /// Usage is read only within the record window (and the last hour for rates); daily calls
    /// for today only. Anything older is never read again.
    public func prune() async throws {
        let keepSeconds = max(limits.window.timeInterval + 60, 3_600)
        try await client.query(
            "DELETE FROM linkedin_usage WHERE second < now() - make_interval(secs => \(keepSeconds))", logger: logger)
        try await client.query(
            "DELETE FROM linkedin_daily_calls WHERE day < (now() AT TIME ZONE 'UTC')::date - 2", logger: logger)
    }
}
