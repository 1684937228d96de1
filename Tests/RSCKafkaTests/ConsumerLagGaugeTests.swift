import Foundation
import Metrics
import RSCKafka
import Testing

@Suite("Lag gauge")
struct ConsumerLagGaugeTests {
    @Test("librdkafka's statistics set rsc_kafka_consumer_lag and its age in seconds for each assigned partition, and 0 once it is given up")
    func lagGauge() async throws {
        let cluster = try KafkaMockCluster(brokerCount: 3)
        defer { cluster.close() }
        let topic = TestSupport.uniqueName("lag")
        try cluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers), logger: TestSupport.logger("producer"))
        for index in 0..<10 {
            try await producer.send(topic: topic, key: nil, value: [UInt8(index)])
        }
        await producer.close()

        let metrics = RecordingMetrics()
        var configuration = TestSupport.consumerConfiguration(cluster, group: TestSupport.uniqueName("group"), topics: [topic])
        configuration.statisticsInterval = .seconds(1)
        configuration.metricsFactory = metrics
        let consumer = try KafkaConsumer(configuration: configuration, logger: TestSupport.logger("consumer"))
        let received = try await TestSupport.consume(consumer, count: 10)
        try consumer.markProcessed(Array(received.prefix(4)))
        try await consumer.commit()

        // Statistics are served inside poll, so keep polling until one reflects the commit.
        let key = RecordingMetrics.Key(label: "rsc_kafka_consumer_lag", dimensions: [["topic", topic], ["partition", "0"]])
        let deadline = ContinuousClock.now + .seconds(30)
        while metrics.last(key) != 6, ContinuousClock.now < deadline {
            _ = try await consumer.poll(maxMessages: 10, timeout: .milliseconds(250))
        }
        #expect(metrics.last(key) == 6, "recorded: \(metrics.values(key))")
        // Behind by 6 messages: the partition's lag in time is the age of the newest message consumed, and it
        // grows while nothing is committed (the figure held against the topic's retention).
        let age = RecordingMetrics.Key(label: "rsc_kafka_consumer_lag_seconds", dimensions: [["topic", topic], ["partition", "0"]])
        try await Task.sleep(for: .seconds(2))
        let first = metrics.last(age) ?? 0
        while (metrics.last(age) ?? 0) < first + 1.5, ContinuousClock.now < deadline {
            _ = try await consumer.poll(maxMessages: 10, timeout: .milliseconds(250))
        }
        #expect((metrics.last(age) ?? 0) >= 2, "recorded: \(metrics.values(age))")
        #expect((metrics.last(age) ?? 0) < 60)
        // Leaving the group gives the partition up: this member's figure drops to 0 so a stale value cannot
        // keep a lag alert firing while another member owns the partition.
        await consumer.close()
        #expect(metrics.last(key) == 0, "recorded: \(metrics.values(key))")
        #expect(metrics.last(age) == 0, "recorded: \(metrics.values(age))")
        // Only real partitions of the subscribed topic, never librdkafka's internal -1, never negative.
        #expect(metrics.keys.allSatisfy { $0.label.hasPrefix("rsc_kafka_consumer_lag") && $0.dimensions == [["topic", topic], ["partition", "0"]] })
        #expect(metrics.values(key).allSatisfy { $0 >= 0 })
    }
}

/// A metrics backend that remembers every value recorded, per label and dimensions.
final class RecordingMetrics: MetricsFactory, Sendable {
    struct Key: Hashable, Sendable {
        var label: String
        var dimensions: [[String]]
    }

    private let recorded = Locked<[Key: [Double]]>([:])

    func last(_ key: Key) -> Double? { recorded.withLock { $0[key]?.last } }
    func values(_ key: Key) -> [Double] { recorded.withLock { $0[key] ?? [] } }
    var keys: [Key] { recorded.withLock { Array($0.keys) } }

    final class Recorder: RecorderHandler, Sendable {
        let key: Key
        let sink: Locked<[Key: [Double]]>

        init(key: Key, sink: Locked<[Key: [Double]]>) {
            self.key = key
            self.sink = sink
        }

        func record(_ value: Int64) { record(Double(value)) }
        func record(_ value: Double) { sink.withLock { $0[key, default: []].append(value) } }
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Recorder(key: Key(label: label, dimensions: dimensions.map { [$0.0, $0.1] }), sink: recorded)
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { NOOPMetricsHandler.instance }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { NOOPMetricsHandler.instance }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}
