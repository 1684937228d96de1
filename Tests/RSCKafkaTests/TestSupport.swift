import Foundation
import Logging
import RSCKafka
import Synchronization
import Testing

/// Helpers shared by the Kafka tests; every test builds its own mock cluster and names.
enum TestSupport {
    static func logger(_ label: String) -> Logger {
        var logger = Logger(label: "rsc.kafka.test.\(label)")
        // Quiet by default; RSC_KAFKA_TEST_LOG=debug shows what librdkafka and the binding do.
        let level = ProcessInfo.processInfo.environment["RSC_KAFKA_TEST_LOG"].flatMap(Logger.Level.init(rawValue:))
        logger.logLevel = level ?? .warning
        return logger
    }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Group timings that let a member join within a couple of seconds instead of 20+.
    static func consumerConfiguration(_ cluster: KafkaMockCluster, group: String, topics: [String]) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers, groupID: group, topics: topics)
        configuration.sessionTimeout = .seconds(6)
        configuration.maxPollInterval = .seconds(10)
        configuration.heartbeatInterval = .milliseconds(500)
        configuration.statisticsInterval = nil
        if let debug = ProcessInfo.processInfo.environment["RSC_KAFKA_TEST_DEBUG"] { configuration.extraProperties["debug"] = debug }
        return configuration
    }

    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    /// Polls until `count` messages arrived in total or `deadline` passes (then throws).
    static func consume(
        _ consumer: KafkaConsumer, count: Int, within limit: Duration = .seconds(60), what: String = "messages"
    ) async throws -> [KafkaMessage] {
        let deadline = ContinuousClock.now + limit
        var received: [KafkaMessage] = []
        while received.count < count {
            guard ContinuousClock.now < deadline else {
                throw Timeout(description: "only \(received.count) of \(count) \(what) within \(limit)")
            }
            received += try await consumer.poll(maxMessages: 100, timeout: .milliseconds(500))
        }
        return received
    }

    /// Feeds `lines` (one message each) to kcat, a producer that is not ours.
    static func produceWithKcat(brokers: String, topic: String, key: String, headers: [(String, String)], lines: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/kcat")
        process.arguments = ["-P", "-b", brokers, "-t", topic, "-k", key] + headers.flatMap { ["-H", "\($0.0)=\($0.1)"] }
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        try input.fileHandleForWriting.close()
        // kcat flushes before exiting; bound the wait so a stuck kcat fails the test instead of hanging it.
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            throw Timeout(description: "kcat did not finish within 30 s")
        }
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "kcat failed: \(stderr)")
    }
}

/// Shared mutable test state that escaping closures can capture.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
