import Foundation

/// Reads typed settings from environment variables, naming the variable in every error.
public struct EnvironmentReader: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    /// The raw value; an empty string counts as unset so `FOO=` in a manifest behaves like a missing key.
    public func raw(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    public func string(_ name: String, default defaultValue: String? = nil, expected: String) throws(ConfigurationError) -> String {
        if let value = raw(name) { return value }
        if let defaultValue { return defaultValue }
        throw ConfigurationError(variable: name, expected: expected, isMissing: true)
    }

    public func integer(
        _ name: String, default defaultValue: Int? = nil, in range: ClosedRange<Int>
    ) throws(ConfigurationError) -> Int {
        let expected = "a whole number from \(range.lowerBound) to \(range.upperBound)"
        guard let text = raw(name) else {
            if let defaultValue { return defaultValue }
            throw ConfigurationError(variable: name, expected: expected, isMissing: true)
        }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(variable: name, expected: expected, isMissing: false)
        }
        return value
    }

    public func port(_ name: String, default defaultValue: Int? = nil) throws(ConfigurationError) -> Int {
        try integer(name, default: defaultValue, in: 0...65_535)
    }

    public func url(_ name: String, default defaultValue: String? = nil, schemes: Set<String>) throws(ConfigurationError) -> URL {
        let expected = "an absolute URL with scheme \(schemes.sorted().joined(separator: " or "))"
        let text = try string(name, default: defaultValue, expected: expected)
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), schemes.contains(scheme),
              let host = url.host, !host.isEmpty
        else {
            throw ConfigurationError(variable: name, expected: expected, isMissing: false)
        }
        return url
    }

    public func choice<T: RawRepresentable & CaseIterable>(
        _ name: String, default defaultValue: T
    ) throws(ConfigurationError) -> T where T.RawValue == String {
        guard let text = raw(name) else { return defaultValue }
        guard let value = T(rawValue: text.lowercased()) else {
            let names = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(variable: name, expected: "one of \(names)", isMissing: false)
        }
        return value
    }
}
