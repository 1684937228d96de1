import CRdKafka
import Logging
import Synchronization

/// Cluster administration: topics and a consumer group's lag.
public final class KafkaAdmin: Sendable {
    private let core: AdminCore
    private let thread: KafkaClientThread

    /// - Parameter extraProperties: librdkafka settings such as TLS and SASL (`KAFKA_PROPERTIES`), applied
    ///   after the defaults, as the workers' consumers and producers apply them.
    public init(bootstrapServers: String, extraProperties: [String: String] = [:], logger: Logger) throws {
        let core = AdminCore(logger: logger, bootstrapServers: bootstrapServers, extraProperties: extraProperties)
        try core.start()
        self.core = core
        thread = KafkaClientThread(name: "rsc-kafka-admin")
    }

    deinit {
        if core.beginClosing() {
            thread.submit { [core] in core.shutdown() }
            thread.finish()
        }
    }

    /// Creates the topics; one that already exists counts as created (its settings are not compared).
    public func createTopics(_ topics: [KafkaTopicSpecification], timeout: Duration = .seconds(10)) async throws {
        guard !topics.isEmpty else { return }
        let timeoutMs = timeout.milliseconds
        try await thread.run(closedError: .closed("admin client")) { [core] in
            try core.createTopics(topics, timeoutMs: timeoutMs)
        }
    }

    /// The group's lag on every partition of `topics`, read without joining the group.
    public func consumerGroupLag(groupID: String, topics: [String], timeout: Duration = .seconds(10)) async throws -> [PartitionLag] {
        let deadline = ContinuousClock.now + timeout
        return try await thread.run(closedError: .closed("admin client")) { [core] in
            try core.consumerGroupLag(groupID: groupID, topics: topics, deadline: deadline)
        }
    }

    /// Whether a broker answered a metadata request within `timeout`.
    public func isReachable(timeout: Duration) async -> Bool {
        let timeoutMs = timeout.milliseconds
        let reachable = try? await thread.run(closedError: .closed("admin client")) { [core] in
            core.isReachable(timeoutMs: timeoutMs)
        }
        return reachable ?? false
    }

    /// Frees the client. Safe to call more than once.
    public func close() async {
        if core.beginClosing() {
            thread.submit { [core] in core.shutdown() }
            thread.finish()
        }
        await thread.join()
    }
}

/// The admin client's state and librdkafka's callback target (its `opaque`); used on the admin's thread.
final class AdminCore: Sendable {
    enum State {
        case starting
        case open(RdKafkaHandle)
        case closing(RdKafkaHandle)
        case closed
    }

    let logger: Logger
    let bootstrapServers: String
    let extraProperties: [String: String]
    let state = Mutex(State.starting)

    init(logger: Logger, bootstrapServers: String, extraProperties: [String: String]) {
        self.logger = logger
        self.bootstrapServers = bootstrapServers
        self.extraProperties = extraProperties
    }

    func start() throws(KafkaError) {
        let properties = [("bootstrap.servers", bootstrapServers), ("client.id", "rsc-admin")]
            + extraProperties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let handle = try makeHandle(.producer, properties)
        state.withLock { $0 = .open(handle) }
    }

    private func makeHandle(_ kind: RdKafkaHandle.Kind, _ properties: [(String, String)]) throws(KafkaError) -> RdKafkaHandle {
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        return try RdKafkaHandle.make(kind, properties: properties) { conf in
            rd_kafka_conf_set_opaque(conf, opaque)
            rd_kafka_conf_set_error_cb(conf) { rk, code, reason, opaque in
                guard let opaque else { return }
                let core = Unmanaged<AdminCore>.fromOpaque(opaque).takeUnretainedValue()
                logLibrdkafkaError(to: core.logger, rk: rk, code: code, reason: reason)
            }
            rd_kafka_conf_set_log_cb(conf) { rk, level, facility, text in
                guard let rk, let opaque = rd_kafka_opaque(rk) else { return }
                let core = Unmanaged<AdminCore>.fromOpaque(opaque).takeUnretainedValue()
                forwardLibrdkafkaLog(to: core.logger, level: level, facility: facility, text: text)
            }
        }
    }

    private func openHandle() throws -> OpaquePointer {
        guard case .open(let handle) = state.withLock({ $0 }) else { throw KafkaError.closed("admin client") }
        return handle.pointer
    }

    func beginClosing() -> Bool {
        state.withLock { state in
            guard case .open(let handle) = state else { return false }
            state = .closing(handle)
            return true
        }
    }

    func shutdown() {
        guard case .closing(let handle) = state.withLock({ $0 }) else { return }
        state.withLock { $0 = .closed }
        rd_kafka_destroy(handle.pointer)
    }

    // MARK: Called on the admin's thread

    func createTopics(_ specifications: [KafkaTopicSpecification], timeoutMs: Int32) throws {
        let rk = try openHandle()
        var errorText = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
        for specification in specifications {
            if let invalid = KafkaError.invalidTopicName(specification.name) { throw invalid }
            // librdkafka would pass these on and leave the broker to reject them after a round trip.
            guard specification.partitions > 0 || specification.partitions == -1,
                  specification.replicationFactor > 0 || specification.replicationFactor == -1
            else {
                throw KafkaError(
                    code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue,
                    message: "topic \(specification.name): partitions and replication factor must be positive (or -1 for the broker default)"
                )
            }
            guard let topic = rd_kafka_NewTopic_new(
                specification.name, specification.partitions, Int32(specification.replicationFactor), &errorText, errorText.count
            ) else {
                throw KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, message: "topic \(specification.name): \(String(errorBuffer: errorText))")
            }
            newTopics.append(topic)
            for (name, value) in specification.config.sorted(by: { $0.key < $1.key }) {
                let err = rd_kafka_NewTopic_set_config(topic, name, value)
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "topic \(specification.name) config \(name)") }
            }
        }
        let options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, &errorText, errorText.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMs, &errorText, errorText.count)

        let event = try adminRequest(rk, "create topics", timeoutMs: timeoutMs) { queue in
            rd_kafka_CreateTopics(rk, &newTopics, newTopics.count, options, queue)
        }
        defer { rd_kafka_event_destroy(event) }
        var count = 0
        guard let result = rd_kafka_event_CreateTopics_result(event),
              let results = rd_kafka_CreateTopics_result_topics(result, &count)
        else { throw KafkaError(RD_KAFKA_RESP_ERR__FAIL, "create topics: no result") }
        var failures: [KafkaError] = []
        for index in 0..<count {
            let topic = results[index]
            let err = rd_kafka_topic_result_error(topic)
            let name = String(cString: rd_kafka_topic_result_name(topic))
            if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.info("Created Kafka topic", metadata: ["kafka.topic": "\(name)"])
            } else if err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                logger.debug("Kafka topic already exists", metadata: ["kafka.topic": "\(name)"])
            } else {
                let reason = rd_kafka_topic_result_error_string(topic).map { String(cString: $0) } ?? KafkaError.describe(code: err.rawValue)
                failures.append(KafkaError(code: err.rawValue, message: "create topic \(name): \(reason)"))
            }
        }
        if let first = failures.first {
            throw failures.count == 1 ? first : KafkaError(
                code: first.code,
                message: failures.map(\.message).joined(separator: "; "),
                isRetriable: failures.allSatisfy(\.isRetriable),
                isFatal: false
            )
        }
    }

    /// Issues an admin request on a private queue and waits for its result event, which the caller destroys.
    private func adminRequest(
        _ rk: OpaquePointer, _ what: String, timeoutMs: Int32, _ issue: (OpaquePointer) -> Void
    ) throws -> OpaquePointer {
        let queue = rd_kafka_queue_new(rk)!
        defer { rd_kafka_queue_destroy(queue) }
        issue(queue)
        // librdkafka enforces the request timeout itself; the margin only guards against a lost event.
        guard let event = rd_kafka_queue_poll(queue, timeoutMs &+ 5_000) else {
            throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, what)
        }
        let err = rd_kafka_event_error(event)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let reason = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? KafkaError.describe(code: err.rawValue)
            rd_kafka_event_destroy(event)
            throw KafkaError(code: err.rawValue, message: "\(what): \(reason)")
        }
        return event
    }

    func consumerGroupLag(groupID: String, topics: [String], deadline: ContinuousClock.Instant) throws -> [PartitionLag] {
        _ = try openHandle()
        func remainingMs() -> Int32 { max(1, (deadline - ContinuousClock.now).milliseconds) }
        // A handle carrying the group's id can read its committed offsets; it never subscribes, so it
        // never joins the group or disturbs its members.
        let reader = try makeHandle(.consumer, [
            ("bootstrap.servers", bootstrapServers),
            ("client.id", "rsc-admin-lag"),
            ("group.id", groupID),
            ("enable.auto.commit", "false"),
        ]).pointer
        defer { rd_kafka_destroy(reader) }

        var partitions: [TopicPartition] = []
        for topic in topics {
            let count = try partitionCount(of: topic, reader, timeoutMs: remainingMs())
            partitions += (0..<count).map { TopicPartition(topic: topic, partition: $0) }
        }
        guard !partitions.isEmpty else { return [] }

        let list = TopicPartitionList(partitions)
        let err = rd_kafka_committed(reader, list.pointer, remainingMs())
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.from(err, handle: reader, "committed offsets of group \(groupID)") }

        return try list.elements.map { entry in
            let tp = entry.topicPartition
            if entry.error != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(entry.error, "committed offset of \(tp) for group \(groupID)")
            }
            var low: Int64 = 0
            var high: Int64 = 0
            let watermarkErr = rd_kafka_query_watermark_offsets(reader, tp.topic, tp.partition, &low, &high, remainingMs())
            guard watermarkErr == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.from(watermarkErr, handle: reader, "watermarks of \(tp)") }
            let committed = entry.offset >= 0 ? entry.offset : nil
            return PartitionLag(
                topic: tp.topic, partition: tp.partition, committedOffset: committed, highWatermark: high,
                lag: max(0, high - (committed ?? low))
            )
        }
    }

    private func partitionCount(of topic: String, _ rk: OpaquePointer, timeoutMs: Int32) throws -> Int32 {
        let rkt = rd_kafka_topic_new(rk, topic, nil)
        defer { rd_kafka_topic_destroy(rkt) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(rk, 0, rkt, &metadata, timeoutMs)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError.from(err, handle: rk, "metadata of \(topic)") }
        defer { rd_kafka_metadata_destroy(metadata) }
        guard metadata.pointee.topic_cnt > 0, let description = metadata.pointee.topics?[0] else {
            throw KafkaError(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "metadata of \(topic)")
        }
        guard description.err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(description.err, "metadata of \(topic)") }
        return description.partition_cnt
    }

    func isReachable(timeoutMs: Int32) -> Bool {
        guard let rk = try? openHandle() else { return false }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        // Brokers only: no topic list, so the answer stays small on a large cluster.
        let err = rd_kafka_metadata(rk, 0, nil, &metadata, timeoutMs)
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.debug("Kafka metadata request failed", metadata: ["error": "\(KafkaError(err, "metadata"))"])
        }
        return err == RD_KAFKA_RESP_ERR_NO_ERROR
    }
}
