import Foundation
import RSCTestSupport
import Testing

@Suite("workers refuse bad configuration at start")
struct ConfigurationExitTests {
    static let valid = [
        "DATABASE_URL": "postgres://rsc@127.0.0.1:1/rsc",
        "KAFKA_BROKERS": "127.0.0.1:1",
        "RSC_SECRET_KEY": Data(repeating: 3, count: 32).base64EncodedString(),
    ]

    @Test(
        "a missing or malformed variable exits 2 naming it",
        arguments: [
            ("rsc-outbound", "DATABASE_URL", nil),
            ("rsc-outbound", "KAFKA_BROKERS", "localhost"),
            ("rsc-inbound", "RSC_SECRET_KEY", "short"),
            ("rsc-export", "SHUTDOWN_GRACE_SECONDS", "-5"),
            ("rsc-export", "METRICS_PORT", "http"),
        ] as [(String, String, String?)]
    )
    func exitsTwo(executable: String, variable: String, value: String?) async throws {
        var environment = Self.valid
        environment[variable] = value
        let result = try await ChildProcess.run(BuiltProduct.url(executable), arguments: [], environment: environment)
        #expect(result.status == 2)
        #expect(result.stderr.contains(variable))
        #expect(!result.stderr.contains(Self.valid["RSC_SECRET_KEY"]!))
    }

    @Test("the operator CLI also exits 2 naming a missing DATABASE_URL")
    func cli() async throws {
        let result = try await ChildProcess.run(BuiltProduct.url("rsc"), arguments: ["companies", "list"], environment: [:])
        #expect(result.status == 2)
        #expect(result.stderr.contains("DATABASE_URL"))
    }
}
