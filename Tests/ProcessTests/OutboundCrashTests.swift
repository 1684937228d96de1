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

@Suite("rsc-outbound survives kill -9")
struct OutboundCrashTests {
    let logger = TestPostgres.logger

    @Test("killed mid-stream and restarted, it ends with LinkedIn holding exactly the newest state of every candidate")
    func killNine() async throws {
        let kafka = try EmbeddedKafka(partitionCount: 3)
        defer { kafka.close() }
        try await TestLinkedIn.withSimulator { simulator, endpoints in
            try await TestPostgres.withMigratedDatabase { client, settings async throws in
                let key = Data(repeating: 9, count: 32).base64EncodedString()
                try await CompanyStore(client: client, secrets: try .init(currentKeyBase64: key), logger: logger).add(NewCompany(
                    id: "1842", teamtailorToken: "t", linkedInClientID: "client-1842", linkedInClientSecret: "secret-1842",
                    organizationURN: "urn:li:organization:1842", contractURNs: ["urn:li:contract:1"], jobsPrivate: false
                ))
                await simulator.registerApplication(clientID: "client-1842", clientSecret: "secret-1842", organization: "urn:li:organization:1842")

                // 600 candidates, each updated twice; the second version carries the name that must win.
                let producer = try KafkaProducer(configuration: .init(bootstrapServers: kafka.bootstrapServers), logger: logger)
                for round in 1...2 {
                    for id in 1...600 {
                        try await producer.send(
                            topic: ChangeTopic.candidates.rawValue, key: Array("1842".utf8),
                            value: OutboundProcessTests.event(id, version: Int64(round), name: "Version\(round)")
                        )
                    }
                }
                await producer.close()

                var environment = OutboundProcessTests.environment(
                    databaseURL: settings.url, brokers: kafka.bootstrapServers, metricsPort: 0, grace: 10, linkedIn: endpoints
                )
                environment["LOG_LEVEL"] = "warning"
                let first = try ChildProcess(BuiltProduct.url("rsc-outbound"), environment: environment)
                // Generous: under CI every test runs at once on two cores.
                let deadline = ContinuousClock.now + .seconds(240)
                // Kill it once it has stored some but (almost certainly) not all.
                while ContinuousClock.now < deadline {
                    let stored = try await client.query("SELECT count(*)::int FROM entity_states", logger: logger).decode(Int.self).reduce(0, +)
                    if stored >= 100 { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                first.signal(SIGKILL)
                _ = try await first.waitForExit(timeout: .seconds(10))

                let second = try ChildProcess(BuiltProduct.url("rsc-outbound"), environment: environment)
                defer { if second.process.isRunning { second.signal(SIGKILL) } }
                var held: [SimulatedRecordID: SimulatedJSON] = [:]
                while ContinuousClock.now < deadline {
                    held = await simulator.state.records(.atsCandidates, in: "urn:li:organization:1842")
                    if held.count == 600, held.values.allSatisfy({ $0["firstName"]?.stringValue == "Version2" }) { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(held.count == 600, "stderr: \(second.standardError.suffix(1500))")
                #expect(held.values.filter { $0["firstName"]?.stringValue != "Version2" }.count == 0)
                #expect(await simulator.state.throttledCount() == 0)
                second.signal(SIGTERM)
                #expect(try await second.waitForExit(timeout: .seconds(15)) == 0)
            }
        }
    }
}
