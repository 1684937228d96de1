import CRdKafka

/// A librdkafka error code with its message, classified as retriable and/or fatal.
public struct KafkaError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The raw `rd_kafka_resp_err_t` value.
    public var code: Int32
    public var message: String
    /// Trying the same operation again may succeed (transient broker or network condition).
    public var isRetriable: Bool
    /// The client instance is unusable and must be closed and recreated.
    public var isFatal: Bool

    public init(code: Int32, message: String, isRetriable: Bool, isFatal: Bool) {
        self.code = code
        self.message = message
        self.isRetriable = isRetriable
        self.isFatal = isFatal
    }

    /// Classifies `code` the way librdkafka would if it had handed us an `rd_kafka_error_t`.
    public init(code: Int32, message: String? = nil) {
        self.init(
            code: code,
            message: message ?? KafkaError.describe(code: code),
            isRetriable: KafkaError.retriableCodes.contains(code),
            isFatal: code == RD_KAFKA_RESP_ERR__FATAL.rawValue
        )
    }

    /// librdkafka's symbolic name for the code, e.g. `_QUEUE_FULL` or `UNKNOWN_TOPIC_OR_PART`.
    public var name: String {
        String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: code)))
    }

    public var description: String {
        var flags: [String] = []
        if isFatal { flags.append("fatal") }
        if isRetriable { flags.append("retriable") }
        let suffix = flags.isEmpty ? "" : " [\(flags.joined(separator: ", "))]"
        return "KafkaError \(name) (\(code)): \(message)\(suffix)"
    }

    static func describe(code: Int32) -> String {
        String(cString: rd_kafka_err2str(rd_kafka_resp_err_t(rawValue: code)))
    }

    // Codes librdkafka and the Kafka protocol treat as transient; everything else is
    // reported as permanent so callers do not spin on configuration or data errors.
    // The group-membership codes (a commit that met a rebalance) are here too: the consumer
    // rejoins by itself, and its next commit, or the revocation's, can succeed.
    static let retriableCodes: Set<Int32> = [
        RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION, RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID, RD_KAFKA_RESP_ERR__ASSIGNMENT_LOST,
        RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__RESOLVE, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
        RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__QUEUE_FULL,
        RD_KAFKA_RESP_ERR__WAIT_COORD, RD_KAFKA_RESP_ERR__IN_PROGRESS, RD_KAFKA_RESP_ERR__PREV_IN_PROGRESS,
        RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE, RD_KAFKA_RESP_ERR__WAIT_CACHE, RD_KAFKA_RESP_ERR__RETRY,
        RD_KAFKA_RESP_ERR__NODE_UPDATE, RD_KAFKA_RESP_ERR__ISR_INSUFF,
        RD_KAFKA_RESP_ERR_INVALID_MSG, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
        RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
        RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
        RD_KAFKA_RESP_ERR_NOT_CONTROLLER, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS,
        RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR, RD_KAFKA_RESP_ERR_FETCH_SESSION_ID_NOT_FOUND,
        RD_KAFKA_RESP_ERR_INVALID_FETCH_SESSION_EPOCH, RD_KAFKA_RESP_ERR_LISTENER_NOT_FOUND,
        RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH, RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH,
        RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_PREFERRED_LEADER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_ELIGIBLE_LEADERS_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_ELECTION_NOT_NEEDED,
        RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT, RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED,
        RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS,
    ].reduce(into: Set<Int32>()) { $0.insert($1.rawValue) }
}

extension KafkaError {
    init(_ err: rd_kafka_resp_err_t, _ context: String? = nil) {
        let text = KafkaError.describe(code: err.rawValue)
        self.init(code: err.rawValue, message: context.map { "\($0): \(text)" } ?? text)
    }

    /// Takes ownership of `error` (an `rd_kafka_error_t *`), which carries librdkafka's own classification.
    init(consuming error: OpaquePointer, _ context: String? = nil) {
        defer { rd_kafka_error_destroy(error) }
        let text = String(cString: rd_kafka_error_string(error))
        self.init(
            code: rd_kafka_error_code(error).rawValue,
            message: context.map { "\($0): \(text)" } ?? text,
            // librdkafka leaves local conditions such as _QUEUE_FULL unflagged.
            isRetriable: rd_kafka_error_is_retriable(error) != 0 || KafkaError.retriableCodes.contains(rd_kafka_error_code(error).rawValue),
            isFatal: rd_kafka_error_is_fatal(error) != 0
        )
    }

    /// The error that made the instance unusable, if librdkafka has raised one.
    static func fatal(of rk: OpaquePointer) -> KafkaError? {
        var buffer = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(rk, &buffer, buffer.count)
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        let text = String(errorBuffer: buffer)
        return KafkaError(code: err.rawValue, message: text, isRetriable: false, isFatal: true)
    }

    /// A failure of `rk`, preferring the underlying fatal error over the generic `_FATAL` code.
    static func from(_ err: rd_kafka_resp_err_t, handle rk: OpaquePointer, _ context: String) -> KafkaError {
        if err == RD_KAFKA_RESP_ERR__FATAL, let fatal = fatal(of: rk) {
            return KafkaError(code: fatal.code, message: "\(context): \(fatal.message)", isRetriable: false, isFatal: true)
        }
        return KafkaError(err, context)
    }

    static func closed(_ what: String) -> KafkaError {
        KafkaError(code: RD_KAFKA_RESP_ERR__STATE.rawValue, message: "\(what) is closed", isRetriable: false, isFatal: false)
    }

    /// Kafka's own topic-name rule. Checked here because librdkafka passes any name on, and a broker
    /// that auto-creates topics (like the mock) would accept a name a real cluster rejects.
    static func invalidTopicName(_ topic: String) -> KafkaError? {
        let allowed = topic.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard allowed, (1...249).contains(topic.utf8.count), topic != ".", topic != ".." else {
            return KafkaError(
                code: RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION.rawValue,
                message: "invalid topic name \"\(topic)\": 1 to 249 characters of a-z, A-Z, 0-9, '.', '_' and '-'"
            )
        }
        return nil
    }
}
