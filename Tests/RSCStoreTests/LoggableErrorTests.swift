import Foundation
import PostgresNIO
import RSCStore
import RSCTestSupport
import Testing

/// A failed statement must be diagnosable from the log (PostgresNIO prints one fixed sentence for all of
/// them) without the log carrying the data it was about.
@Suite("errors in log lines")
struct LoggableErrorTests {
    let logger = TestPostgres.logger

    func failure(_ query: PostgresQuery, on client: PostgresClient) async -> (any Error)? {
        do {
            for try await _ in try await client.query(query, logger: logger) {}
            return nil
        } catch {
            return error
        }
    }

    @Test("a server error names its SQLSTATE and PostgreSQL's message")
    func serverError() async throws {
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let error = try #require(await failure("SELECT 1 FROM no_such_table", on: client))
            let line = loggable(error)
            #expect(line == #"PostgreSQL 42P01: relation "no_such_table" does not exist"#, "\(line)")
            #expect(!line.contains("Generic description"))
        }
    }

    @Test("a data exception shows its SQLSTATE but not the message, which may quote the input")
    func dataException() async throws {
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let email = "asa.lindqvist@example.com"
            let error = try #require(await failure("SELECT \(email)::int", on: client))
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
}
