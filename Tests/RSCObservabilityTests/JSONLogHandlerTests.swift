import Foundation
import Logging
@testable import RSCObservability
import Synchronization
import Testing

/// What reaches the log collector: one JSON object per line, with no callback token in it.
@Suite("JSON log lines")
struct JSONLogHandlerTests {
    static let token = "Qm9vb29vb29vb29vb29vb29vb29vb29vb29vb29vb28"

    func capture(_ write: (Logger) -> Void) -> [String: Any] {
        let written = Mutex(Data())
        let output = LogOutput { line in written.withLock { $0.append(line) } }
        let logger = Logger(label: "rsc.test") { label in JSONLogHandler(label: label, level: .info, output: output) }
        write(logger)
        let data = written.withLock { $0 }
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    @Test("a callback URL's token is replaced by {token} in the message and in every metadata value; the rest stays")
    func redactsCallbackTokens() {
        let url = "https://rsc.example.com/linkedin/callbacks/\(Self.token)?challengeCode=x"
        let line = capture { logger in
            logger.warning(
                "could not reach \(url)",
                metadata: [
                    "url": "\(url)", "path": .string("/linkedin/callbacks/\(Self.token)"),
                    "nested": .dictionary(["to": .array([.string("/linkedin/callbacks/\(Self.token)/x")])]),
                    "company": "1842",
                ])
        }
        let text = String(describing: line)
        #expect(!text.contains(Self.token), "\(text)")
        #expect(line["msg"] as? String == "could not reach https://rsc.example.com/linkedin/callbacks/{token}?challengeCode=x")
        #expect(line["path"] as? String == "/linkedin/callbacks/{token}")
        #expect(line["url"] as? String == "https://rsc.example.com/linkedin/callbacks/{token}?challengeCode=x")
        #expect(line["company"] as? String == "1842")
    }
}
