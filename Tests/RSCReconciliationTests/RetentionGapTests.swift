import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCKafka
import RSCOutbound
import RSCReconciliation
import RSCSandbox
import RSCStore
import RSCTestSupport
import Synchronization
import Testing

/// The gap no dead letter shows: Kafka's retention deletes change events before `rsc-outbound` read them. The
/// consumer must notice on its own and queue the passes that repair what the events carried.
extension ReconciliationTests {
    @Test("events the topics' retention deleted unread get every active company a full pass, which repairs them")
    func retentionGapRepaired() async throws {
        try await Self.run(seed: Self.seed) { h in
            let cluster = try KafkaMockCluster(brokerCount: 1)
            defer { cluster.close() }
            for topic in ChangeTopic.allTopicNames { try cluster.createTopic(topic, partitions: 1) }
            let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers), logger: h.logger)
            let group = "rsc-outbound-retention"
            let candidates = await h.teamtailor.state.records(.candidates, company: Self.company)
                .filter { !($0.attributes["email"]?.stringValue ?? "").isEmpty }
            let (live, lost) = (candidates[0].id, candidates[1].id)

            // A change consumed and committed: the group's position is past it.
            let liveChange = try await h.renamed(live, to: "Live-\(live)")
            try await producer.publishChange(liveChange)
            try await h.consuming(cluster, group: group) {
                try await h.waitUntil("the live change is on LinkedIn") { await h.firstNameOnLinkedIn(live) == "Live-\(live)" }
            }
            #expect(try await h.fullPassRequested() == false, "nothing was lost yet")

            // While the group is away, a change is published and the broker's retention deletes it unread: the mock
            // cluster keeps 5 MiB per partition. The filler is the live change again, padded — a duplicate, so the
            // version rule ignores what the retention leaves of it.
            try await producer.publishChange(try await h.renamed(lost, to: "Lost-\(lost)"))
            var padded = liveChange
            padded.data.attributes["padding"] = .string(String(repeating: "x", count: 100_000))
            for _ in 0..<60 { try await producer.publishChange(padded) }
            await producer.close()

            try await h.consuming(cluster, group: group) {
                try await h.waitUntil("a full pass is requested") { (try? await h.fullPassRequested()) == true }
            }
            #expect(await h.firstNameOnLinkedIn(lost) != "Lost-\(lost)", "nothing but the pass can bring the lost change")
            #expect(try await h.reconciler.runOneDuePass())
            try await h.drained()
            #expect(await h.firstNameOnLinkedIn(lost) == "Lost-\(lost)")
            let status = try #require(try await h.store.status(companyID: Self.company))
            #expect(status.lastKind == "full")
            #expect(status.repaired["candidates"] == 1, "only the lost change needed repair: \(status.repaired)")
        }
    }
}

extension ReconciliationTests.Harness {
    /// Renames a candidate in Teamtailor and answers the change event Teamtailor published for it.
    func renamed(_ candidate: Int, to firstName: String) async throws -> ChangeEvent {
        try await teamtailor.updateCandidate(company: ReconciliationTests.company, id: candidate, attributes: ["first-name": .string(firstName)])
        return try #require(published.last { $0.event == "candidate.update" && $0.data.id == String(candidate) })
    }

    /// Whether the company's next pass is requested as a full one — which only a gap asks for by itself.
    func fullPassRequested() async throws -> Bool {
        try await count("SELECT count(*)::int FROM reconcile_state WHERE company_id = '1842' AND requested_at IS NOT NULL AND requested_full") == 1
    }

    func waitUntil(_ what: String, timeout: Duration = .seconds(60), _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("\(what): not within \(timeout)")
    }

    /// Runs `rsc-outbound`'s consumer (group `group`) while `body` runs, then stops it, committing what it stored.
    func consuming(_ cluster: KafkaMockCluster, group: String, _ body: () async throws -> Void) async throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers, groupID: group, topics: ChangeTopic.allTopicNames)
        configuration.sessionTimeout = .seconds(6)
        configuration.heartbeatInterval = .milliseconds(500)
        configuration.statisticsInterval = nil
        let consumer = OutboundConsumer(
            consumer: try KafkaConsumer(configuration: configuration, logger: logger), intake: try ChangeEventIntake.loadDefault(),
            states: states, deadLetters: DeadLetterPublisher(producer: try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers), logger: logger)),
            companies: KnownCompanies(client: postgres, logger: logger), lostEvents: ReconciliationRequests(postgres: postgres, logger: logger),
            logger: logger)
        let running = Task { try await consumer.run() }
        do {
            try await body()
        } catch {
            running.cancel()
            _ = try? await running.value
            throw error
        }
        running.cancel()
        _ = try? await running.value
    }
}

/// The change events a simulator published, for a test to put on the topics itself.
final class PublishedChanges: Sendable {
    private let events = Mutex<[ChangeEvent]>([])

    func append(_ event: ChangeEvent) { events.withLock { $0.append(event) } }

    func last(where matches: (ChangeEvent) -> Bool) -> ChangeEvent? { events.withLock { $0.last(where: matches) } }
}
