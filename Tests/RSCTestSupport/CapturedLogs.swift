import Logging
import Synchronization

/// Every line a logger wrote, message and metadata as text, for tests that check what is (not) logged.
public final class CapturedLogs: Sendable {
    public struct Line: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]

        /// The message and every metadata value, as a log collector would index them.
        public var text: String { ([message] + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ") }
    }

    private let captured = Mutex<[Line]>([])

    public init() {}

    public var lines: [Line] { captured.withLock { $0 } }

    /// All lines as one text, for "does not contain" checks.
    public var text: String { lines.map(\.text).joined(separator: "\n") }

    /// A logger writing here at `level` and above.
    public func logger(label: String = "rsc.tests.captured", level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: label) { _ in Handler(sink: self) }
        logger.logLevel = level
        return logger
    }

    fileprivate func append(_ line: Line) { captured.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            if let extra = event.metadata { merged.merge(extra) { _, new in new } }
            sink.append(Line(level: event.level, message: event.message.description, metadata: merged.mapValues { "\($0)" }))
        }
    }
}
