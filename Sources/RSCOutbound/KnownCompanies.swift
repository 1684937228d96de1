import Logging
import PostgresNIO

/// Answers which company ids are connected, so events of an unknown company are dead-lettered (and
/// replayable once it is added) instead of stored where nothing would ever send them.
public struct KnownCompanies: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func existing(among ids: Set<String>) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let rows = try await client.query(
            "SELECT company_id FROM companies WHERE company_id = ANY(\(Array(ids)))", logger: logger
        )
        var found: Set<String> = []
        for try await id in rows.decode(String.self) { found.insert(id) }
        return found
    }
}
