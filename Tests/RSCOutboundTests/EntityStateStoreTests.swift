import Foundation
import PostgresNIO
import RSCChangeEvents
import RSCOutbound
import RSCTestSupport
import Testing

@Suite("entity state keeps the newest version")
struct EntityStateStoreTests {
    let logger = TestPostgres.logger

    static func event(_ version: Int64, name: String, id: String = "90211", destroy: Bool = false) -> ChangeEvent {
        ChangeEvent(
            eventID: UUID().uuidString, event: destroy ? "candidate.destroy" : "candidate.update", companyID: "1842",
            occurredAt: Date(timeIntervalSince1970: 1_764_238_502), version: version,
            data: .init(id: id, type: "candidates", attributes: destroy ? [:] : ["first-name": .string(name)])
        )
    }

    func stored(_ client: PostgresClient, id: String = "90211") async throws -> (Int64, String?, Bool)? {
        let rows = try await client.query(
            "SELECT version, attributes->>'first-name', deleted FROM entity_states WHERE entity_id = \(id)", logger: logger
        )
        for try await row in rows.decode((Int64, String?, Bool).self) { return row }
        return nil
    }

    @Test("an older or equal version changes nothing; a newer one replaces the state")
    func versionRule() async throws {
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let store = EntityStateStore(client: client, logger: logger)
            #expect(try await store.apply([Self.event(5, name: "Åsa")]).changed == 1)
            #expect(try await store.apply([Self.event(4, name: "Old")]).changed == 0)
            #expect(try await store.apply([Self.event(5, name: "Duplicate")]).changed == 0)
            #expect(try await stored(client)?.1 == "Åsa")
            #expect(try await store.apply([Self.event(6, name: "New")]).changed == 1)
            #expect(try await stored(client)?.0 == 6)
            #expect(try await stored(client)?.1 == "New")
        }
    }

    @Test("within one batch, out-of-order versions of an entity end at the newest")
    func outOfOrderBatch() async throws {
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let store = EntityStateStore(client: client, logger: logger)
            try await store.apply([Self.event(9, name: "Nine"), Self.event(3, name: "Three"), Self.event(7, name: "Seven")])
            #expect(try await stored(client)?.0 == 9)
            #expect(try await stored(client)?.1 == "Nine")
        }
    }

    @Test("a destroy marks the entity deleted, and a stale update after it does not revive it")
    func destroy() async throws {
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let store = EntityStateStore(client: client, logger: logger)
            try await store.apply([Self.event(1, name: "A")])
            try await store.apply([Self.event(2, name: "", destroy: true)])
            try await store.apply([Self.event(1, name: "A")])
            #expect(try await stored(client)?.2 == true)
        }
    }
}
