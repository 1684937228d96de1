import Foundation
import Logging

/// Writes one JSON object per line on stdout, the shape log collectors in the cluster parse.
///
/// Fields: `ts` (RFC 3339, UTC), `level`, `logger`, `msg`, `source`, then the metadata keys.
/// Metadata must never carry personal data or secrets: callers log ids (company, record), not values.
/// As a last guard, a callback URL's token (`/linkedin/callbacks/<token>`) is replaced by `{token}` in the
/// message and in every value, whoever logged it (a URL quoted in an error's description, say).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    let label: String
    let output: LogOutput

    public init(label: String, level: Logger.Level, output: LogOutput = .standardOutput) {
        self.label = label
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var object: [String: Any] = [
            "ts": Self.timestamp(Date()),
            "level": event.level.rawValue,
            "logger": label,
            "msg": Self.redactingCallbackTokens(event.message.description),
            "source": event.source,
        ]
        for (key, value) in merged where object[key] == nil {
            object[key] = Self.json(value)
        }
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        line.append(0x0A)
        output.write(line)
    }

    static func json(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let text): redactingCallbackTokens(text)
        case .stringConvertible(let convertible): redactingCallbackTokens(convertible.description)
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }

    /// The path parameter of the public listener's one route is the company's secret: keep the route, drop it.
    static func redactingCallbackTokens(_ text: String) -> String {
        guard text.contains(callbackPrefix) else { return text }
        return text.replacing(callbackToken, with: callbackPrefix + "{token}")
    }

    static let callbackPrefix = "/linkedin/callbacks/"
    nonisolated(unsafe) static let callbackToken = /\/linkedin\/callbacks\/[^\/?#\s"'<>]+/

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

/// Where log lines go: stdout in production, a buffer in tests. Writes are whole lines, serialized.
public final class LogOutput: Sendable {
    private let sink: @Sendable (Data) -> Void
    private static let lock = NSLock()

    public init(_ sink: @escaping @Sendable (Data) -> Void) {
        self.sink = sink
    }

    func write(_ line: Data) {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        sink(line)
    }

    public static let standardOutput = LogOutput { line in
        FileHandle.standardOutput.write(line)
    }
}

extension LoggingSystem {
    /// JSON lines on stdout for every logger in the process, at `level`.
    public static func bootstrapJSON(level: Logger.Level) {
        bootstrap { label in JSONLogHandler(label: label, level: level) }
    }
}
