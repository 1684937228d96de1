import Foundation
import PostgresNIO
import RSCStore
import RSCTestSupport
import Testing

@Suite("migrations")
struct MigratorTests {
    let logger = TestPostgres.logger

    func appliedVersions(_ client: PostgresClient) async throws -> [Int] {
        var versions: [Int] = []
        for try await version in try await client.query("SELECT version FROM schema_migrations ORDER BY version", logger: logger)
            .decode(Int.self) { versions.append(version) }
        return versions
    }

    @Test("a second run finds nothing to do and changes nothing")
    func idempotent() async throws {
        let migrations = try MigrationCatalog.loadDefault()
        #expect(migrations.count >= 2)
        let settings = try await TestPostgres.freshDatabase()
        try await TestPostgres.withClient(settings) { client async throws in
            let first = try await Migrator(migrations: migrations).migrate(client, logger: logger)
            #expect(first.map(\.version) == migrations.map(\.version))
            let second = try await Migrator(migrations: migrations).migrate(client, logger: logger)
            #expect(second.isEmpty)
            #expect(try await appliedVersions(client) == migrations.map(\.version))
        }
    }

    @Test("two migrators at once both succeed and apply each migration once")
    func concurrent() async throws {
        let migrations = try MigrationCatalog.loadDefault()
        let settings = try await TestPostgres.freshDatabase()
        // Two pools, as two processes would have.
        let results = try await withThrowingTaskGroup(of: [Migration].self) { group in
            for _ in 0..<2 {
                group.addTask {
                    try await TestPostgres.withClient(settings) { client async throws in
                        try await Migrator(migrations: migrations).migrate(client, logger: logger)
                    }
                }
            }
            return try await group.reduce(into: [[Migration]]()) { $0.append($1) }
        }
        #expect(results.map(\.count).sorted() == [0, migrations.count])
        let versions = try await TestPostgres.withClient(settings) { client in try await appliedVersions(client) }
        #expect(versions == migrations.map(\.version))
    }

    @Test("an applied migration whose file changed is refused")
    func checksum() async throws {
        let settings = try await TestPostgres.freshDatabase()
        try await TestPostgres.withClient(settings) { client async throws in
            let original = Migration(version: 1, name: "t", sql: "CREATE TABLE t (id int);")
            try await Migrator(migrations: [original]).migrate(client, logger: logger)
            var edited = original
            edited.sql = "CREATE TABLE t (id bigint);"
            await #expect(throws: MigrationError.checksumMismatch(version: 1, name: "t")) {
                try await Migrator(migrations: [edited]).migrate(client, logger: logger)
            }
        }
    }

    @Test("a failing migration leaves nothing half-applied")
    func atomic() async throws {
        let settings = try await TestPostgres.freshDatabase()
        try await TestPostgres.withClient(settings) { client async throws in
            let good = Migration(version: 1, name: "good", sql: "CREATE TABLE good (id int);")
            let bad = Migration(version: 2, name: "bad", sql: "CREATE TABLE bad (id int); SELECT no_such_function();")
            await #expect(throws: (any Error).self) {
                try await Migrator(migrations: [good, bad]).migrate(client, logger: logger)
            }
            let tables = try await client.query(
                "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('good', 'bad')", logger: logger
            ).decode(Int.self).reduce(0, +)
            #expect(tables == 0)
        }
    }

    @Test("migration files are read in version order and misnamed files are refused")
    func catalog() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mig-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "SELECT 2;".write(to: directory.appendingPathComponent("0010_second.sql"), atomically: true, encoding: .utf8)
        try "SELECT 1;".write(to: directory.appendingPathComponent("0002_first.sql"), atomically: true, encoding: .utf8)
        #expect(try MigrationCatalog.load(from: directory).map(\.name) == ["first", "second"])
        try "".write(to: directory.appendingPathComponent("third.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.badFileName("third.sql")) { try MigrationCatalog.load(from: directory) }
    }
}
