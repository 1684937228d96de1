import Foundation
import PostgresNIO
@testable import RSCOutbound
import RSCTestSupport
import Testing

/// The per-company quota against real PostgreSQL: its clock, its tables, its arithmetic.
@Suite("LinkedIn quota held in PostgreSQL")
struct LinkedInQuotaTests {
    let logger = TestPostgres.logger

    func count(_ client: PostgresClient, _ sql: String) async throws -> Int {
        try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self).reduce(0, +)
    }

    @Test("the day's calls are counted per company; the call over the limit waits for the next UTC midnight")
    func dailyCalls() async throws {
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let quota = LinkedInQuota(client: client, limits: .init(recordsPerWindow: 10_000, window: .seconds(60), callsPerDay: 3), logger: logger)
            for _ in 1...3 { #expect(try await quota.reserve(company: "1", records: 1) == .granted) }
            let refused = try await quota.reserve(company: "1", records: 1)
            guard case .waitUntil(let until) = refused else {
                Issue.record("the fourth call of the day was granted")
                return
            }
            var utc = Calendar(identifier: .gregorian)
            utc.timeZone = TimeZone(identifier: "UTC")!
            #expect(until == utc.startOfDay(for: Date()).addingTimeInterval(86_400) || until == utc.startOfDay(for: Date()),
                    "the next UTC midnight, not \(until)")
            #expect(try await quota.reserve(company: "2", records: 1) == .granted, "another company has its own day")
            #expect(try await count(client, "SELECT calls FROM linkedin_daily_calls WHERE company_id = '1'") == 3)
            #expect(try await count(client, "SELECT sum(records)::int FROM linkedin_usage WHERE company_id = '1'") == 3)
        }
    }

    @Test("records within the window are held: the batch that does not fit waits until enough usage has slid out")
    func recordWindow() async throws {
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let quota = LinkedInQuota(client: client, limits: .init(recordsPerWindow: 150, window: .seconds(30), callsPerDay: 100_000), logger: logger)
            let start = Date()
            #expect(try await quota.reserve(company: "1", records: 100) == .granted)
            guard case .waitUntil(let until) = try await quota.reserve(company: "1", records: 100) else {
                Issue.record("200 records fit a window of 150")
                return
            }
            // The first use's tenth-of-a-second bucket plus the window, one bucket, and how late a counted call may
            // reach LinkedIn (0.4 s; with whole-second buckets it was up to a second later).
            #expect(until >= start.addingTimeInterval(30.4) && until <= Date().addingTimeInterval(30.7), "one window after the first use: \(until)")
            #expect(try await quota.reserve(company: "1", records: 50) == .granted, "what still fits is granted")
            #expect(try await count(client, "SELECT calls FROM linkedin_daily_calls WHERE company_id = '1'") == 2, "a refused call is not counted")
        }
    }

    @Test("records reserved but not sent yet are counted again from now, in the current bucket; the total stays the same")
    func redate() async throws {
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let quota = LinkedInQuota(client: client, limits: .linkedIn, logger: logger)
            let reserved = try await quota.reserveCounted(company: "1", records: 100, calls: 4)
            #expect(reserved.decision == .granted)
            try await Task.sleep(for: .milliseconds(250))
            let now = try await quota.redate(company: "1", records: 60, from: reserved.bucket)
            #expect(now != reserved.bucket)
            let buckets = try await client.query(
                "SELECT second::text, records FROM linkedin_usage WHERE company_id = '1' ORDER BY second", logger: logger
            ).decode((String, Int).self).reduce(into: [(String, Int)]()) { $0.append($1) }
            #expect(buckets.map(\.1) == [40, 60], "40 stay where they were reserved, 60 move to now")
            #expect(buckets.map(\.0) == [reserved.bucket, now])
            #expect(try await quota.redate(company: "1", records: 61, from: now) == now, "more than the bucket holds moves nothing")
            #expect(try await count(client, "SELECT sum(records)::int FROM linkedin_usage") == 100)
        }
    }

    @Test("pruning deletes usage the quota never reads again and keeps today's")
    func prune() async throws {
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let quota = LinkedInQuota(client: client, limits: .linkedIn, logger: logger)
            #expect(try await quota.reserve(company: "1", records: 5) == .granted)
            try await client.query(
                "INSERT INTO linkedin_usage (company_id, second, records) VALUES ('1', now() - interval '3 hours', 7)", logger: logger)
            try await client.query(
                "INSERT INTO linkedin_daily_calls (company_id, day, calls) VALUES ('1', (now() AT TIME ZONE 'UTC')::date - 5, 99)",
                logger: logger)
            try await quota.prune()
            #expect(try await count(client, "SELECT count(*)::int FROM linkedin_usage") == 1)
            #expect(try await count(client, "SELECT count(*)::int FROM linkedin_daily_calls") == 1)
            #expect(try await count(client, "SELECT calls FROM linkedin_daily_calls") == 1)
        }
    }
}
