import Logging
import PostgresNIO

/// Applies pending migrations in one transaction under an advisory lock, so that any number of
/// processes may run `rsc migrate` at once: one applies, the others wait and then find nothing to do.
public struct Migrator: Sendable {
    /// Arbitrary, fixed: the advisory lock every `rsc migrate` takes.
    static let advisoryLockKey: Int64 = 0x5253_435F_4D49_4752  // "RSC_MIGR"

    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations
    }

    /// Applies what is missing and returns it; an up-to-date database returns `[]` and changes nothing.
    @discardableResult
    public func migrate(_ client: PostgresClient, logger: Logger) async throws -> [Migration] {
        do {
            return try await apply(client, logger: logger)
        } catch let error as PostgresTransactionError {
            // Surface what went wrong inside the transaction, not the wrapper.
            throw error.closureError ?? error.commitError ?? error.beginError ?? error
        }
    }

    func apply(_ client: PostgresClient, logger: Logger) async throws -> [Migration] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.advisoryLockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                logger: logger
            )
            var applied: [Int: String] = [:]
            for try await (version, checksum) in try await connection.query(
                "SELECT version, checksum FROM schema_migrations", logger: logger
            ).decode((Int, String).self) {
                applied[version] = checksum
            }
            let known = Set(migrations.map(\.version))
            if let unknown = applied.keys.sorted().first(where: { !known.contains($0) }) {
                throw MigrationError.unknownAppliedVersion(unknown)
            }
            var newlyApplied: [Migration] = []
            for migration in migrations {
                if let checksum = applied[migration.version] {
                    guard checksum == migration.checksum else {
                        throw MigrationError.checksumMismatch(version: migration.version, name: migration.name)
                    }
                    continue
                }
                for statement in SQLScript.statements(migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    """
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """,
                    logger: logger
                )
                logger.info("migration applied", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                newlyApplied.append(migration)
            }
            return newlyApplied
        }
    }
}
