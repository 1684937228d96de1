import Foundation
import RSCChangeEvents
import RSCKafka

/// Turns a consumed message into a `ChangeEvent`, or into the reason it cannot be one.
/// Pure: no I/O, so every rule is tested without a broker.
public enum ChangeEventIntake {
    public enum Outcome: Sendable {
        case event(ChangeEvent)
        case deadLetter(DeadLetter)
    }

    public static func read(_ message: KafkaMessage) -> Outcome {
        func reject(_ errorClass: DeadLetter.ErrorClass, _ reason: String) -> Outcome {
            .deadLetter(DeadLetter(
                topic: message.topic, partition: message.partition, offset: message.offset,
                errorClass: errorClass, reason: reason
            ))
        }
        guard let topic = ChangeTopic(rawValue: message.topic) else {
            return reject(.schemaViolation, "topic \(message.topic) is not a contract v1 change topic")
        }
        guard (try? JSONSerialization.jsonObject(with: Data(message.value))) != nil else {
            return reject(.invalidJSON, "value is not valid UTF-8 JSON")
        }
        let event: ChangeEvent
        do {
            event = try ChangeEventDecoder.decode(message.value)
        } catch let error as DecodingError {
            return reject(.schemaViolation, describe(error))
        } catch {
            return reject(.schemaViolation, "envelope does not match contract v1")
        }
        if let problem = violation(of: event, on: topic, key: message.keyString) {
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

    /// Names the path and the problem, never the value (it may be personal data).
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return joined.isEmpty ? "(root)" : joined
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing required field \(parent == "(root)" ? key.stringValue : parent + "." + key.stringValue)"
        case .typeMismatch(let type, let context): return "field \(path(context)) is not of type \(type)"
        case .valueNotFound(let type, let context): return "field \(path(context)) is null, expected \(type)"
        case .dataCorrupted(let context): return "field \(path(context)) is malformed"
        @unknown default: return "envelope does not match contract v1"
        }
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
