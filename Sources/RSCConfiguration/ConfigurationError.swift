/// A setting that is missing or malformed; the process stops at start with exit code 2.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The environment variable at fault, e.g. `DATABASE_URL`.
    public var variable: String
    /// What the variable must hold, in words an operator can act on.
    public var expected: String
    /// Whether the variable was absent (as opposed to present but malformed).
    public var isMissing: Bool

    public init(variable: String, expected: String, isMissing: Bool) {
        self.variable = variable
        self.expected = expected
        self.isMissing = isMissing
    }

    // The value itself is never echoed: it may be a secret.
    public var description: String {
        isMissing
            ? "configuration: \(variable) is not set; expected \(expected)"
            : "configuration: \(variable) is malformed; expected \(expected)"
    }
}
