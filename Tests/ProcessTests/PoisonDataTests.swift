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

/// Valid by the contract, refused by PostgreSQL: such a message once held up its whole partition — every
/// company on it — by retrying its batch forever.
@Suite("rsc-outbound with data PostgreSQL refuses")
struct PoisonDataTests {
    let logger = TestPostgres.logger

    static func candidate(_ id: String, company: String, firstName: String = "Zoë") -> [UInt8] {
        Array(#"""
        {"event_id":"ev-\#(id.prefix(8))","event":"candidate.update","company_id":"\#(company)","occurred_at":"2026-11-27T10:15:02.123Z",
         "version":3,"data":{"id":"\#(id)","type":"candidates","attributes":{"first-name":"\#(firstName)","last-name":"Ødegård","email":"c@example.com"}}}
        """#.utf8)
    }

    @Test("a NUL in a name, a NUL in company_id and an over-long id are dead-lettered; the events behind them reach LinkedIn")
    func poisonIsIsolated() async throws {
        // One partition: the poison and everything behind it share it.
        let kafka = try EmbeddedKafka(partitionCount: 1)
        defer { kafka.close() }
        try await TestLinkedIn.withSimulator { simulator, endpoints in
            try await TestPostgres.withMigratedDatabase { client, settings async throws in
                try await ParkedCompanyTests.connect(["1842", "2077"], client: client, simulator: simulator)
                // 8,000 hex digits: too little repetition to compress under the 2,704-byte index row limit.
                let overLongID = (0..<4_000).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
                let topic = ChangeTopic.candidates.rawValue
                let messages: [(key: String, value: [UInt8])] = [
                    ("1842", Self.candidate("1", company: "1842")),
                    ("1842", Self.candidate("2", company: "1842", firstName: #"Zo\u0000ë"#)),
                    ("18\u{0}42", Self.candidate("3", company: #"18\u000042"#)),
                    ("1842", Self.candidate(overLongID, company: "1842")),
                    ("1842", Self.candidate("4", company: "1842")),
                    ("2077", Self.candidate("5", company: "2077")),
                ]
                let producer = try KafkaProducer(configuration: .init(bootstrapServers: kafka.bootstrapServers), logger: logger)
                for message in messages {
                    try await producer.send(topic: topic, key: Array(message.key.utf8), value: message.value)
                }
                await producer.close()

                var environment = OutboundProcessTests.environment(
                    databaseURL: settings.url, brokers: kafka.bootstrapServers, metricsPort: 0, grace: 10, linkedIn: endpoints
                )
                environment["LOG_LEVEL"] = "info"
                let worker = try ChildProcess(BuiltProduct.url("rsc-outbound"), environment: environment)
                defer { if worker.process.isRunning { worker.signal(SIGKILL) } }

                func held(_ company: String) async -> Set<String> {
                    let records = await simulator.state.records(.atsCandidates, in: "urn:li:organization:\(company)")
                    return Set(records.keys.map(\.id))
                }
                let deadline = ContinuousClock.now + .seconds(90)
                while ContinuousClock.now < deadline {
                    if await held("1842") == ["1", "4"], await held("2077") == ["5"] { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(await held("1842") == ["1", "4"], "stderr: \(worker.standardError.suffix(2000))")
                #expect(await held("2077") == ["5"])

                let letters = try await OutboundProcessTests.deadLetters(brokers: kafka.bootstrapServers, atLeast: 3, until: deadline)
                #expect(letters.count == 3)
                #expect(letters.allSatisfy { $0.header("rsc-dlq-error-class") == "storage_refused" })
                let reasons = letters.compactMap { $0.header("rsc-dlq-reason") }
                #expect(reasons.contains { $0.hasPrefix("PostgreSQL 22P05") && $0.contains("candidates/2 of company 1842") }, "\(reasons)")
                #expect(reasons.contains { $0.hasPrefix("PostgreSQL 22021") && $0.contains(#"company 18\u{0}42"#) }, "\(reasons)")
                #expect(reasons.contains { $0.hasPrefix("PostgreSQL 54000") && $0.contains("bytes)") }, "\(reasons)")
                // The dead letters keep the original bytes, so a replay after a fix sends exactly what was refused.
                #expect(Set(letters.map(\.value)) == Set(messages[1...3].map(\.value)))

                // The refused events are changes LinkedIn will not get from the topic: the connected company's
                // reconciliation is requested (the NUL "company" is no company, and nothing is asked for it).
                let requested = try await client.query("SELECT company_id FROM reconcile_state WHERE requested_at IS NOT NULL", logger: logger)
                    .decode(String.self).reduce(into: [String]()) { $0.append($1) }
                #expect(requested == ["1842"])

                worker.signal(SIGTERM)
                #expect(try await worker.waitForExit(timeout: .seconds(15)) == 0)
                #expect(!worker.standardOutput.contains("Zo\\u0000"), "the refused value is not logged")
                #expect(!worker.standardOutput.contains("batch not stored; retrying") || worker.standardOutput.contains("data_rejected"))
                let admin = try KafkaAdmin(bootstrapServers: kafka.bootstrapServers, logger: logger)
                let lag = try await admin.consumerGroupLag(groupID: "rsc-outbound", topics: [topic])
                await admin.close()
                #expect(lag.reduce(0) { $0 + $1.lag } == 0, "every offset committed, the refused ones too: \(lag)")
            }
        }
    }
}
