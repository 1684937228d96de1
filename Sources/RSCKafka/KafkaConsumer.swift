import CRdKafka
import Foundation
import Logging
import Metrics
import Synchronization

/// A group member whose offsets advance only after the caller has processed messages (at least once).
public final class KafkaConsumer: Sendable {
    private let core: ConsumerCore
    private let thread: KafkaClientThread

    /// Joins `configuration.groupID` and subscribes; partitions arrive with the first polls.
    ///
    /// `onPartitionsRevoked` runs on the consumer's thread, inside a `poll` or `close`, before the
    /// offsets stored for those partitions are committed: it is the moment to `markProcessed` what
    /// has been handled, because afterwards another member owns the partitions.
    public init(
        configuration: KafkaConsumerConfiguration,
        logger: Logger,
        onPartitionsRevoked: @escaping @Sendable ([TopicPartition]) -> Void = { _ in }
    ) throws {
        var logger = logger
        logger[metadataKey: "kafka.group"] = "\(configuration.groupID)"
        let core = ConsumerCore(
            logger: logger,
            metricsFactory: configuration.metricsFactory ?? MetricsSystem.factory,
            startsFromEarliest: configuration.startFromEarliest,
            reportsOffsetGaps: configuration.reportsOffsetGaps,
            onPartitionsRevoked: onPartitionsRevoked
        )
        try core.start(configuration)
        self.core = core
        thread = KafkaClientThread(name: "rsc-kafka-consumer")
    }

    deinit {
        // Dropped without close(): still leave the group promptly instead of making the others wait
        // for the session to time out.
        if core.beginClosing() {
            thread.submit { [core] in core.shutdown() }
            thread.finish()
        }
    }

    /// Up to `maxMessages` messages: waits up to `timeout` for the first, then takes only what is
    /// already fetched. Returns [] on timeout.
    ///
    /// Throws a `KafkaError` when librdkafka reports a fatal error or the consumer is closed;
    /// other errors librdkafka attaches to messages are logged and skipped.
    public func poll(maxMessages: Int, timeout: Duration) async throws -> [KafkaMessage] {
        try Task.checkCancellation()
        let timeoutMs = timeout.milliseconds
        let maxMessages = max(1, maxMessages)
        return try await thread.run(closedError: .closed("consumer")) { [core] in
            try core.poll(maxMessages: maxMessages, timeoutMs: timeoutMs)
        }
    }

    /// Stores offset + 1 of the highest message per partition, to be committed by `commit()`,
    /// a revocation or `close()`.
    ///
    /// Partitions this member no longer owns are skipped with a warning: their messages will be
    /// delivered again to the new owner, which is what at-least-once asks for.
    public func markProcessed(_ messages: [KafkaMessage]) throws {
        try core.markProcessed(messages)
    }

    /// Commits the stored offsets and waits for the group coordinator to acknowledge them.
    /// Nothing new to commit is not an error.
    ///
    /// During a rebalance this can wait until the group has re-formed, and then fail with a
    /// retriable error (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, ...): keep polling; offsets of
    /// partitions still owned stay stored for the next commit, and those of revoked partitions
    /// were committed by the revocation if the assignment was not lost.
    public func commit() async throws {
        try await thread.run(closedError: .closed("consumer")) { [core] in
            try core.commitStored()
        }
    }

    /// The gaps found since the last call (messages the broker deleted before this group read them), each
    /// reported once; the caller acts on them before committing what it polled after them.
    public func takeOffsetGaps() -> [OffsetGap] {
        core.bookkeeping.withLock { book in
            defer { book.offsetGaps.removeAll() }
            return book.offsetGaps
        }
    }

    /// The partitions currently assigned to this member.
    public func assignment() async throws -> [TopicPartition] {
        try await thread.run(closedError: .closed("consumer")) { [core] in
            try core.assignment()
        }
    }

    /// Commits stored offsets, leaves the group and frees the client. Safe to call more than once;
    /// every caller returns once the consumer is fully closed.
    public func close() async {
        if core.beginClosing() {
            thread.submit { [core] in core.shutdown() }
            thread.finish()
        }
        await thread.join()
    }
}

/// The consumer's state and librdkafka's callback target (its `opaque`). Everything that calls into
/// the handle, except `markProcessed`, runs on the consumer's thread.
final class ConsumerCore: Sendable {
    enum State {
        case starting
        case open(RdKafkaHandle)
        /// close() was called: no more polls, but offsets may still be stored for the final commit.
        case closing(RdKafkaHandle)
        case closed
    }

    /// What the callbacks and `markProcessed` share; never held across a call into librdkafka.
    struct Bookkeeping {
        var assignment: Set<TopicPartition> = []
        /// Offsets handed to rd_kafka_offsets_store, so a revocation can commit exactly its own.
        var storedOffsets: [TopicPartition: Int64] = [:]
        /// Partitions revoked while a poll was collecting its batch.
        var revokedDuringPoll: Set<TopicPartition> = []
        var lagGauges: [TopicPartition: Gauge] = [:]
        /// The message timestamp of the newest message handed out per partition: how far behind in time a
        /// partition with lag is (`rsc_kafka_consumer_lag_seconds`), to be held against the topic's retention.
        var newestTimestamps: [TopicPartition: Date] = [:]
        var lagAgeGauges: [TopicPartition: Gauge] = [:]
        /// Where each owned partition's reading stands, to notice messages deleted before they were read.
        var readPositions: [TopicPartition: PartitionReadPosition] = [:]
        /// Found and not yet taken by `takeOffsetGaps()`.
        var offsetGaps: [OffsetGap] = []
    }

    let logger: Logger
    let metricsFactory: any MetricsFactory
    let startsFromEarliest: Bool
    let reportsOffsetGaps: Bool
    let onPartitionsRevoked: @Sendable ([TopicPartition]) -> Void
    let state = Mutex(State.starting)
    let bookkeeping = Mutex(Bookkeeping())

    init(
        logger: Logger, metricsFactory: any MetricsFactory, startsFromEarliest: Bool, reportsOffsetGaps: Bool,
        onPartitionsRevoked: @escaping @Sendable ([TopicPartition]) -> Void
    ) {
        self.logger = logger
        self.metricsFactory = metricsFactory
        self.startsFromEarliest = startsFromEarliest
        self.reportsOffsetGaps = reportsOffsetGaps
        self.onPartitionsRevoked = onPartitionsRevoked
    }

    func start(_ configuration: KafkaConsumerConfiguration) throws(KafkaError) {
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        let withStatistics = configuration.statisticsInterval != nil
        let handle = try RdKafkaHandle.make(.consumer, properties: configuration.librdkafkaProperties) { conf in
            rd_kafka_conf_set_opaque(conf, opaque)
            rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, opaque in
                guard let rk, let partitions, let opaque else { return }
                Unmanaged<ConsumerCore>.fromOpaque(opaque).takeUnretainedValue().rebalance(rk, err, partitions)
            }
            if withStatistics {
                rd_kafka_conf_set_stats_cb(conf) { _, json, length, opaque in
                    guard let json, let opaque else { return 0 }
                    let data = Data(bytes: json, count: length)
                    Unmanaged<ConsumerCore>.fromOpaque(opaque).takeUnretainedValue().recordStatistics(data)
                    return 0  // librdkafka frees the JSON
                }
            }
            rd_kafka_conf_set_error_cb(conf) { rk, code, reason, opaque in
                guard let opaque else { return }
                let core = Unmanaged<ConsumerCore>.fromOpaque(opaque).takeUnretainedValue()
                logLibrdkafkaError(to: core.logger, rk: rk, code: code, reason: reason)
            }
            rd_kafka_conf_set_log_cb(conf) { rk, level, facility, text in
                guard let rk, let opaque = rd_kafka_opaque(rk) else { return }
                let core = Unmanaged<ConsumerCore>.fromOpaque(opaque).takeUnretainedValue()
                forwardLibrdkafkaLog(to: core.logger, level: level, facility: facility, text: text)
            }
        }
        let rk = handle.pointer
        // Messages and callbacks then arrive through rd_kafka_consumer_poll alone.
        rd_kafka_poll_set_consumer(rk)
        let topics = TopicPartitionList(configuration.topics.map { (TopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA), Int64(RD_KAFKA_OFFSET_INVALID)) })
        let err = rd_kafka_subscribe(rk, topics.pointer)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            rd_kafka_destroy(rk)
            throw KafkaError(err, "subscribe to \(configuration.topics)")
        }
        state.withLock { $0 = .open(handle) }
        logger.info("Kafka consumer started", metadata: ["kafka.topics": "\(configuration.topics)"])
    }

    // MARK: Called on the consumer's thread

    func poll(maxMessages: Int, timeoutMs: Int32) throws -> [KafkaMessage] {
        guard case .open(let handle) = state.withLock({ $0 }) else { throw KafkaError.closed("consumer") }
        let rk = handle.pointer
        bookkeeping.withLock { $0.revokedDuringPoll.removeAll() }
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        var batch: [KafkaMessage] = []
        while batch.count < maxMessages {
            let wait = batch.isEmpty ? (deadline - ContinuousClock.now).milliseconds : 0
            guard let message = rd_kafka_consumer_poll(rk, wait) else {
                if batch.isEmpty && wait > 0 { continue }
                break
            }
            defer { rd_kafka_message_destroy(message) }
            let err = message.pointee.err
            if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                batch.append(KafkaMessage(copying: message))
            } else if err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                logger.debug("Reached the end of a partition", metadata: ["kafka.partition": "\(KafkaMessage.location(of: message))"])
            } else {
                let error = KafkaError.from(err, handle: rk, "consume \(KafkaMessage.location(of: message))")
                if error.isFatal { throw error }
                logger.warning("Kafka consumer error", metadata: ["error": "\(error)"])
            }
        }
        // The new owner starts from the committed offset, so handing these to the caller would only
        // produce work whose offsets can no longer be stored.
        let revoked = bookkeeping.withLock { $0.revokedDuringPoll }
        if !revoked.isEmpty {
            batch.removeAll { revoked.contains($0.topicPartition) }
        }
        if !batch.isEmpty {
            bookkeeping.withLock { book in
                for message in batch {
                    if let timestamp = message.timestamp { book.newestTimestamps[message.topicPartition] = timestamp }
                }
            }
            if reportsOffsetGaps { findGaps(before: batch, rk) }
        }
        return batch
    }

    func commitStored() throws {
        let handle: RdKafkaHandle? = state.withLock { state in
            switch state {
            case .open(let handle), .closing(let handle): handle
            case .starting, .closed: nil
            }
        }
        guard let handle else { throw KafkaError.closed("consumer") }
        let before = bookkeeping.withLock { $0.storedOffsets }
        let err = rd_kafka_commit(handle.pointer, nil, 0)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET {
            throw KafkaError.from(err, handle: handle.pointer, "commit")
        }
        // Committed now, so a later revocation need not commit them again; offsets stored while the
        // commit was in flight (markProcessed from another thread) stay.
        bookkeeping.withLock { book in
            for (tp, offset) in before where book.storedOffsets[tp] == offset {
                book.storedOffsets[tp] = nil
            }
        }
    }

    func assignment() throws -> [TopicPartition] {
        guard case .open(let handle) = state.withLock({ $0 }) else { throw KafkaError.closed("consumer") }
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        let err = rd_kafka_assignment(handle.pointer, &list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.from(err, handle: handle.pointer, "assignment") }
        defer { if let list { rd_kafka_topic_partition_list_destroy(list) } }
        return TopicPartitionList.elements(of: list).map(\.topicPartition)
    }

    /// True for the one caller that moves the consumer from open to closing and so must shut it down.
    func beginClosing() -> Bool {
        state.withLock { state in
            guard case .open(let handle) = state else { return false }
            state = .closing(handle)
            return true
        }
    }

    func shutdown() {
        guard case .closing(let handle) = state.withLock({ $0 }) else { return }
        let rk = handle.pointer
        do {
            try commitStored()
        } catch {
            logger.warning("Final commit before closing failed", metadata: ["error": "\(error)"])
        }
        let err = rd_kafka_consumer_close(rk)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("Leaving the consumer group failed", metadata: ["error": "\(KafkaError.from(err, handle: rk, "close"))"])
        }
        state.withLock { $0 = .closed }
        rd_kafka_destroy(rk)
        logger.info("Kafka consumer closed")
    }

    // MARK: Called from any thread

    func markProcessed(_ messages: [KafkaMessage]) throws {
        guard !messages.isEmpty else { return }
        var next: [TopicPartition: Int64] = [:]
        for message in messages {
            next[message.topicPartition] = max(next[message.topicPartition] ?? Int64.min, message.offset + 1)
        }
        let list = TopicPartitionList(next.map { ($0.key, $0.value) })
        // Held across rd_kafka_offsets_store (which does not block) so shutdown cannot destroy the handle meanwhile.
        try state.withLock { state in
            let handle: RdKafkaHandle
            switch state {
            case .open(let open), .closing(let open): handle = open
            case .starting, .closed: throw KafkaError.closed("consumer")
            }
            let err = rd_kafka_offsets_store(handle.pointer, list.pointer)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__STATE && err != RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION {
                throw KafkaError.from(err, handle: handle.pointer, "store offsets")
            }
        }
        let results = list.elements
        let stored = results.filter { $0.error == RD_KAFKA_RESP_ERR_NO_ERROR }
        bookkeeping.withLock { book in
            for entry in stored { book.storedOffsets[entry.topicPartition] = entry.offset }
        }
        let rejected = results.filter { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }
        if !rejected.isEmpty {
            logger.warning(
                "Offsets not stored for partitions this member no longer owns; their messages will be redelivered",
                metadata: ["kafka.partitions": "\(rejected.map { "\($0.topicPartition)@\($0.offset): \(KafkaError($0.error).name)" })"]
            )
        }
    }
}

extension KafkaMessage {
    /// Copies everything out of a librdkafka message, which the caller still owns and destroys.
    init(copying message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let raw = message.pointee
        var headers: [KafkaHeader] = []
        var cHeaders: OpaquePointer?
        if rd_kafka_message_headers(message, &cHeaders) == RD_KAFKA_RESP_ERR_NO_ERROR, let cHeaders {
            var index = 0
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(cHeaders, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append(KafkaHeader(
                    name: name.map { String(cString: $0) } ?? "",
                    value: value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
                ))
                index += 1
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(message, &timestampType)
        self.init(
            topic: raw.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "",
            partition: raw.partition,
            offset: raw.offset,
            key: raw.key.map { Array(UnsafeRawBufferPointer(start: $0, count: raw.key_len)) },
            value: raw.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: raw.len)) } ?? [],
            headers: headers,
            timestamp: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || milliseconds < 0
                ? nil : Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        )
    }

    static func location(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> String {
        let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
        return "\(topic)[\(message.pointee.partition)]@\(message.pointee.offset)"
    }
}
