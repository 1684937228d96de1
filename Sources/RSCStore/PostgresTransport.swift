import Logging
import PostgresNIO

/// Whether this client's sessions with PostgreSQL are encrypted, as the server sees them (`pg_stat_ssl`).
/// `sslmode=prefer` falls back to plaintext when the server offers no TLS; the workers say so at start.
public func sessionIsEncrypted(_ client: PostgresClient, logger: Logger) async throws -> Bool {
    let rows = try await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger)
    for try await encrypted in rows.decode(Bool.self) { return encrypted }
    return false
}
