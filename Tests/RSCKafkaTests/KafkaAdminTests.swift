import Foundation
import RSCKafka
import Testing

@Suite("Admin")
struct KafkaAdminTests {
    @Test("KAFKA_PROPERTIES reach the admin client too (a TLS/SASL cluster needs them for readiness, lag and dead letters)")
    func extraPropertiesApplied() async throws {
        let cluster = try KafkaMockCluster(brokerCount: 1)
        defer { cluster.close() }
        let refused = try #require(throws: KafkaError.self) {
            _ = try KafkaAdmin(bootstrapServers: cluster.bootstrapServers, extraProperties: ["security.protocol": "carrier-pigeon"], logger: TestSupport.logger("admin"))
        }
        #expect("\(refused)".contains("security.protocol"), "the error names the setting: \(refused)")
        let admin = try KafkaAdmin(
            bootstrapServers: cluster.bootstrapServers, extraProperties: ["socket.keepalive.enable": "true"], logger: TestSupport.logger("admin"))
        #expect(await admin.isReachable(timeout: .seconds(5)))
        await admin.close()
    }

    @Test("Topic specifications are checked before any request; group lag is produced minus committed per partition")
    func topicsAndLag() async throws {
        let cluster = try KafkaMockCluster(brokerCount: 3)
        defer { cluster.close() }
        let admin = try KafkaAdmin(bootstrapServers: cluster.bootstrapServers, logger: TestSupport.logger("admin"))
        #expect(await admin.isReachable(timeout: .seconds(5)))

        let topic = TestSupport.uniqueName("admin")
        let group = TestSupport.uniqueName("group")
        // Rejected locally, before any request.
        let invalid = try await #require(throws: KafkaError.self) {
            try await admin.createTopics([KafkaTopicSpecification(name: topic, partitions: 0)])
        }
        #expect(invalid.code == -186 && !invalid.isRetriable)  // _INVALID_ARG

        // createTopics itself cannot be exercised here: librdkafka 2.0.2's mock cluster reports ControllerId 0,
        // which is no broker, so CreateTopics waits for a controller until it times out. The mock's own API
        // creates the topic instead (five partitions: not what the mock would auto-create).
        try cluster.createTopic(topic, partitions: 5)

        let untouched = try await admin.consumerGroupLag(groupID: group, topics: [topic])
        #expect(untouched.map(\.partition).sorted() == [0, 1, 2, 3, 4])
        #expect(untouched.allSatisfy { $0.committedOffset == nil && $0.highWatermark == 0 && $0.lag == 0 })

        let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers), logger: TestSupport.logger("producer"))
        var produced: [Int32: Int64] = [:]
        for index in 0..<40 {
            let report = try await producer.send(topic: topic, key: Array("key-\(index)".utf8), value: [UInt8(index)])
            produced[report.partition, default: 0] += 1
        }
        await producer.close()
        #expect(produced.count > 1)

        // Nothing committed yet: the lag is the whole partition.
        let before = try await admin.consumerGroupLag(groupID: group, topics: [topic])
        for lag in before {
            #expect(lag.committedOffset == nil)
            #expect(lag.highWatermark == produced[lag.partition, default: 0])
            #expect(lag.lag == produced[lag.partition, default: 0])
        }

        // Process and commit the first two messages of every partition.
        let consumer = try KafkaConsumer(
            configuration: TestSupport.consumerConfiguration(cluster, group: group, topics: [topic]),
            logger: TestSupport.logger("consumer")
        )
        let received = try await TestSupport.consume(consumer, count: 40)
        try consumer.markProcessed(received.filter { $0.offset < 2 })
        try await consumer.commit()
        await consumer.close()

        let after = try await admin.consumerGroupLag(groupID: group, topics: [topic])
        #expect(after.count == 5)
        for lag in after {
            let count = produced[lag.partition, default: 0]
            let committed = min(count, 2)
            #expect(lag.topic == topic)
            #expect(lag.highWatermark == count)
            #expect(lag.committedOffset == (count == 0 ? nil : committed), "partition \(lag.partition)")
            #expect(lag.lag == count - committed, "partition \(lag.partition)")
        }

        cluster.close()
        // What /readyz sees when the brokers are gone: false, within the bound.
        #expect(await admin.isReachable(timeout: .seconds(2)) == false)
        await admin.close()
        await admin.close()
        #expect(await admin.isReachable(timeout: .seconds(1)) == false)
    }
}
