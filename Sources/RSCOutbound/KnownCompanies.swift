import Logging
import PostgresNIO

/// Answers which company ids are connected, so events of an unknown company are dead-lettered (and
/// replayable once it is added) instead of stored where nothing would ever send them — and which were
/// disconnected, whose events are dropped: a disconnect forgets the company's data, and storing its later
/// changes would gather it again.
public struct KnownCompanies: Sendable {
    public struct Lookup: Sendable, Equatable {
        public var connected: Set<String>
        public var disconnected: Set<String>
    }

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func lookup(among ids: Set<String>) async throws -> Lookup {
        var lookup = Lookup(connected: [], disconnected: [])
        guard !ids.isEmpty else { return lookup }
        let rows = try await client.query(
            "SELECT company_id, status IN ('disconnecting', 'disconnected') FROM companies WHERE company_id = ANY(\(Array(ids)))",
            logger: logger
        )
        for try await (id, gone) in rows.decode((String, Bool).self) {
            if gone { lookup.disconnected.insert(id) } else { lookup.connected.insert(id) }
        }
        return lookup
    }
}
