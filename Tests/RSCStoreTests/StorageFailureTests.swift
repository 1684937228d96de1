import Foundation
import PostgresNIO
import RSCStore
import RSCTestSupport
import Testing

/// What a writer does with a failed write depends on this verdict: retry the same write, or narrow it to
/// the record causing it. Checked against the errors a real PostgreSQL server gives.
@Suite("storage failures: classified, and narrowed to the records causing them")
struct StorageFailureTests {
    let logger = TestPostgres.logger

    @Test("a NUL in jsonb, a NUL in text and an index row over PostgreSQL's limit are refused data")
    func refusedData() async throws {
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            try await client.query("CREATE TABLE poison (id text PRIMARY KEY, body jsonb)", logger: logger)
            let nulInJSON = try #require(await TestPostgres.failure(of: #"SELECT '{"name":"Zo\u0000ë"}'::jsonb"#, on: client))
            #expect(StorageFailure(classifying: nulInJSON) == .dataRejected, "\(loggable(nulInJSON))")
            #expect(loggable(nulInJSON).hasPrefix("PostgreSQL 22P05"))
            let nulInText = try #require(await TestPostgres.failure(of: "SELECT \("18\u{0}42")::text", on: client))
            #expect(StorageFailure(classifying: nulInText) == .dataRejected, "\(loggable(nulInText))")
            #expect(loggable(nulInText).hasPrefix("PostgreSQL 22021"))
            let random = (0..<4_000).map { _ in String(UInt8.random(in: 0...255), radix: 16) }.joined()
            let overLong = try #require(await TestPostgres.failure(of: "INSERT INTO poison (id) VALUES (\(random))", on: client))
            #expect(StorageFailure(classifying: overLong) == .dataRejected, "\(loggable(overLong))")
            #expect(loggable(overLong).hasPrefix("PostgreSQL 54000"))
            try await client.query("INSERT INTO poison (id) VALUES ('1')", logger: logger)
            let duplicate = try #require(await TestPostgres.failure(of: "INSERT INTO poison (id) VALUES ('1')", on: client))
            #expect(StorageFailure(classifying: duplicate) == .dataRejected)
        }
    }

    @Test("a missing table is unexpected, a cancelled statement transient, an error not PostgreSQL's unexpected")
    func otherFailures() async throws {
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let missing = try #require(await TestPostgres.failure(of: "SELECT 1 FROM no_such_table", on: client))
            #expect(StorageFailure(classifying: missing) == .unexpected)
            // The server cancels the statement (57014), as it does on an operator's or a timeout's cancel.
            let cancelled = try #require(await TestPostgres.failure(of: "SELECT pg_cancel_backend(pg_backend_pid()), pg_sleep(5)", on: client))
            #expect(StorageFailure(classifying: cancelled) == .transient, "\(loggable(cancelled))")
            #expect(loggable(cancelled).hasPrefix("PostgreSQL 57014"))
        }
        struct NotPostgres: Error {}
        #expect(StorageFailure(classifying: NotPostgres()) == .unexpected)
    }

    struct Refused: Error { var item: Int }
    struct Outage: Error {}

    /// A store that refuses every batch holding one of `poison`, and records what it stored.
    actor Ledger {
        var stored: [Int] = []
        var writes = 0
        func store(_ items: [Int], poison: Set<Int>) throws {
            writes += 1
            if let bad = items.first(where: poison.contains) { throw Refused(item: bad) }
            stored += items
        }
    }

    @Test("halving stores every good item once and returns each bad one with its own error")
    func isolates() async throws {
        let ledger = Ledger()
        let items = Array(1...1_000)
        let poison: Set<Int> = [1, 437, 438, 1_000]
        let refused = try await storeIsolatingFailures(items, isIsolatable: { $0 is Refused }) { part in
            try await ledger.store(part, poison: poison)
        }
        #expect(refused.map(\.item) == [1, 437, 438, 1_000])
        #expect(refused.allSatisfy { ($0.error as? Refused)?.item == $0.item })
        #expect(await ledger.stored.sorted() == items.filter { !poison.contains($0) })
        // Four bad items in 1,000: about 4 · 2 · log2(1000) writes, not one per item.
        let writes = await ledger.writes
        #expect(writes < 100, "\(writes) writes")
    }

    @Test("a failure that is not isolatable is thrown whole, with nothing set aside")
    func outagePassesThrough() async throws {
        let ledger = Ledger()
        await #expect(throws: Outage.self) {
            _ = try await storeIsolatingFailures(Array(1...10), isIsolatable: { $0 is Refused }) { part in
                try await ledger.store(part, poison: [])
                throw Outage()
            }
        }
        #expect(await ledger.writes == 1)
    }

    @Test("text from outside loses its NULs and is capped, and PostgreSQL then stores it")
    func storable() async throws {
        #expect(storableText("plain") == "plain")
        #expect(storableText("a\u{0}b\u{0}") == "ab")
        #expect(storableText(String(repeating: "x", count: 5_000)).unicodeScalars.count == 2_000)
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let rows = try await client.query("SELECT length(\(storableText("LinkedIn said \u{0}no")))::int", logger: logger)
            #expect(try await rows.decode(Int.self).reduce(0, +) == 16)
        }
    }
}
