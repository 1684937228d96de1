import Foundation
import RSCChangeEvents
import RSCConfiguration
import RSCKafka

/// Turns a consumed message into a `ChangeEvent`, or into the reason it cannot be one: the contract's
/// JSON Schema (`schemas/kafka/`), then what the schema cannot see (the topic and the message key).
/// Pure: no I/O, so every rule is tested without a broker.
public struct ChangeEventIntake: Sendable {
    public enum Outcome: Sendable {
        case event(ChangeEvent)
        case deadLetter(DeadLetter)
    }

    /// The largest message value read (512 KiB). Teamtailor's change events are a few KiB; a larger one is
    /// set aside whole (`too_large`, replayable) before any parsing, so one cannot cost the worker its memory
    /// or a partition its progress. Half of Kafka's default 1 MiB limit, so the dead letter still fits.
    public static let maxMessageBytes = 512 * 1024

    let schema: ChangeEventSchema

    public init(schema: ChangeEventSchema) {
        self.schema = schema
    }

    /// The contract as this build ships it, or an error naming what is missing.
    public static func loadDefault() throws -> ChangeEventIntake {
        guard let directory = ChangeEventSchema.locateSchemasDirectory() else {
            throw ConfigurationError(variable: "RSC_SCHEMAS_DIR", expected: "the folder holding kafka/\(ChangeEventSchema.relativePath.split(separator: "/").last ?? "")", isMissing: true)
        }
        return ChangeEventIntake(schema: try ChangeEventSchema(schemasDirectory: directory))
    }

    public func read(_ message: KafkaMessage) -> Outcome {
        func reject(_ errorClass: DeadLetter.ErrorClass, _ reason: String) -> Outcome {
            .deadLetter(DeadLetter(
                topic: message.topic, partition: message.partition, offset: message.offset,
                errorClass: errorClass, reason: reason
            ))
        }
        guard let topic = ChangeTopic(rawValue: message.topic) else {
            return reject(.schemaViolation, "topic \(message.topic) is not a contract v1 change topic")
        }
        guard message.value.count <= Self.maxMessageBytes else {
            return reject(.tooLarge, "value is \(message.value.count) bytes, over the \(Self.maxMessageBytes) this worker reads")
        }
        let event: ChangeEvent
        switch schema.read(message.value) {
        case .event(let read):
            event = read
        case .violations(let violations):
            if violations.contains(where: { $0.rule == .invalidJSON }) {
                return reject(.invalidJSON, "value is not valid UTF-8 JSON")
            }
            // Paths and rules only: the schema's messages never quote a value (values may be personal data).
            let shown = violations.prefix(5).map(\.description).joined(separator: "; ")
            return reject(.schemaViolation, violations.count > 5 ? "\(shown); and \(violations.count - 5) more" : shown)
        }
        if let problem = Self.violation(of: event, on: topic, key: message.keyString) {
            return reject(.schemaViolation, problem)
        }
        return .event(event)
    }

    static func violation(of event: ChangeEvent, on topic: ChangeTopic, key: String?) -> String? {
        let singular = topic.eventPrefix
        if event.data.type != topic.resourceType {
            return "data.type \(event.data.type) does not belong on \(topic.rawValue) (expected \(topic.resourceType))"
        }
        if !["\(singular).create", "\(singular).update", "\(singular).destroy"].contains(event.event) {
            return "event \(event.event) is not one of \(singular).create/update/destroy"
        }
        if event.version <= 0 { return "version must be a positive int64" }
        if event.companyID.isEmpty { return "company_id is empty" }
        if event.data.id.isEmpty { return "data.id is empty" }
        if let key, key != event.companyID {
            return "message key \(key) differs from company_id \(event.companyID) (record \(event.data.type)/\(event.data.id))"
        }
        return nil
    }
}

extension ChangeTopic {
    /// The event-name prefix: `job`, `candidate`, `job_application`, …
    public var eventPrefix: String {
        switch self {
        case .jobs: "job"
        case .candidates: "candidate"
        case .jobApplications: "job_application"
        case .stages: "stage"
        case .interviews: "interview"
        case .comments: "comment"
        }
    }
}
