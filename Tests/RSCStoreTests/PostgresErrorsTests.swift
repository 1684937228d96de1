import Foundation
import PostgresNIO
import RSCStore
import RSCTestSupport
import Testing

/// A failed statement must be diagnosable from the log (PostgresNIO prints one fixed sentence for all of
/// them) without the log carrying the data it was about.
@Suite("PostgreSQL errors: in log lines, and retried when a concurrency conflict")
struct PostgresErrorsTests {
    let logger = TestPostgres.logger

    @Test("a server error names its SQLSTATE and PostgreSQL's message")
    func serverError() async throws {
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let error = try #require(await TestPostgres.failure(of: "SELECT 1 FROM no_such_table", on: client))
            let line = loggable(error)
            #expect(line == #"PostgreSQL 42P01: relation "no_such_table" does not exist"#, "\(line)")
            #expect(!line.contains("Generic description"))
        }
    }

    @Test("a data exception shows its SQLSTATE but not the message, which may quote the input")
    func dataException() async throws {
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let email = "asa.lindqvist@example.com"
            let error = try #require(await TestPostgres.failure(of: "SELECT \(email)::int", on: client))
            let line = loggable(error)
            #expect(line.hasPrefix("PostgreSQL 22P02"), "\(line)")
            #expect(!line.contains(email))
        }
    }

    @Test("other errors keep their own description")
    func otherErrors() {
        struct Refused: Error, CustomStringConvertible { var description: String { "LinkedIn refused it (400)" } }
        #expect(loggable(Refused()) == "LinkedIn refused it (400)")
    }

    /// Provokes a real deadlock: a transaction holds row 1 and then wants row 2, while `statement` (one
    /// statement) takes row 2 and waits for row 1 first — so `statement` hits the deadlock timeout first
    /// and is PostgreSQL's victim.
    func deadlock<T: Sendable>(on client: PostgresClient, statement: @escaping @Sendable () async throws -> T) async throws -> Result<T, any Error> {
        try await client.query("CREATE TABLE IF NOT EXISTS lock_order (id int PRIMARY KEY, v int NOT NULL DEFAULT 0)", logger: logger)
        try await client.query("INSERT INTO lock_order (id) VALUES (1), (2) ON CONFLICT DO NOTHING", logger: logger)
        let victim = try await client.withTransaction(logger: logger) { holder in
            try await holder.query("UPDATE lock_order SET v = v + 1 WHERE id = 1", logger: logger)
            let victim = Task { () -> Result<T, any Error> in
                do { return .success(try await statement()) } catch { return .failure(error) }
            }
            // Until the statement holds row 2 and waits for row 1 (a fixed sleep is not enough on a busy CI).
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                let waiting = try await client.query(
                    "SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
                    logger: logger
                ).decode(Int.self).reduce(0, +)
                if waiting > 0 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            try await holder.query("UPDATE lock_order SET v = v + 1 WHERE id = 2", logger: logger)
            return victim
        }
        // After the holder's commit: a retried statement can only finish once the holder's locks are gone.
        return await victim.value
    }

    static let takesRow2ThenRow1: PostgresQuery = """
        DO $$ BEGIN
            UPDATE lock_order SET v = v + 1 WHERE id = 2;
            UPDATE lock_order SET v = v + 1 WHERE id = 1;
        END $$
        """

    @Test("a deadlock victim is recognised as a concurrency conflict")
    func deadlockIsConflict() async throws {
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let outcome = try await deadlock(on: client) {
                try await client.query(Self.takesRow2ThenRow1, logger: logger)
                return 1
            }
            guard case .failure(let error) = outcome else {
                Issue.record("expected the statement to be the deadlock victim")
                return
            }
            #expect(isConcurrencyConflict(error))
            #expect(loggable(error) == "PostgreSQL 40P01: deadlock detected")
        }
    }

    @Test("a statement that lost a deadlock runs again and succeeds; other errors are not retried")
    func deadlockRetried() async throws {
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let attempts = Counter()
            let outcome = try await deadlock(on: client) {
                try await retryingConcurrencyConflicts {
                    await attempts.increment()
                    try await client.query(Self.takesRow2ThenRow1, logger: logger)
                }
                return await attempts.value
            }
            #expect(try outcome.get() == 2)
            let rows = try await client.query("SELECT v FROM lock_order ORDER BY id", logger: logger).decode(Int.self).reduce(into: []) { $0.append($1) }
            #expect(rows == [2, 2])  // each row: once by the holder, once by the retried statement

            let other = Counter()
            await #expect(throws: PSQLError.self) {
                try await retryingConcurrencyConflicts {
                    await other.increment()
                    try await client.query("SELECT 1 FROM no_such_table", logger: logger)
                }
            }
            #expect(await other.value == 1)
        }
    }
}

actor Counter {
    private(set) var value = 0
    func increment() { value += 1 }
}
