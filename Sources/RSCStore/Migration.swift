import Crypto
import Foundation
import RSCConfiguration

/// One SQL file under `schemas/postgres/`, named `NNNN_description.sql`; applied once, in order.
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var sql: String

    /// SHA-256 of the SQL: an applied migration whose file later changed is refused, not silently skipped.
    public var checksum: String {
        SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Finds and reads the migration files.
public enum MigrationCatalog {
    /// `schemas/` as `SchemasDirectory` finds it (with a `postgres/` folder in it).
    public static func schemasDirectory() -> URL? {
        SchemasDirectory.locate(containing: "postgres")
    }

    /// The migrations in `directory`, ordered by version; two files with one version are an error.
    public static func load(from directory: URL) throws(MigrationError) -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .directoryUnreadable(path: directory.path)
        }
        var migrations: [Migration] = []
        for fileName in names where fileName.hasSuffix(".sql") {
            let stem = fileName.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
                throw .badFileName(fileName)
            }
            guard let sql = try? String(contentsOf: directory.appendingPathComponent(fileName), encoding: .utf8) else {
                throw .directoryUnreadable(path: directory.appendingPathComponent(fileName).path)
            }
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (earlier, later) in zip(migrations, migrations.dropFirst()) where earlier.version == later.version {
            throw .duplicateVersion(earlier.version)
        }
        return migrations
    }

    /// `schemas/postgres` found by `schemasDirectory`, loaded.
    public static func loadDefault() throws(MigrationError) -> [Migration] {
        guard let schemas = schemasDirectory() else { throw .directoryNotFound }
        return try load(from: schemas.appendingPathComponent("postgres"))
    }
}

/// Why migrations could not run. All need a person (a file or the database was changed by hand).
public enum MigrationError: Error, CustomStringConvertible, Sendable, Equatable {
    case directoryNotFound
    case directoryUnreadable(path: String)
    case badFileName(String)
    case duplicateVersion(Int)
    case checksumMismatch(version: Int, name: String)
    case unknownAppliedVersion(Int)

    public var description: String {
        switch self {
        case .directoryNotFound:
            "migrations: no schemas/postgres directory found; set RSC_SCHEMAS_DIR to the folder holding postgres/"
        case .directoryUnreadable(let path): "migrations: cannot read \(path)"
        case .badFileName(let name): "migrations: \(name) is not named NNNN_description.sql"
        case .duplicateVersion(let version): "migrations: two files have version \(version)"
        case .checksumMismatch(let version, let name):
            "migrations: \(version)_\(name).sql changed after it was applied; add a new migration instead of editing an applied one"
        case .unknownAppliedVersion(let version):
            "migrations: the database has version \(version), which this build does not know (a newer build migrated it)"
        }
    }
}
