/// One way a message breaks the contract: where it is and which rule it breaks, never the offending value.
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// The schema rule that failed, named by its JSON Schema keyword (`invalidJSON` when the bytes are not JSON).
    public enum Rule: String, Sendable, Hashable, CaseIterable {
        case invalidJSON = "json"
        case falseSchema = "false"
        case type, required, properties, additionalProperties, items, minItems, maxItems
        case `enum`, const, pattern, minLength, maxLength, minimum, maximum, format
        case anyOf, oneOf
    }

    /// Dotted path into the message, array elements as `[n]`: `data.attributes.scores[0].max`; empty for the root.
    public var instancePath: String
    public var rule: Rule
    /// Names the rule and what it expects; built only from the schema, so personal data cannot leak into it.
    public var message: String

    public init(instancePath: String, rule: Rule, message: String) {
        self.instancePath = instancePath
        self.rule = rule
        self.message = message
    }

    /// `data.attributes.status: must be one of open, draft, …` — safe for logs and dead-letter headers.
    public var description: String { "\(instancePath.isEmpty ? "(root)" : instancePath): \(message)" }
}
