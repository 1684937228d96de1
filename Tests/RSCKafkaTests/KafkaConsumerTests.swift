import Foundation
import RSCKafka
import Testing

@Suite("Consumer")
struct KafkaConsumerTests {
    @Test("Messages from kcat, a producer that is not ours, arrive intact and in offset order")
    func consumesForeignProducer() async throws {
        let cluster = try KafkaMockCluster(brokerCount: 3)
        defer { cluster.close() }
        let topic = TestSupport.uniqueName("kcat")
        try cluster.createTopic(topic, partitions: 3)
        let lines = (0..<20).map { "message \($0) with ünïcödé, commas, and \"quotes\"" }
        try TestSupport.produceWithKcat(
            brokers: cluster.bootstrapServers, topic: topic, key: "candidate-42",
            headers: [("source", "kcat"), ("tenant", "7")], lines: lines
        )

        let consumer = try KafkaConsumer(
            configuration: TestSupport.consumerConfiguration(cluster, group: TestSupport.uniqueName("group"), topics: [topic]),
            logger: TestSupport.logger("consumer")
        )
        let received = try await TestSupport.consume(consumer, count: lines.count)
        await consumer.close()

        // One key, so one partition, and there the order kcat wrote them in.
        #expect(Set(received.map(\.partition)).count == 1)
        #expect(received.map(\.offset) == Array(0..<Int64(lines.count)))
        #expect(received.map { String(decoding: $0.value, as: UTF8.self) } == lines)
        for message in received {
            #expect(message.topic == topic)
            #expect(message.keyString == "candidate-42")
            #expect(message.headers == [KafkaHeader(name: "source", string: "kcat"), KafkaHeader(name: "tenant", string: "7")])
            #expect(message.header("tenant") == "7")
        }
    }

    @Test("Unprocessed messages come back to the group; committed ones never do")
    func atLeastOnce() async throws {
        let cluster = try KafkaMockCluster(brokerCount: 3)
        defer { cluster.close() }
        let topic = TestSupport.uniqueName("redeliver")
        let group = TestSupport.uniqueName("group")
        try cluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers), logger: TestSupport.logger("producer"))
        for index in 0..<10 {
            try await producer.send(topic: topic, key: nil, value: Array("\(index)".utf8))
        }
        await producer.close()
        let configuration = TestSupport.consumerConfiguration(cluster, group: group, topics: [topic])

        // A: reads everything, processes nothing, closes (close commits only what was marked: nothing).
        let first = try KafkaConsumer(configuration: configuration, logger: TestSupport.logger("first"))
        #expect(try await TestSupport.consume(first, count: 10).map(\.offset) == Array(0..<10))
        try await first.commit()  // nothing stored: not an error
        await first.close()
        await first.close()  // idempotent
        let afterClose = try await #require(throws: KafkaError.self) {
            try await first.poll(maxMessages: 1, timeout: .milliseconds(10))
        }
        #expect(!afterClose.isRetriable)

        // B: gets all ten again, processes and commits the first four.
        let second = try KafkaConsumer(configuration: configuration, logger: TestSupport.logger("second"))
        let again = try await TestSupport.consume(second, count: 10)
        #expect(again.map(\.offset) == Array(0..<10))
        try second.markProcessed(Array(again.prefix(4)))
        try await second.commit()
        // Marked after the commit: close() must commit this too.
        try second.markProcessed([again[4]])
        await second.close()

        // C: starts right after the last processed message and never sees an earlier one.
        let third = try KafkaConsumer(configuration: configuration, logger: TestSupport.logger("third"))
        var rest = try await TestSupport.consume(third, count: 5)
        // Anything a commit failed to cover would show up now as an extra, earlier offset.
        rest += try await third.poll(maxMessages: 100, timeout: .milliseconds(500))
        #expect(rest.map(\.offset) == Array(5..<10))
        #expect(rest.map { String(decoding: $0.value, as: UTF8.self) } == (5..<10).map { "\($0)" })
        await third.close()
    }

    @Test("What the revocation hook marks processed is committed before the partitions are given up")
    func offsetsMarkedWhileRevokingAreCommitted() async throws {
        let cluster = try KafkaMockCluster(brokerCount: 3)
        defer { cluster.close() }
        let topic = TestSupport.uniqueName("revoke")
        let group = TestSupport.uniqueName("group")
        try cluster.createTopic(topic, partitions: 2)
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers), logger: TestSupport.logger("producer"))
        var produced: [Int32: Int64] = [:]
        for index in 0..<20 {
            let report = try await producer.send(topic: topic, key: Array("key-\(index)".utf8), value: [UInt8(index)])
            produced[report.partition, default: 0] += 1
        }
        await producer.close()

        // Work that is finished but not yet marked, as a worker batching its writes would hold it.
        let held = Locked<[KafkaMessage]>([])
        let revokedCalls = Locked<[[TopicPartition]]>([])
        let consumerBox = Locked<KafkaConsumer?>(nil)
        let consumer = try KafkaConsumer(
            configuration: TestSupport.consumerConfiguration(cluster, group: group, topics: [topic]),
            logger: TestSupport.logger("consumer")
        ) { revoked in
            revokedCalls.withLock { $0.append(revoked) }
            // The hook flushes: everything held for these partitions is now processed.
            let flushed = held.withLock { messages in
                defer { messages.removeAll { revoked.contains($0.topicPartition) } }
                return messages.filter { revoked.contains($0.topicPartition) }
            }
            do {
                try consumerBox.withLock { $0 }?.markProcessed(flushed)
            } catch {
                Issue.record(error, "markProcessed inside onPartitionsRevoked")
            }
        }
        consumerBox.withLock { $0 = consumer }
        let received = try await TestSupport.consume(consumer, count: 20)
        held.withLock { $0 = received }
        // close() commits what was stored before it (nothing), then leaves the group: the revocation
        // runs the hook, and only the revocation's own commit can carry these offsets.
        await consumer.close()
        consumerBox.withLock { $0 = nil }

        #expect(revokedCalls.withLock { $0 }.flatMap { $0 }.sorted { $0.partition < $1.partition }
            == [TopicPartition(topic: topic, partition: 0), TopicPartition(topic: topic, partition: 1)])
        let admin = try KafkaAdmin(bootstrapServers: cluster.bootstrapServers, logger: TestSupport.logger("admin"))
        let lag = try await admin.consumerGroupLag(groupID: group, topics: [topic])
        await admin.close()
        #expect(lag.count == 2)
        for partition in lag {
            #expect(partition.committedOffset == produced[partition.partition], "partition \(partition.partition)")
            #expect(partition.lag == 0)
        }
    }

    @Test("A second member takes over partitions in a rebalance and no message is lost")
    func rebalanceLosesNothing() async throws {
        let cluster = try KafkaMockCluster(brokerCount: 3)
        defer { cluster.close() }
        let topic = TestSupport.uniqueName("rebalance")
        let group = TestSupport.uniqueName("group")
        try cluster.createTopic(topic, partitions: 6)
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers), logger: TestSupport.logger("producer"))
        let total = 600
        let produced = try await withThrowingTaskGroup(of: Position.self) { group in
            for index in 0..<total {
                group.addTask {
                    let report = try await producer.send(topic: topic, key: Array("key-\(index % 97)".utf8), value: Array("\(index)".utf8))
                    return Position(partition: report.partition, offset: report.offset)
                }
            }
            return try await group.reduce(into: Set<Position>()) { $0.insert($1) }
        }
        await producer.close()
        #expect(produced.count == total)
        #expect(Set(produced.map(\.partition)).count == 6)

        let revokedFromFirst = Locked<[TopicPartition]>([])
        let configuration = TestSupport.consumerConfiguration(cluster, group: group, topics: [topic])
        let first = try KafkaConsumer(configuration: configuration, logger: TestSupport.logger("first")) { revoked in
            revokedFromFirst.withLock { $0 += revoked }
        }
        let consumed = Locked<[String: [Position]]>([:])
        // Set once the second member has messages, i.e. the cooperative hand-over is complete.
        let settled = Locked(false)
        let deadline = ContinuousClock.now + .seconds(60)

        // Marks every batch processed right away, and commits once the group has settled: until then
        // the first member's progress on the partitions it gives away reaches the broker only through
        // the commit its revocation makes. (A synchronous commit during the join waits for the join;
        // on the mock it also tends to cost the member its whole assignment.) The first member works
        // slowly until it has given partitions away, so the rebalance happens amid the work.
        @Sendable func work(_ consumer: KafkaConsumer, _ name: String, paced: @escaping @Sendable () -> Bool) async throws {
            while consumed.withLock({ Set($0.values.joined()).count }) < total {
                guard ContinuousClock.now < deadline else {
                    let seen = consumed.withLock { Set($0.values.joined()).count }
                    throw TestSupport.Timeout(description: "\(name): only \(seen) of \(total) messages consumed within 60 s")
                }
                let pace = paced()
                let batch = try await consumer.poll(maxMessages: pace ? 1 : 50, timeout: .milliseconds(200))
                guard !batch.isEmpty else { continue }
                // Ten messages a second: the ~500 left would last 50 s, far longer than a join takes.
                if pace { try await Task.sleep(for: .milliseconds(100)) }
                consumed.withLock { $0[name, default: []] += batch.map { Position(partition: $0.partition, offset: $0.offset) } }
                try consumer.markProcessed(batch)
                if name == "second" { settled.withLock { $0 = true } }
                if settled.withLock({ $0 }) { try await commitTolerantly(consumer) }
            }
        }

        // The first member alone, until it is well into the topic.
        while consumed.withLock({ $0["first", default: []].count }) < 100 {
            guard ContinuousClock.now < deadline else { throw TestSupport.Timeout(description: "first member never got going") }
            let batch = try await first.poll(maxMessages: 10, timeout: .milliseconds(200))
            guard !batch.isEmpty else { continue }
            consumed.withLock { $0["first", default: []] += batch.map { Position(partition: $0.partition, offset: $0.offset) } }
            try first.markProcessed(batch)
            try await first.commit()
        }
        let second = try KafkaConsumer(configuration: configuration, logger: TestSupport.logger("second"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await work(first, "first", paced: { revokedFromFirst.withLock { $0.isEmpty } }) }
            group.addTask { try await work(second, "second", paced: { false }) }
            try await group.waitForAll()
        }
        let secondAssignment = try await second.assignment()
        await first.close()
        await second.close()

        let byMember = consumed.withLock { $0 }
        let union = Set(byMember.values.joined())
        #expect(union == produced, "missing: \(produced.subtracting(union).sorted().prefix(20))")
        // Messages read by both members are allowed (at least once): usually there are none, but when
        // the mock's coordinator starts yet another rebalance while the first member revokes, its
        // commit fails with REBALANCE_IN_PROGRESS and the second member re-reads from the last commit.
        // The revocation commit itself is pinned down by offsetsMarkedWhileRevokingAreCommitted.
        let revoked = revokedFromFirst.withLock { $0 }
        #expect(!revoked.isEmpty, "the first member never gave up a partition")
        #expect(revoked.allSatisfy { $0.topic == topic })
        // Cooperative: the newcomer only reads partitions the first member gave up.
        let secondPartitions = Set(byMember["second", default: []].map(\.partition))
        #expect(!secondPartitions.isEmpty, "the second member consumed nothing")
        #expect(secondPartitions.isSubset(of: Set(revoked.map(\.partition))))
        #expect(Set(secondAssignment.map(\.partition)).isSubset(of: Set(revoked.map(\.partition))))
    }
}

/// A commit that meets a rebalance fails retriably; the offsets stay stored for the next commit
/// or the revocation, which is how a worker is expected to treat it.
func commitTolerantly(_ consumer: KafkaConsumer) async throws {
    do {
        try await consumer.commit()
    } catch let error as KafkaError where error.isRetriable {
    }
}

struct Position: Hashable, Sendable, Comparable, CustomStringConvertible {
    var partition: Int32
    var offset: Int64

    static func < (lhs: Position, rhs: Position) -> Bool {
        (lhs.partition, lhs.offset) < (rhs.partition, rhs.offset)
    }

    var description: String { "\(partition)@\(offset)" }
}
