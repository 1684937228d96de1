import Foundation
import PostgresNIO
import RSCConfiguration
@testable import RSCStore
import RSCTestSupport
import Testing

/// `sslmode` means what libpq means by it: `prefer` is not a quiet word for plaintext, and a mode that
/// requires TLS never connects without it.
@Suite("PostgreSQL transport security")
struct DatabaseTransportTests {
    static func settings(_ mode: DatabaseSettings.TLSMode, caFile: String? = nil) -> DatabaseSettings {
        DatabaseSettings(host: "db.internal", port: 5432, username: "rsc", password: nil, database: "rsc", tlsMode: mode, caFile: caFile)
    }

    @Test("each sslmode maps to TLS never tried, tried or insisted on, with the certificate checks libpq makes")
    func modesMapToTLS() throws {
        #expect(DatabaseTLSPlan(Self.settings(.disable)).negotiation == .never)
        let expectations: [(DatabaseSettings.TLSMode, String?, DatabaseTLSPlan.Negotiation, CertificateVerification)] = [
            (.prefer, nil, .preferred, .none),
            (.require, nil, .required, .none),
            (.require, "/etc/rsc/ca.pem", .required, .noHostnameVerification),
            (.verifyCA, nil, .required, .noHostnameVerification),
            (.verifyFull, nil, .required, .fullVerification),
            (.verifyFull, "/etc/rsc/ca.pem", .required, .fullVerification),
        ]
        for (mode, caFile, negotiation, verification) in expectations {
            let plan = DatabaseTLSPlan(Self.settings(mode, caFile: caFile))
            #expect(plan.negotiation == negotiation, "\(mode)")
            #expect(plan.configuration.certificateVerification == verification, "\(mode), CA file \(caFile ?? "none")")
            if let caFile {
                guard case .file(let path)? = plan.configuration.trustRoots else {
                    Issue.record("\(mode) does not trust the CA file")
                    continue
                }
                #expect(path == caFile)
            }
        }
    }

    @Test("a mode that requires TLS does not connect to a server without it; prefer does, and the session reads as plaintext")
    func requireRefusesPlaintext() async throws {
        var settings = try await TestPostgres.freshDatabase()  // the test server has no TLS
        settings.tlsMode = .require
        // The pool may keep retrying the connection rather than fail the query: either way no query may run.
        let outcome: String = try await TestPostgres.withClient(settings) { client in
            try await withThrowingTaskGroup(of: String.self) { group in
                group.addTask {
                    do {
                        try await client.query("SELECT 1", logger: TestPostgres.logger)
                        return "ran in plaintext"
                    } catch {
                        return loggable(error)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(10))
                    return "no connection within 10 s"
                }
                defer { group.cancelAll() }
                return try await group.next() ?? "-"
            }
        }
        #expect(outcome != "ran in plaintext")
        #expect(outcome.contains("sslUnsupported") || outcome == "no connection within 10 s", "\(outcome)")

        settings.tlsMode = .prefer
        let encrypted = try await TestPostgres.withClient(settings) { client in
            try await sessionIsEncrypted(client, logger: TestPostgres.logger)
        }
        #expect(!encrypted, "prefer fell back to plaintext, and the check says so")
    }
}
