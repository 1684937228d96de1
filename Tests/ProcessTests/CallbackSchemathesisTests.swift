#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Foundation
import PostgresNIO
import RSCExport
import RSCSandbox
import RSCSecrets
import RSCStore
import RSCTestSupport
import Testing

/// The public listener faces the internet; schemathesis (PyPI, installed by `make deps`) throws what its
/// OpenAPI spec allows, and much that it does not, at the built rsc-export.
@Suite("rsc-export's callback listener under schemathesis")
struct CallbackSchemathesisTests {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let spec = checkout.appendingPathComponent("schemas/openapi/linkedin-callbacks.yaml")
    static let secretKey = Data(repeating: 11, count: 32).base64EncodedString()
    static let clientSecret = "callback-client-secret-1842-SECRET"
    static let organization = "urn:li:organization:5501"

    @Test("no 5xx and no crash for random tokens or the company's own, and nothing unsigned is stored")
    func fuzzCallbacks() async throws {
        try await Self.requireSchemathesis()
        let logger = TestPostgres.logger
        try await TestPostgres.withMigratedDatabase { client, settings async throws in
            let secrets = try SecretBox(currentKeyBase64: Self.secretKey)
            try await CompanyStore(client: client, secrets: secrets, logger: logger).add(NewCompany(
                id: "1842", teamtailorToken: "tt-token-1842", linkedInClientID: "client-1842", linkedInClientSecret: Self.clientSecret,
                organizationURN: Self.organization, contractURNs: ["urn:li:contract:7701"], jobsPrivate: false))
            let token = try await CallbackDirectory(postgres: client, secrets: secrets, logger: logger).issueToken(companyID: "1842")

            let publicPort = try FreePort.loopback(), internalPort = try FreePort.loopback(), metricsPort = try FreePort.loopback()
            let worker = try ChildProcess(
                BuiltProduct.url("rsc-export"),
                environment: Self.environment(databaseURL: settings.url, publicPort: publicPort, internalPort: internalPort, metricsPort: metricsPort))
            defer { if worker.process.isRunning { worker.signal(SIGKILL) } }
            let ready = try await worker.waitForOutput(containing: "callback listener ready", timeout: .seconds(60))
            try #require(ready, "rsc-export did not start listening: \(worker.standardError.suffix(2000))")
            let base = "http://127.0.0.1:\(publicPort)"

            // The company's URL is live, so the second run reaches the signature check rather than a 404.
            let (challenge, challengeBody) = try await Self.request("\(base)/linkedin/callbacks/\(token)?challengeCode=probe")
            try #require(challenge == 200, "the company's callback URL does not answer its challenge: \(challengeBody)")
            let (unsigned, _) = try await Self.request("\(base)/linkedin/callbacks/\(token)", method: "POST", body: Self.validNotification)
            try #require(unsigned == 401)

            let random = try await Self.schemathesis(base: base, fixedToken: nil, examples: 25)
            #expect(random.status == 0, "schemathesis with random tokens:\n\(random.output.suffix(6000))")
            let real = try await Self.schemathesis(base: base, fixedToken: token, examples: 40)
            #expect(real.status == 0, "schemathesis with the company's token:\n\(real.output.suffix(6000))")
            #expect(random.output.contains("Tested: 2") && real.output.contains("Tested: 2"), "schemathesis did not test both operations")

            #expect(worker.process.isRunning, "rsc-export exited: \(worker.standardError.suffix(2000))")
            let (health, _) = try await Self.request("http://127.0.0.1:\(metricsPort)/healthz")
            #expect(health == 200)
            let (stillAnswers, _) = try await Self.request("\(base)/linkedin/callbacks/\(token)?challengeCode=after")
            #expect(stillAnswers == 200)
            let stored = try await client.query("SELECT count(*)::int FROM linkedin_notifications", logger: logger)
                .decode(Int.self).reduce(0, +)
            #expect(stored == 0, "schemathesis cannot sign, yet \(stored) notification(s) were stored")

            worker.signal(SIGTERM)
            #expect(try await worker.waitForExit(timeout: .seconds(15)) == 0)
            // Read after exit, to end of file: every line rsc-export wrote.
            let logs = worker.standardOutput + worker.standardError
            #expect(!logs.contains(Self.clientSecret), "the client secret is in rsc-export's logs")
            #expect(!logs.contains(token), "the company's callback token is in rsc-export's logs")
            #expect(!logs.contains(#""msg":"request failed""#), "a request escaped its handler")
        }
    }

    static let validNotification = Data(#"""
        {"notificationId":"n-1","type":"EXPORT_CANDIDATE_PROFILE","requestId":"r-1","integrationContext":"urn:li:organization:5501","occurredAt":1764240000000}
        """#.utf8)

    static func environment(databaseURL: String, publicPort: Int, internalPort: Int, metricsPort: Int) -> [String: String] {
        [
            "DATABASE_URL": databaseURL,
            // rsc-export does not use Kafka; nothing listens here and its readiness does not depend on it.
            "KAFKA_BROKERS": "127.0.0.1:1",
            "RSC_SECRET_KEY": secretKey,
            "LINKEDIN_API_URL": "http://127.0.0.1:9", "LINKEDIN_OAUTH_URL": "http://127.0.0.1:9/oauth/v2/accessToken",
            "TEAMTAILOR_API_URL": "http://127.0.0.1:9",
            "HTTP_PORT": "\(publicPort)", "INTERNAL_HTTP_PORT": "\(internalPort)", "METRICS_PORT": "\(metricsPort)",
            "INTERNAL_API_TOKEN": String(repeating: "internal-token-", count: 3),
            "PUBLIC_CALLBACK_BASE_URL": "http://127.0.0.1:\(publicPort)",
            "LINKEDIN_PARTNER_CLIENT_ID": "rsc-partner", "LINKEDIN_PARTNER_CLIENT_SECRET": "rsc-partner-secret",
            "SHUTDOWN_GRACE_SECONDS": "5",
        ]
    }

    /// python3 with the PATH and HOME of the test run (pyenv and `pip --user` installs live there), working in
    /// `directory` so schemathesis' `.schemathesis/` cache lands there and not in the checkout.
    static func python(
        _ arguments: [String], in directory: URL = FileManager.default.temporaryDirectory, timeout: Duration
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["PYTHONIOENCODING"] = "utf-8"
        return try await ChildProcess.run(
            URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", #"cd "$0" && exec python3 "$@""#, directory.path] + arguments,
            environment: environment, timeout: timeout)
    }

    /// Fails the test, never skips it, when schemathesis is missing.
    static func requireSchemathesis() async throws {
        let probe = try await python(["-c", "import schemathesis; print(schemathesis.__version__)"], timeout: .seconds(60))
        try #require(
            probe.status == 0,
            "schemathesis is not installed for python3; run `make deps` (python3 -m pip install schemathesis): \(probe.stderr.suffix(500))")
    }

    /// One bounded run (coverage and fuzzing phases, `examples` per operation); a fixed token goes through a
    /// throwaway config file, the way schemathesis 4 sets a parameter.
    static func schemathesis(base: String, fixedToken: String?, examples: Int) async throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rsc-schemathesis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var global: [String] = ["--no-color"]
        if let fixedToken {
            let config = directory.appendingPathComponent("schemathesis.toml")
            try Data("[parameters]\n\"path.token\" = \"\(fixedToken)\"\n".utf8).write(to: config)
            global += ["--config-file", config.path]
        }
        let run = [
            "run", spec.path, "--url", base,
            "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--phases", "coverage,fuzzing", "--max-examples", "\(examples)",
            "--generation-database", "none", "--request-timeout", "10",
        ]
        let result = try await python(["-m", "schemathesis.cli"] + global + run, in: directory, timeout: .seconds(120))
        return (result.status, result.stdout + result.stderr)
    }

    static func request(_ url: String, method: String = "GET", body: Data? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
