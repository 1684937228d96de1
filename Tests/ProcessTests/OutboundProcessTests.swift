#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCKafka
import RSCSandbox
import RSCStore
import RSCTestSupport
import Testing

@Suite("rsc-outbound as a process")
struct OutboundProcessTests {
    let logger = TestPostgres.logger

    static func event(_ id: Int, version: Int64, company: String = "1842", name: String = "Zoë") -> [UInt8] {
        Array(#"""
        {"event_id":"ev-\#(id)-\#(version)","event":"candidate.update","company_id":"\#(company)","occurred_at":"2026-11-27T10:15:02.123Z",
         "version":\#(version),"data":{"id":"\#(id)","type":"candidates","attributes":{"first-name":"\#(name)","last-name":"Ødegård","email":"c\#(id)@example.com"}}}
        """#.utf8)
    }

    static func environment(databaseURL: String, brokers: String, metricsPort: Int, grace: Int, linkedIn: TestLinkedIn.Endpoints? = nil) -> [String: String] {
        [
            "LINKEDIN_API_URL": linkedIn?.api.absoluteString ?? "http://127.0.0.1:9",
            "LINKEDIN_OAUTH_URL": linkedIn?.oauth.absoluteString ?? "http://127.0.0.1:9/oauth/v2/accessToken",
            "DATABASE_URL": databaseURL,
            "KAFKA_BROKERS": brokers,
            "RSC_SECRET_KEY": Data(repeating: 9, count: 32).base64EncodedString(),
            "METRICS_PORT": "\(metricsPort)",
            "SHUTDOWN_GRACE_SECONDS": "\(grace)",
            // The mock cluster rebalances only as fast as the group timeouts allow (docs/architecture.md).
            "KAFKA_PROPERTIES": "session.timeout.ms=6000,heartbeat.interval.ms=500,max.poll.interval.ms=10000",
            "LOG_LEVEL": "debug",
        ]
    }

    /// What rsc.outbound.dlq.v1 holds, read by a consumer group of its own until `count` letters or the deadline.
    static func deadLetters(brokers: String, atLeast count: Int, until deadline: ContinuousClock.Instant) async throws -> [KafkaMessage] {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: brokers, groupID: "dlq-reader-\(UUID())", topics: [ChangeTopic.deadLetterTopic]
        )
        configuration.sessionTimeout = .seconds(6)
        configuration.heartbeatInterval = .milliseconds(500)
        configuration.maxPollInterval = .seconds(10)
        let reader = try KafkaConsumer(configuration: configuration, logger: TestPostgres.logger)
        var letters: [KafkaMessage] = []
        while letters.count < count, ContinuousClock.now < deadline {
            letters += try await reader.poll(maxMessages: 10, timeout: .milliseconds(500))
        }
        await reader.close()
        return letters
    }

    func storedCount(_ client: PostgresClient) async throws -> Int {
        try await client.query("SELECT count(*)::int FROM entity_states", logger: logger).decode(Int.self).reduce(0, +)
    }

    func get(_ url: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test("stores events, dead-letters a poison message and moves on, serves health, and on SIGTERM exits 0 with offsets committed")
    func endToEnd() async throws {
        let kafka = try EmbeddedKafka(partitionCount: 3)
        defer { kafka.close() }
        try await TestPostgres.withMigratedDatabase { client, settings async throws in
            try await CompanyStore(client: client, secrets: try .init(currentKeyBase64: Data(repeating: 9, count: 32).base64EncodedString()), logger: logger)
                .add(NewCompany(
                    id: "1842", teamtailorToken: "t", linkedInClientID: "c", linkedInClientSecret: "s",
                    organizationURN: "urn:li:organization:1", contractURNs: ["urn:li:contract:1"], jobsPrivate: false
                ))
            let producer = try KafkaProducer(configuration: .init(bootstrapServers: kafka.bootstrapServers), logger: logger)
            let topic = ChangeTopic.candidates.rawValue
            try await producer.send(topic: topic, key: Array("1842".utf8), value: Self.event(1, version: 10))
            try await producer.send(topic: topic, key: Array("1842".utf8), value: Array("{poison".utf8))
            try await producer.send(topic: topic, key: Array("1842".utf8), value: Self.event(2, version: 10))
            try await producer.send(topic: topic, key: Array("555".utf8), value: Self.event(3, version: 10, company: "555"))
            try await producer.send(topic: topic, key: Array("1842".utf8), value: Self.event(1, version: 11))

            let metricsPort = try FreePort.loopback()
            let worker = try ChildProcess(
                BuiltProduct.url("rsc-outbound"),
                environment: Self.environment(
                    databaseURL: settings.url, brokers: kafka.bootstrapServers, metricsPort: metricsPort, grace: 10
                )
            )
            defer { if worker.process.isRunning { worker.signal(SIGKILL) } }

            func newestVersion() async throws -> Int64 {
                try await client.query("SELECT version FROM entity_states WHERE entity_id = '1'", logger: logger)
                    .decode(Int64.self).reduce(0) { max($0, $1) }
            }
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                let count = try await storedCount(client), version = try await newestVersion()
                if count >= 2 && version >= 11 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(try await storedCount(client) == 2, "stderr: \(worker.standardError.suffix(2000))")
            #expect(try await newestVersion() == 11)

            // The poison message and the unknown company's event are in the dead-letter topic, with reasons.
            let letters = try await Self.deadLetters(brokers: kafka.bootstrapServers, atLeast: 2, until: deadline)
            let classes = Set(letters.compactMap { $0.header("rsc-dlq-error-class") })
            #expect(classes == ["invalid_json", "unknown_company"])
            #expect(letters.allSatisfy { $0.header("rsc-dlq-original-topic") == topic && $0.header("rsc-dlq-reason") != nil })
            #expect(letters.contains { $0.value == Array("{poison".utf8) })

            let (health, _) = try await get("http://127.0.0.1:\(metricsPort)/healthz")
            #expect(health == 200)
            let (ready, readyBody) = try await get("http://127.0.0.1:\(metricsPort)/readyz")
            #expect(ready == 200, "\(readyBody)")
            let (_, metrics) = try await get("http://127.0.0.1:\(metricsPort)/metrics")
            #expect(metrics.contains("rsc_outbound_events_total"))
            #expect(!metrics.contains("example.com"))

            let stopAsked = ContinuousClock.now
            worker.signal(SIGTERM)
            let status = try await worker.waitForExit(timeout: .seconds(15))
            #expect(status == 0, "stderr: \(worker.standardError.suffix(2000))")
            #expect(ContinuousClock.now - stopAsked < .seconds(10))
            #expect(!worker.standardOutput.contains("c1@example.com"), "personal data in logs")

            let admin = try KafkaAdmin(bootstrapServers: kafka.bootstrapServers, logger: logger)
            let lag = try await admin.consumerGroupLag(groupID: "rsc-outbound", topics: [topic])
            await admin.close()
            #expect(lag.reduce(0) { $0 + $1.lag } == 0, "\(lag)")
            #expect(lag.contains { $0.committedOffset != nil })
            await producer.close()
        }
    }
}
