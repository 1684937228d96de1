import Foundation
import RSCConfiguration

/// The contract v1 JSON Schema for the six Teamtailor change topics, loaded once and safe to share across threads.
//
// Load once at start (a missing or broken schema stops the worker there, not on the first message):
//   guard let directory = ChangeEventSchema.locateSchemasDirectory() else { … }
//   let schema = try ChangeEventSchema(schemasDirectory: directory)
//   switch schema.read(message.value) { case .event(let event): …  case .violations(let violations): … }
public struct ChangeEventSchema: Sendable {
    /// The envelope schema, relative to the `schemas/` directory.
    public static let relativePath = "kafka/teamtailor-change-event.v1.schema.json"

    let schema: JSONSchema

    /// Reads and compiles `kafka/teamtailor-change-event.v1.schema.json` under `schemasDirectory`.
    public init(schemasDirectory: URL) throws(JSONSchema.LoadError) {
        schema = try JSONSchema(contentsOf: schemasDirectory.appendingPathComponent(Self.relativePath))
    }

    /// Every way the message value breaks the contract; empty when valid. Not JSON is one `.invalidJSON` violation.
    /// The topic is not known here: whether `data.type` belongs on the topic it came from stays the caller's check.
    public func validate(_ json: [UInt8]) -> [SchemaViolation] {
        schema.validate(json)
    }

    /// What reading a message gave: the event, or why it breaks the contract.
    public enum Reading: Sendable, Equatable {
        case event(ChangeEvent)
        case violations([SchemaViolation])
    }

    /// Validates the message and, when it is valid, builds the `ChangeEvent` from the same parse.
    ///
    /// Equal to `ChangeEventDecoder.decode` on every valid message (tested), at a fraction of the cost:
    /// `JSONValue`'s `Decodable` probing throws an error per nested value, which on Linux costs a backtrace each.
    public func read(_ json: [UInt8]) -> Reading {
        let document: JSONNode
        do {
            document = try JSONNode.parse(json)
        } catch {
            return .violations(JSONSchema.notJSON(error))
        }
        let violations = schema.validate(document)
        if !violations.isEmpty { return .violations(violations) }
        // Valid, so every shape below is guaranteed; only the calendar can still refuse a timestamp.
        guard case .object(let envelope) = document, case .object(let data)? = envelope["data"],
              let occurredAtText = envelope["occurred_at"]?.stringValue
        else { return .violations([SchemaViolation(instancePath: "", rule: .type, message: "must be an object")]) }
        guard let occurredAt = RFC3339.parse(occurredAtText) else {
            return .violations([SchemaViolation(instancePath: "occurred_at", rule: .format, message: "is not a representable RFC 3339 date-time")])
        }
        let version: Int64
        switch envelope["version"] {
        case .integer(let exact)?: version = exact
        case .double(let whole)?: version = Int64(exactly: whole) ?? 0
        default: version = 0
        }
        return .event(ChangeEvent(
            eventID: envelope["event_id"]?.stringValue ?? "",
            event: envelope["event"]?.stringValue ?? "",
            companyID: envelope["company_id"]?.stringValue ?? "",
            occurredAt: occurredAt,
            version: version,
            data: ChangeEvent.Resource(
                id: data["id"]?.stringValue ?? "",
                type: data["type"]?.stringValue ?? "",
                attributes: data["attributes"]?.jsonValueMembers ?? [:],
                relationships: data["relationships"]?.jsonValueMembers ?? [:]
            )
        ))
    }

    /// Where `schemas/` is: `RSC_SCHEMAS_DIR` (taken as given, so a wrong setting fails loudly instead of
    /// falling back), else `./schemas`, else `<executable dir>/../share/rsc/schemas` (the container layout),
    /// else the source checkout this file was compiled from (development and tests).
    public static func locateSchemasDirectory() -> URL? {
        locateSchemasDirectory(
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true),
            executable: URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        )
    }

    static func locateSchemasDirectory(environment: [String: String], currentDirectory: URL, executable: URL) -> URL? {
        SchemasDirectory.locate(containing: relativePath, environment: environment, currentDirectory: currentDirectory, executable: executable)
    }
}

extension JSONNode {
    /// The project's `JSONValue`, which keeps every number as a `Double` (as `JSONDecoder` would give it).
    var jsonValue: JSONValue {
        switch self {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .integer(let number): .number(Double(number))
        case .double(let number): .number(number)
        case .string(let text): .string(text)
        case .array(let elements): .array(elements.map(\.jsonValue))
        case .object(let members): .object(members.mapValues(\.jsonValue))
        }
    }

    /// An object's members as `JSONValue`s; nil for anything else (`null` attributes on a destroy read as none).
    var jsonValueMembers: [String: JSONValue]? {
        if case .object(let members) = self { return members.mapValues(\.jsonValue) }
        return nil
    }
}
