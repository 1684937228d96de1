import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCKafka
import RSCLinkedInSimulator
import RSCSandbox
import RSCStore
import RSCTestSupport
import Testing

@Suite("a company whose LinkedIn access is lost")
struct ParkedCompanyTests {
    let logger = TestPostgres.logger

    /// Each company connected in PostgreSQL (sealed with the workers' test key) with its child application
    /// registered at the LinkedIn simulator, organization `urn:li:organization:<id>`.
    static func connect(_ companies: [String], client: PostgresClient, simulator: LinkedInSimulator) async throws {
        let key = Data(repeating: 9, count: 32).base64EncodedString()
        let store = CompanyStore(client: client, secrets: try .init(currentKeyBase64: key), logger: TestPostgres.logger)
        for company in companies {
            try await store.add(NewCompany(
                id: company, teamtailorToken: "t", linkedInClientID: "client-\(company)", linkedInClientSecret: "secret-\(company)",
                organizationURN: "urn:li:organization:\(company)", contractURNs: ["urn:li:contract:1"], jobsPrivate: false
            ))
            await simulator.registerApplication(clientID: "client-\(company)", clientSecret: "secret-\(company)", organization: "urn:li:organization:\(company)")
        }
    }

    @Test("is parked with a reason, while another company on the same partition reaches LinkedIn")
    func samePartition() async throws {
        // One partition per topic: both companies' events share it.
        let kafka = try EmbeddedKafka(partitionCount: 1)
        defer { kafka.close() }
        try await TestLinkedIn.withSimulator { simulator, endpoints in
            try await TestPostgres.withMigratedDatabase { client, settings async throws in
                try await ParkedCompanyTests.connect(["1842", "2077"], client: client, simulator: simulator)
                _ = await simulator.state.revokeTokens(clientID: "client-1842")

                let producer = try KafkaProducer(configuration: .init(bootstrapServers: kafka.bootstrapServers), logger: logger)
                // The parked company's events come first on the partition.
                for id in 1...50 {
                    try await producer.send(topic: ChangeTopic.candidates.rawValue, key: Array("1842".utf8), value: OutboundProcessTests.event(id, version: 1, company: "1842"))
                }
                for id in 51...60 {
                    try await producer.send(topic: ChangeTopic.candidates.rawValue, key: Array("2077".utf8), value: OutboundProcessTests.event(id, version: 1, company: "2077"))
                }
                await producer.close()

                var environment = OutboundProcessTests.environment(
                    databaseURL: settings.url, brokers: kafka.bootstrapServers, metricsPort: 0, grace: 10, linkedIn: endpoints
                )
                environment["LOG_LEVEL"] = "warning"
                let worker = try ChildProcess(BuiltProduct.url("rsc-outbound"), environment: environment)
                defer { if worker.process.isRunning { worker.signal(SIGKILL) } }

                let deadline = ContinuousClock.now + .seconds(120)
                var other = 0
                var status: (String, String?)?
                while ContinuousClock.now < deadline {
                    other = await simulator.state.records(.atsCandidates, in: "urn:li:organization:2077").count
                    status = try await client.query("SELECT status, status_reason FROM companies WHERE company_id = '1842'", logger: logger)
                        .decode((String, String?).self).reduce(into: [(String, String?)]()) { $0.append($1) }.first
                    if other == 10, status?.0 == "parked" { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(other == 10, "stderr: \(worker.standardError.suffix(1500))")
                #expect(status?.0 == "parked")
                #expect(status?.1?.contains("LinkedIn access lost") == true)
                #expect(await simulator.state.records(.atsCandidates, in: "urn:li:organization:1842").isEmpty)
                // Its changes are kept, waiting for access to return.
                let waiting = try await client.query("SELECT count(*)::int FROM linkedin_send_queue WHERE company_id = '1842'", logger: logger)
                    .decode(Int.self).reduce(0, +)
                #expect(waiting == 50)
                worker.signal(SIGTERM)
                #expect(try await worker.waitForExit(timeout: .seconds(15)) == 0)
            }
        }
    }
}
