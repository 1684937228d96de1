import Foundation
import Synchronization
import Logging
import PostgresNIO
import RSCConfiguration
import RSCSandbox
import RSCStore

/// The PostgreSQL server tests run against: `RSC_TEST_DATABASE_URL` when `make test` started one,
/// else an `EmbeddedPostgres` started once for this test process and stopped when it exits.
public enum TestPostgres {
    private static let server = Task<DatabaseSettings, any Error> {
        if let url = ProcessInfo.processInfo.environment["RSC_TEST_DATABASE_URL"], !url.isEmpty {
            return try DatabaseSettings(url: url)
        }
        let postgres = try await EmbeddedPostgres.start()
        ownedServer.withLock { $0 = postgres }
        atexit { TestPostgres.ownedServer.withLock { $0?.stop() } }
        return try DatabaseSettings(url: postgres.url)
    }

    private static let ownedServer = Mutex<EmbeddedPostgres?>(nil)

    public static let logger: Logger = {
        var logger = Logger(label: "rsc.tests")
        logger.logLevel = .error
        return logger
    }()

    /// The error a statement fails with, or nil when it succeeds (its rows are read and dropped).
    public static func failure(of query: PostgresQuery, on client: PostgresClient) async -> (any Error)? {
        do {
            for try await _ in try await client.query(query, logger: logger) {}
            return nil
        } catch {
            return error
        }
    }

    /// A brand-new, empty database on the test server; each test gets its own, so tests run in parallel.
    public static func freshDatabase() async throws -> DatabaseSettings {
        let base = try await server.value
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        _ = try await withClient(base) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        var settings = base
        settings.database = String(name)
        return settings
    }

    /// A fresh database with every migration applied, and a running client for it.
    public static func withMigratedDatabase<T: Sendable>(
        _ body: @Sendable (PostgresClient, DatabaseSettings) async throws -> T
    ) async throws -> T {
        let settings = try await freshDatabase()
        return try await withClient(settings) { client in
            try await Migrator(migrations: MigrationCatalog.loadDefault()).migrate(client, logger: logger)
            return try await body(client, settings)
        }
    }

    /// Runs `body` with a connected pool for `settings`, then shuts the pool down.
    public static func withClient<T: Sendable>(
        _ settings: DatabaseSettings, _ body: @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(settings: settings, applicationName: "rsc-tests", backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
