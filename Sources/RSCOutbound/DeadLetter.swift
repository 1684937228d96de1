import RSCChangeEvents
import RSCKafka

/// A message the outbound worker cannot process, with the reason a person needs to fix or replay it.
public struct DeadLetter: Sendable, Equatable {
    /// Machine-readable class: `invalid_json`, `schema_violation`, `unknown_company`, `storage_refused`,
    /// `too_large`.
    public enum ErrorClass: String, Sendable {
        case invalidJSON = "invalid_json"
        case schemaViolation = "schema_violation"
        case unknownCompany = "unknown_company"
        /// Valid by the contract, but PostgreSQL refuses to store it (a NUL in a string, a key too long for an
        /// index): isolated from its batch so the rest of the partition goes on.
        case storageRefused = "storage_refused"
        /// Larger than the worker reads (`ChangeEventIntake.maxMessageBytes`); set aside before parsing.
        case tooLarge = "too_large"
    }

    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var errorClass: ErrorClass
    /// What failed, naming fields and ids, never values (they may be personal data).
    public var reason: String
}

/// Header names on dead-lettered messages; `rsc dlq` reads the same ones.
public enum DeadLetterHeader {
    public static let originalTopic = "rsc-dlq-original-topic"
    public static let originalPartition = "rsc-dlq-original-partition"
    public static let originalOffset = "rsc-dlq-original-offset"
    public static let errorClass = "rsc-dlq-error-class"
    public static let reason = "rsc-dlq-reason"
}

/// Writes dead letters to `rsc.outbound.dlq.v1`, keeping the original key, value and headers so a replay
/// after a fix re-publishes exactly what Teamtailor sent.
public struct DeadLetterPublisher: Sendable {
    let producer: KafkaProducer

    public init(producer: KafkaProducer) {
        self.producer = producer
    }

    /// Returns once the broker has acknowledged the dead letter (only then may the original's offset move on).
    public func publish(_ letter: DeadLetter, original: KafkaMessage) async throws {
        let headers = original.headers.filter { !$0.name.hasPrefix("rsc-dlq-") } + [
            KafkaHeader(name: DeadLetterHeader.originalTopic, value: Array(letter.topic.utf8)),
            KafkaHeader(name: DeadLetterHeader.originalPartition, value: Array("\(letter.partition)".utf8)),
            KafkaHeader(name: DeadLetterHeader.originalOffset, value: Array("\(letter.offset)".utf8)),
            KafkaHeader(name: DeadLetterHeader.errorClass, value: Array(letter.errorClass.rawValue.utf8)),
            KafkaHeader(name: DeadLetterHeader.reason, value: Array(letter.reason.prefix(1_000).utf8)),
        ]
        try await producer.send(topic: ChangeTopic.deadLetterTopic, key: original.key, value: original.value, headers: headers)
    }

    public func close() async {
        await producer.close()
    }
}
