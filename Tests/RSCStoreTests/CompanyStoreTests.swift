import Foundation
import PostgresNIO
import RSCSecrets
import RSCStore
import RSCTestSupport
import Testing

@Suite("company records")
struct CompanyStoreTests {
    let logger = TestPostgres.logger

    static func company(_ id: String = "1842") -> NewCompany {
        NewCompany(
            id: id, teamtailorToken: "tt-token-SECRET-1", linkedInClientID: "child-client-77",
            linkedInClientSecret: "li-secret-SECRET-2", organizationURN: "urn:li:organization:123",
            contractURNs: ["urn:li:contract:9", "urn:li:contract:10"], jobsPrivate: true
        )
    }

    @Test("a stored token and client secret are not readable in the table, and open with the key")
    func sealedAtRest() async throws {
        let box = try SecretBox(currentKeyBase64: SecretBox.generateKeyBase64())
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let store = CompanyStore(client: client, secrets: box, logger: logger)
            try await store.add(Self.company())
            let dump = try await client.query(
                "SELECT row_to_json(c)::text FROM companies c", logger: logger
            ).decode(String.self).reduce("", +)
            #expect(dump.contains("child-client-77"))
            #expect(!dump.contains("SECRET"))
            let credentials = try await store.credentials("1842")
            #expect(credentials.teamtailorToken == "tt-token-SECRET-1")
            #expect(credentials.linkedInClientSecret == "li-secret-SECRET-2")
        }
    }

    @Test("a company reads back as added, and its settings change")
    func readBack() async throws {
        let box = try SecretBox(currentKeyBase64: SecretBox.generateKeyBase64())
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let store = CompanyStore(client: client, secrets: box, logger: logger)
            try await store.add(Self.company())
            try await store.add(Self.company("77"))
            var found = try #require(try await store.find("1842"))
            #expect(found.organizationURN == "urn:li:organization:123")
            #expect(found.contractURNs == ["urn:li:contract:9", "urn:li:contract:10"])
            #expect(found.jobsPrivate)
            #expect(found.status == .active)
            try await store.setJobsPrivate("1842", false)
            found = try #require(try await store.find("1842"))
            #expect(!found.jobsPrivate)
            #expect(try await store.list().map(\.id) == ["1842", "77"])
            #expect(try await store.find("nope") == nil)
        }
    }

    @Test("adding a company twice, or changing an unknown one, says so")
    func errors() async throws {
        let box = try SecretBox(currentKeyBase64: SecretBox.generateKeyBase64())
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let store = CompanyStore(client: client, secrets: box, logger: logger)
            try await store.add(Self.company())
            await #expect(throws: CompanyStoreError.duplicate(companyID: "1842")) { try await store.add(Self.company()) }
            await #expect(throws: CompanyStoreError.notFound(companyID: "9")) { try await store.setJobsPrivate("9", true) }
            await #expect(throws: CompanyStoreError.notFound(companyID: "9")) { _ = try await store.credentials("9") }
        }
    }

    @Test("invalid input is refused before it reaches the database")
    func validation() {
        let cases: [(String, (inout NewCompany) -> Void)] = [
            ("organization", { $0.organizationURN = "urn:li:company:1" }),
            ("contract", { $0.contractURNs = [] }),
            ("company id", { $0.id = "12 34" }),
            ("Teamtailor token", { $0.teamtailorToken = "" }),
        ]
        for (field, mutate) in cases {
            var company = Self.company()
            mutate(&company)
            do {
                try company.validate()
                Issue.record("\(field): accepted")
            } catch {
                guard case .invalid(let named, _) = error else {
                    Issue.record("\(field): refused, but not as invalid input: \(error)")
                    continue
                }
                #expect(named == field)
            }
        }
    }

    @Test("re-sealing after a key rotation moves every secret to the new key")
    func reseal() async throws {
        let oldKey = SecretBox.generateKeyBase64(), newKey = SecretBox.generateKeyBase64()
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            try await CompanyStore(client: client, secrets: try SecretBox(currentKeyBase64: oldKey), logger: logger)
                .add(Self.company())
            let rotating = CompanyStore(
                client: client, secrets: try SecretBox(currentKeyBase64: newKey, previousKeysBase64: [oldKey]), logger: logger
            )
            #expect(try await rotating.resealAll() == 1)
            #expect(try await rotating.resealAll() == 0)
            let newOnly = CompanyStore(client: client, secrets: try SecretBox(currentKeyBase64: newKey), logger: logger)
            #expect(try await newOnly.credentials("1842").teamtailorToken == "tt-token-SECRET-1")
        }
    }
}
