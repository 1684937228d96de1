import Foundation
import PostgresNIO
import RSCOutbound
import RSCSecrets
import RSCStore
import RSCTestSupport
import Testing

@Suite("which companies' events are stored")
struct KnownCompaniesTests {
    @Test("connected companies are stored, disconnected and disconnecting ones dropped, unknown ones neither (dead-lettered)")
    func sortsCompanies() async throws {
        let secrets = try SecretBox(currentKeyBase64: SecretBox.generateKeyBase64())
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let store = CompanyStore(client: client, secrets: secrets, logger: TestPostgres.logger)
            for id in ["1", "2", "3", "4"] {
                try await store.add(NewCompany(
                    id: id, teamtailorToken: "t", linkedInClientID: "c\(id)", linkedInClientSecret: "s",
                    organizationURN: "urn:li:organization:\(id)", contractURNs: ["urn:li:contract:\(id)"], jobsPrivate: false))
            }
            try await store.setStatus("2", .disconnecting, reason: nil)
            try await store.forgetCredentials("3")
            try await store.setStatus("4", .parked, reason: "LinkedIn access lost")
            let lookup = try await KnownCompanies(client: client, logger: TestPostgres.logger).lookup(among: ["1", "2", "3", "4", "9"])
            #expect(lookup.connected == ["1", "4"])
            #expect(lookup.disconnected == ["2", "3"])
        }
    }
}
