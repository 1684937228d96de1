import ArgumentParser
import RSCStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending SQL migrations from schemas/postgres (safe to run from several processes at once)."
    )

    func run() async throws {
        let migrations = try MigrationCatalog.loadDefault()
        let applied = try await CommandEnvironment.withPostgres { client in
            try await Migrator(migrations: migrations).migrate(client, logger: CommandEnvironment.logger)
        }
        if applied.isEmpty {
            print("database is up to date (\(migrations.count) migrations)")
        } else {
            for migration in applied { print("applied \(migration.version)_\(migration.name)") }
        }
    }
}
