import CRdKafka
import Logging
import Synchronization

/// Idempotent producer whose sends complete when the broker's delivery report arrives.
public final class KafkaProducer: Sendable {
    private let core: ProducerCore
    private let thread: KafkaClientThread

    public init(configuration: KafkaProducerConfiguration, logger: Logger) throws {
        let core = ProducerCore(logger: logger)
        try core.start(configuration)
        self.core = core
        // Delivery reports are only delivered from inside rd_kafka_poll/flush, so the thread polls whenever idle.
        thread = KafkaClientThread(name: "rsc-kafka-producer", idle: { [core] in core.serveDeliveryReports() })
    }

    deinit {
        // Dropped without close(): deliver what can be delivered, then free the client.
        if core.beginClosing() {
            thread.submit { [core] in core.shutdown(flushTimeoutMs: 10_000) }
            thread.finish()
        }
    }

    /// Hands the message to librdkafka (which copies it) and returns once the broker has acknowledged it.
    ///
    /// Errors: a topic name Kafka would reject fails at once; a full local queue (_QUEUE_FULL) is
    /// retriable; a topic the cluster does not know fails after `topic.metadata.propagation.max.ms`
    /// (30 s by default), and anything undelivered after `message.timeout.ms` (5 min) fails retriably.
    @discardableResult
    public func send(topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = []) async throws -> (partition: Int32, offset: Int64) {
        let delivery = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProducerCore.Delivery, any Error>) in
            core.produce(topic: topic, key: key, value: value, headers: headers, continuation: continuation)
        }
        return (delivery.partition, delivery.offset)
    }

    /// Waits until every message handed over so far has its delivery report.
    public func flush(timeout: Duration) async throws {
        let timeoutMs = timeout.milliseconds
        try await thread.run(closedError: .closed("producer")) { [core] in
            try core.flush(timeoutMs: timeoutMs)
        }
    }

    /// Flushes for up to `flushTimeout`, fails the sends still pending, and frees the client.
    /// Safe to call more than once; every caller returns once the producer is fully closed.
    public func close(flushTimeout: Duration = .seconds(10)) async {
        if core.beginClosing() {
            let timeoutMs = flushTimeout.milliseconds
            thread.submit { [core] in core.shutdown(flushTimeoutMs: timeoutMs) }
            thread.finish()
        }
        await thread.join()
    }
}

/// The producer's state and librdkafka's callback target (its `opaque`).
final class ProducerCore: Sendable {
    enum State {
        case starting
        case open(RdKafkaHandle)
        /// close() was called: no new sends, reports still served until the handle is destroyed.
        case closing(RdKafkaHandle)
        case closed
    }

    struct Delivery: Sendable {
        var partition: Int32
        var offset: Int64
    }

    /// Sends awaiting their delivery report, keyed by the number passed to librdkafka as the message opaque.
    struct Pending {
        var nextID = 1
        var continuations: [Int: CheckedContinuation<Delivery, any Error>] = [:]
    }

    let logger: Logger
    let state = Mutex(State.starting)
    let pending = Mutex(Pending())

    init(logger: Logger) {
        self.logger = logger
    }

    func start(_ configuration: KafkaProducerConfiguration) throws(KafkaError) {
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        let handle = try RdKafkaHandle.make(.producer, properties: configuration.librdkafkaProperties) { conf in
            rd_kafka_conf_set_opaque(conf, opaque)
            rd_kafka_conf_set_dr_msg_cb(conf) { rk, message, opaque in
                guard let rk, let message, let opaque else { return }
                Unmanaged<ProducerCore>.fromOpaque(opaque).takeUnretainedValue().delivered(message, rk)
            }
            rd_kafka_conf_set_error_cb(conf) { rk, code, reason, opaque in
                guard let opaque else { return }
                let core = Unmanaged<ProducerCore>.fromOpaque(opaque).takeUnretainedValue()
                logLibrdkafkaError(to: core.logger, rk: rk, code: code, reason: reason)
            }
            rd_kafka_conf_set_log_cb(conf) { rk, level, facility, text in
                guard let rk, let opaque = rd_kafka_opaque(rk) else { return }
                let core = Unmanaged<ProducerCore>.fromOpaque(opaque).takeUnretainedValue()
                forwardLibrdkafkaLog(to: core.logger, level: level, facility: facility, text: text)
            }
        }
        state.withLock { $0 = .open(handle) }
    }

    func produce(
        topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader],
        continuation: CheckedContinuation<Delivery, any Error>
    ) {
        if let invalid = KafkaError.invalidTopicName(topic) {
            continuation.resume(throwing: invalid)
            return
        }
        let id = pending.withLock { pending in
            let id = pending.nextID
            pending.nextID += 1
            pending.continuations[id] = continuation
            return id
        }
        // Held across rd_kafka_produceva, which never blocks without RD_KAFKA_MSG_F_BLOCK, so that
        // close cannot destroy the handle underneath it.
        let error: KafkaError? = state.withLock { state in
            guard case .open(let handle) = state else { return KafkaError.closed("producer") }
            return ProducerCore.produceva(handle.pointer, topic: topic, key: key, value: value, headers: headers, id: id)
        }
        if let error, let continuation = pending.withLock({ $0.continuations.removeValue(forKey: id) }) {
            continuation.resume(throwing: error)
        }
    }

    private static func produceva(
        _ rk: OpaquePointer, topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader], id: Int
    ) -> KafkaError? {
        let copies = CStringArena()
        var fields: [rd_kafka_vu_t] = []
        func field(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) {
            var vu = rd_kafka_vu_t()
            vu.vtype = type
            fill(&vu)
            fields.append(vu)
        }
        field(RD_KAFKA_VTYPE_TOPIC) { $0.u.cstr = UnsafePointer(copies.string(topic)) }
        if let key {
            field(RD_KAFKA_VTYPE_KEY) { $0.u.mem = .init(ptr: copies.bytes(key), size: key.count) }
        }
        field(RD_KAFKA_VTYPE_VALUE) { $0.u.mem = .init(ptr: copies.bytes(value), size: value.count) }
        for header in headers {
            field(RD_KAFKA_VTYPE_HEADER) { vu in
                vu.u.header = .init(
                    name: UnsafePointer(copies.string(header.name)),
                    val: header.value.map { UnsafeRawPointer(copies.bytes($0)) },
                    size: header.value?.count ?? -1
                )
            }
        }
        field(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = UnsafeMutableRawPointer(bitPattern: id) }
        // librdkafka copies the payload, so the arena can go as soon as produceva returns.
        field(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = ProducerCore.messageFlagCopy }
        guard let error = rd_kafka_produceva(rk, fields, fields.count) else { return nil }
        return KafkaError(consuming: error, "produce to \(topic)")
    }

    /// RD_KAFKA_MSG_F_COPY, whose macro does not import into Swift.
    static let messageFlagCopy: Int32 = 0x2

    // MARK: Called on the producer's thread

    /// dr_msg_cb: resolves the send that is waiting for this message.
    func delivered(_ message: UnsafePointer<rd_kafka_message_t>, _ rk: OpaquePointer) {
        let id = Int(bitPattern: message.pointee._private)
        guard let continuation = pending.withLock({ $0.continuations.removeValue(forKey: id) }) else {
            logger.error("Delivery report for an unknown message", metadata: ["kafka.message.id": "\(id)"])
            return
        }
        let err = message.pointee.err
        if err == RD_KAFKA_RESP_ERR_NO_ERROR {
            continuation.resume(returning: Delivery(partition: message.pointee.partition, offset: message.pointee.offset))
        } else {
            let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
            continuation.resume(throwing: KafkaError.from(err, handle: rk, "deliver to \(topic)"))
        }
    }

    func serveDeliveryReports() {
        let handle: RdKafkaHandle? = state.withLock { state in
            switch state {
            case .open(let handle), .closing(let handle): handle
            case .starting, .closed: nil
            }
        }
        guard let handle else { return }
        rd_kafka_poll(handle.pointer, 100)
    }

    func flush(timeoutMs: Int32) throws {
        guard case .open(let handle) = state.withLock({ $0 }) else { throw KafkaError.closed("producer") }
        let err = rd_kafka_flush(handle.pointer, timeoutMs)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.from(err, handle: handle.pointer, "flush (\(rd_kafka_outq_len(handle.pointer)) messages outstanding)")
        }
    }

    /// True for the one caller that moves the producer from open to closing and so must shut it down.
    func beginClosing() -> Bool {
        state.withLock { state in
            guard case .open(let handle) = state else { return false }
            state = .closing(handle)
            return true
        }
    }

    func shutdown(flushTimeoutMs: Int32) {
        guard case .closing(let handle) = state.withLock({ $0 }) else { return }
        let rk = handle.pointer
        if rd_kafka_flush(rk, flushTimeoutMs) != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("Closing the producer with undelivered messages", metadata: ["kafka.outstanding": "\(rd_kafka_outq_len(rk))"])
            // Purged messages get delivery reports with a purge error, which fail their sends.
            _ = rd_kafka_purge(rk, Int32(ProducerCore.purgeQueueAndInFlight))
            rd_kafka_poll(rk, 0)
        }
        state.withLock { $0 = .closed }
        rd_kafka_destroy(rk)
        let abandoned = pending.withLock { pending in
            defer { pending.continuations.removeAll() }
            return Array(pending.continuations.values)
        }
        for continuation in abandoned { continuation.resume(throwing: KafkaError.closed("producer")) }
        logger.info("Kafka producer closed")
    }

    /// RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT.
    static let purgeQueueAndInFlight = 0x1 | 0x2
}

/// C copies of strings and bytes that live exactly as long as the arena.
final class CStringArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    deinit { for allocation in allocations { allocation.deallocate() } }

    func string(_ string: String) -> UnsafeMutablePointer<CChar> {
        let utf8 = Array(string.utf8CString)
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
        pointer.initialize(from: utf8, count: utf8.count)
        allocations.append(UnsafeMutableRawPointer(pointer))
        return pointer
    }

    /// Never nil, even for zero bytes, so an empty key or value stays distinct from a null one.
    func bytes(_ bytes: [UInt8]) -> UnsafeMutableRawPointer {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
        bytes.withUnsafeBytes { if let base = $0.baseAddress { pointer.copyMemory(from: base, byteCount: $0.count) } }
        allocations.append(pointer)
        return pointer
    }
}
