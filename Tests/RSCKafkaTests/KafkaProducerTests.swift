import Foundation
import RSCKafka
import Testing

@Suite("Producer")
struct KafkaProducerTests {
    @Test("Our producer's delivery report matches what our consumer reads back")
    func roundTrip() async throws {
        let cluster = try KafkaMockCluster(brokerCount: 3)
        defer { cluster.close() }
        let topic = TestSupport.uniqueName("roundtrip")
        try cluster.createTopic(topic, partitions: 3)

        let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers), logger: TestSupport.logger("producer"))
        let headers = [KafkaHeader(name: "trace", string: "abc"), KafkaHeader(name: "null", value: nil), KafkaHeader(name: "empty", value: [])]
        var sent: [(partition: Int32, offset: Int64, index: Int)] = []
        for index in 0..<10 {
            let report = try await producer.send(
                topic: topic, key: Array("key-\(index)".utf8), value: Array("value-\(index)".utf8), headers: headers
            )
            sent.append((report.partition, report.offset, index))
        }
        try await producer.flush(timeout: .seconds(5))
        // Reports are real positions: distinct, and dense from 0 on each partition.
        for partition in Set(sent.map(\.partition)) {
            #expect(sent.filter { $0.partition == partition }.map(\.offset) == Array(0..<Int64(sent.filter { $0.partition == partition }.count)))
        }

        let consumer = try KafkaConsumer(
            configuration: TestSupport.consumerConfiguration(cluster, group: TestSupport.uniqueName("group"), topics: [topic]),
            logger: TestSupport.logger("consumer")
        )
        let received = try await TestSupport.consume(consumer, count: sent.count)
        await consumer.close()
        await producer.close()

        #expect(received.count == sent.count)
        for report in sent {
            let message = try #require(received.first { $0.partition == report.partition && $0.offset == report.offset })
            #expect(message.topic == topic)
            #expect(message.keyString == "key-\(report.index)")
            #expect(message.value == Array("value-\(report.index)".utf8))
            #expect(message.headers == headers)
            #expect(message.header("trace") == "abc")
            #expect(message.header("null") == nil)
            #expect(message.timestamp != nil)
        }
    }

    @Test("A send to an invalid or unknown topic fails instead of hanging")
    func badTopicsFail() async throws {
        let cluster = try KafkaMockCluster(brokerCount: 3)
        defer { cluster.close() }
        // The mock creates any topic it is asked about; a real cluster says UNKNOWN_TOPIC_OR_PART.
        let missing = TestSupport.uniqueName("missing")
        try cluster.setTopicError(missing, code: 3)
        var configuration = KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers)
        configuration.extraProperties = ["topic.metadata.propagation.max.ms": "2000"]
        let producer = try KafkaProducer(configuration: configuration, logger: TestSupport.logger("producer"))

        for invalid in ["", "has space", "ünïcode", ".", String(repeating: "x", count: 250)] {
            let error = try await #require(throws: KafkaError.self) {
                try await producer.send(topic: invalid, key: nil, value: [1])
            }
            #expect(error.code == 17)  // TOPIC_EXCEPTION
            #expect(!error.isRetriable)
        }

        let start = ContinuousClock.now
        let error = try await #require(throws: KafkaError.self) {
            try await withBound(.seconds(20)) { try await producer.send(topic: missing, key: nil, value: [1]) }
        }
        #expect(error.code == 3)  // UNKNOWN_TOPIC_OR_PART, after topic.metadata.propagation.max.ms
        #expect(ContinuousClock.now - start < .seconds(20))

        // The producer still works for a good topic afterwards.
        let good = TestSupport.uniqueName("good")
        try cluster.createTopic(good, partitions: 1)
        let report = try await producer.send(topic: good, key: nil, value: [1])
        #expect(report == (0, 0))
        await producer.close()
        await producer.close()  // idempotent

        let closed = try await #require(throws: KafkaError.self) {
            try await producer.send(topic: good, key: nil, value: [1])
        }
        #expect(!closed.isRetriable)
    }
}

extension KafkaProducerTests {
    @Test("A full local queue fails the send at once with a retriable error")
    func queueFullIsRetriable() async throws {
        let cluster = try KafkaMockCluster(brokerCount: 3)
        defer { cluster.close() }
        let topic = TestSupport.uniqueName("full")
        try cluster.createTopic(topic, partitions: 1)
        var configuration = KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers)
        // One message fits, and it lingers for a second, so the others find the queue full.
        configuration.extraProperties = ["queue.buffering.max.messages": "1", "linger.ms": "1000"]
        let producer = try KafkaProducer(configuration: configuration, logger: TestSupport.logger("producer"))
        let outcomes = await withTaskGroup(of: Result<Int64, KafkaError>.self) { group in
            for index in 0..<20 {
                group.addTask {
                    do {
                        return .success(try await producer.send(topic: topic, key: nil, value: [UInt8(index)]).offset)
                    } catch let error as KafkaError {
                        return .failure(error)
                    } catch {
                        return .failure(KafkaError(code: -1, message: "\(error)"))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let failures = outcomes.compactMap { if case .failure(let error) = $0 { error } else { nil } }
        #expect(outcomes.count - failures.count >= 1)
        #expect(!failures.isEmpty)
        #expect(failures.allSatisfy { $0.code == -184 && $0.isRetriable && !$0.isFatal }, "\(failures)")
        // Retrying once the queue has drained succeeds.
        try await producer.flush(timeout: .seconds(5))
        try await producer.send(topic: topic, key: nil, value: [1])
        await producer.close()
    }
}

/// Fails with a timeout instead of waiting forever for `body`.
func withBound<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw TestSupport.Timeout(description: "no result within \(limit)")
        }
        return value
    }
}
