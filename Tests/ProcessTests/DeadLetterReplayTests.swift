import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCKafka
import RSCSandbox
import RSCStore
import RSCTestSupport
import Testing

@Suite("dead letters: list and replay")
struct DeadLetterReplayTests {
    let logger = TestPostgres.logger

    @Test("an event of a company added later is dead-lettered, listed with its reason, and stored after a replay")
    func replayAfterAddingCompany() async throws {
        let kafka = try EmbeddedKafka(partitionCount: 3)
        defer { kafka.close() }
        try await TestPostgres.withMigratedDatabase { client, settings async throws in
            let key = Data(repeating: 9, count: 32).base64EncodedString()
            let producer = try KafkaProducer(configuration: .init(bootstrapServers: kafka.bootstrapServers), logger: logger)
            try await producer.send(topic: ChangeTopic.candidates.rawValue, key: Array("777".utf8), value: OutboundProcessTests.event(5, version: 3, company: "777"))
            await producer.close()

            let environment = OutboundProcessTests.environment(databaseURL: settings.url, brokers: kafka.bootstrapServers, metricsPort: 0, grace: 10)
            let worker = try ChildProcess(BuiltProduct.url("rsc-outbound"), environment: environment)
            defer { if worker.process.isRunning { worker.signal(SIGKILL) } }
            let cli = ["KAFKA_BROKERS": kafka.bootstrapServers, "DATABASE_URL": settings.url, "RSC_SECRET_KEY": key]

            // Wait for the dead letter to be listed.
            var listed = ""
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                listed = try await ChildProcess.run(BuiltProduct.url("rsc"), arguments: ["dlq", "list"], environment: cli).stdout
                if listed.contains("unknown_company") { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(listed.contains("unknown_company"))
            #expect(listed.contains("company 777 is not connected"))
            #expect(!listed.contains("c5@example.com"), "the list shows reasons, not personal data")

            try await CompanyStore(client: client, secrets: try .init(currentKeyBase64: key), logger: logger).add(NewCompany(
                id: "777", teamtailorToken: "t", linkedInClientID: "c", linkedInClientSecret: "s",
                organizationURN: "urn:li:organization:7", contractURNs: ["urn:li:contract:7"], jobsPrivate: false
            ))
            let dryRun = try await ChildProcess.run(BuiltProduct.url("rsc"), arguments: ["dlq", "replay", "--error-class", "unknown_company", "--dry-run"], environment: cli)
            #expect(dryRun.stdout.contains("1 dead letters would be replayed"))
            let replay = try await ChildProcess.run(BuiltProduct.url("rsc"), arguments: ["dlq", "replay", "--error-class", "unknown_company"], environment: cli)
            #expect(replay.status == 0, "\(replay.stderr)")
            #expect(replay.stdout.contains("replayed 1 dead letters"))

            var stored = 0
            while ContinuousClock.now < deadline, stored == 0 {
                stored = try await client.query("SELECT count(*)::int FROM entity_states WHERE company_id = '777'", logger: logger).decode(Int.self).reduce(0, +)
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(stored == 1)
            worker.signal(SIGTERM)
            #expect(try await worker.waitForExit(timeout: .seconds(15)) == 0)
        }
    }
}
