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

    @Test(
        "rsc-export without an internal API token of at least 32 characters exits 2 naming INTERNAL_API_TOKEN",
        arguments: [nil, String(repeating: "t", count: 31)] as [String?]
    )
    func exportTokenRequired(token: String?) async throws {
        var environment = Self.valid.merging([
            "INTERNAL_HTTP_PORT": "18081", "PUBLIC_CALLBACK_BASE_URL": "https://rsc.example.com",
            "LINKEDIN_PARTNER_CLIENT_ID": "rsc-partner", "LINKEDIN_PARTNER_CLIENT_SECRET": "rsc-partner-secret",
        ]) { $1 }
        environment["INTERNAL_API_TOKEN"] = token
        let result = try await ChildProcess.run(BuiltProduct.url("rsc-export"), arguments: [], environment: environment)
        #expect(result.status == 2)
        #expect(result.stderr.contains("INTERNAL_API_TOKEN"))
        if let token { #expect(!result.stderr.contains(token), "the refused token is echoed") }
        #expect(!result.stderr.contains("rsc-partner-secret"))
    }

    @Test("the operator CLI also exits 2 naming a missing DATABASE_URL")
    func cli() async throws {
        let result = try await ChildProcess.run(BuiltProduct.url("rsc"), arguments: ["companies", "list"], environment: [:])
        #expect(result.status == 2)
        #expect(result.stderr.contains("DATABASE_URL"))
    }
}
