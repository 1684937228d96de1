import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import RSCExport
import RSCSecrets
import RSCStore
import RSCTestSupport
import Testing

/// The public listener over real HTTP on loopback and a real PostgreSQL database.
@Suite("LinkedIn callbacks")
struct CallbackRoutesTests {
    static let secret = "child-secret-of-1842"
    static let organization = "urn:li:organization:55"

    struct Fixture {
        var client: PostgresClient
        var token: String
        var store: NotificationStore
    }

    func withListener(
        logs: CapturedLogs? = nil, _ body: @Sendable @escaping (any TestClientProtocol, Fixture) async throws -> Void
    ) async throws {
        let box = try SecretBox(currentKeyBase64: SecretBox.generateKeyBase64())
        let logger = logs?.logger() ?? TestPostgres.logger
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            let companies = CompanyStore(client: client, secrets: box, logger: logger)
            for (id, org, secret) in [("1842", Self.organization, Self.secret), ("77", "urn:li:organization:66", "other-secret")] {
                try await companies.add(NewCompany(
                    id: id, teamtailorToken: "tt", linkedInClientID: "client-\(id)", linkedInClientSecret: secret,
                    organizationURN: org, contractURNs: ["urn:li:contract:9"], jobsPrivate: false))
            }
            let directory = CallbackDirectory(postgres: client, secrets: box, logger: logger)
            let token = try await directory.issueToken(companyID: "1842")
            _ = try await directory.issueToken(companyID: "77")
            let store = NotificationStore(postgres: client, logger: logger)
            let router = Router(context: BasicRequestContext.self)
            router.add(middleware: JSONErrorMiddleware())
            CallbackRoutes(directory: directory, store: store, logger: logger).register(on: router)
            let app = Application(router: router, logger: logger)
            try await app.test(.live) { http in
                try await body(http, Fixture(client: client, token: token, store: store))
            }
        }
    }

    static func notification(id: String = "n-1", context: String = organization, type: String = "EXPORT_CANDIDATE_PROFILE") -> String {
        #"{"notificationId":"\#(id)","type":"\#(type)","requestId":"req-\#(id)","integrationContext":"\#(context)","occurredAt":1764238502123}"#
    }

    static func post(_ http: any TestClientProtocol, token: String, body: String, secret: String? = secret) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let secret { headers[HTTPFields.Element.Name("X-LI-Signature")!] = CallbackSignature(clientSecret: secret).sign(Array(body.utf8)) }
        return try await http.execute(uri: "/linkedin/callbacks/\(token)", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func rows(_ client: PostgresClient) async throws -> Int {
        try await client.query("SELECT count(*)::int FROM linkedin_notifications", logger: TestPostgres.logger)
            .decode(Int.self).reduce(0, +)
    }

    static func errorCode(_ response: TestResponse) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return (object?["error"] as? [String: Any])?["code"] as? String
    }

    @Test("a signed push is stored before the 202, and its replay is acknowledged without a second row")
    func storesOnceAndAcknowledges() async throws {
        try await withListener { http, fixture in
            let first = try await Self.post(http, token: fixture.token, body: Self.notification())
            #expect(first.status == .accepted)
            #expect(try await Self.rows(fixture.client) == 1)
            let replay = try await Self.post(http, token: fixture.token, body: Self.notification())
            #expect(replay.status == .ok)
            #expect(String(buffer: replay.body).contains("duplicate"))
            #expect(try await Self.rows(fixture.client) == 1)
            let claimed = try await fixture.store.claimDue(now: Date(), limit: 10, claimDuration: .seconds(60))
            #expect(claimed.map(\.companyID) == ["1842"])
            #expect(claimed.first?.notification.requestID == "req-n-1")
        }
    }

    @Test("a missing signature, a wrong one, or another company's secret → 401 and nothing stored")
    func refusesBadSignatures() async throws {
        try await withListener { http, fixture in
            for secret in [nil, "guess", "other-secret"] as [String?] {
                let response = try await Self.post(http, token: fixture.token, body: Self.notification(), secret: secret)
                #expect(response.status == .unauthorized)
                #expect(Self.errorCode(response) == "bad_signature")
            }
            #expect(try await Self.rows(fixture.client) == 0)
        }
    }

    @Test("an unknown URL → 404; a body over 64 KiB → 413; not a notification → 400; another organization → 403")
    func refusesTheRest() async throws {
        try await withListener { http, fixture in
            let unknown = try await Self.post(http, token: "not-a-token", body: Self.notification())
            #expect(unknown.status == .notFound)
            let huge = #"{"notificationId":"n","pad":""# + String(repeating: "x", count: 70_000) + #""}"#
            #expect(try await Self.post(http, token: fixture.token, body: huge).status == .contentTooLarge)
            let shapeless = try await Self.post(http, token: fixture.token, body: #"{"hello":"world"}"#)
            #expect(shapeless.status == .badRequest)
            #expect(Self.errorCode(shapeless) == "bad_notification")
            let elsewhere = try await Self.post(http, token: fixture.token, body: Self.notification(context: "urn:li:organization:66"))
            #expect(elsewhere.status == .forbidden)
            #expect(try await Self.rows(fixture.client) == 0)
        }
    }

    @Test("a signed push PostgreSQL could not store (a NUL in an id, a date past year 9999) → 400 with a JSON body, not a 5xx LinkedIn would retry forever")
    func refusesUnstorableValues() async throws {
        try await withListener { http, fixture in
            let nulInID = Self.notification(id: #"n\u0000-1"#)
            let farFuture = #"{"notificationId":"n-2","type":"EXPORT_CANDIDATE_PROFILE","requestId":"r","integrationContext":"urn:li:organization:55","occurredAt":9999999999999999}"#
            // 200 characters by Swift's count, but 400 code points by PostgreSQL's (a combining mark each).
            let combining = Self.notification(id: String(repeating: "e\u{301}", count: 200))
            for body in [nulInID, farFuture, combining] {
                let response = try await Self.post(http, token: fixture.token, body: body)
                #expect(response.status == .badRequest, "\(String(buffer: response.body))")
                #expect(Self.errorCode(response) == "bad_notification")
            }
            #expect(try await Self.rows(fixture.client) == 0)
            #expect(try await Self.post(http, token: fixture.token, body: Self.notification(id: "n-ok")).status == .accepted)
        }
    }

    @Test("the challenge is answered with HMAC-SHA256 of the code under the company's secret")
    func answersChallenge() async throws {
        try await withListener { http, fixture in
            let response = try await http.execute(uri: "/linkedin/callbacks/\(fixture.token)?challengeCode=c0de-42", method: .get)
            #expect(response.status == .ok)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String])
            #expect(object["challengeCode"] == "c0de-42")
            #expect(object["challengeResponse"] == CallbackSignatureTests.openssl(key: Self.secret, message: "c0de-42"))
            let missing = try await http.execute(uri: "/linkedin/callbacks/\(fixture.token)", method: .get)
            #expect(missing.status == .badRequest)
        }
    }

    @Test("a push signed through the challenge is refused: the forged code gets no answer, the push 401, nothing stored")
    func challengeCannotSignAPush() async throws {
        try await withListener { http, fixture in
            let body = Self.notification(id: "forged")
            // The signed input of a push is "hmacsha256=" + body; a challenge answering that code would sign it.
            let forgedCode = "hmacsha256=" + body
            let encoded = try #require(forgedCode.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let answer = try await http.execute(uri: "/linkedin/callbacks/\(fixture.token)?challengeCode=\(encoded)", method: .get)
            #expect(answer.status == .badRequest)
            #expect(Self.errorCode(answer) == "bad_challenge")
            let answered = (try? JSONSerialization.jsonObject(with: Data(buffer: answer.body)) as? [String: Any])?["challengeResponse"] as? String
            #expect(answered == nil)
            // Whatever the listener answered is what an attacker would sign with; it must not pass as a signature.
            var headers: HTTPFields = [.contentType: "application/json"]
            headers[HTTPFields.Element.Name("X-LI-Signature")!] = answered ?? String(buffer: answer.body)
            let push = try await http.execute(
                uri: "/linkedin/callbacks/\(fixture.token)", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(push.status == .unauthorized)
            #expect(try await Self.rows(fixture.client) == 0)
            // The guard is the code's form, not its prefix alone: '=' anywhere, spaces and over-long codes are refused too.
            for code in ["a%3Db", "with%20space", String(repeating: "x", count: 129)] {
                let refused = try await http.execute(uri: "/linkedin/callbacks/\(fixture.token)?challengeCode=\(code)", method: .get)
                #expect(refused.status == .badRequest, "code \(code.prefix(20))")
            }
            let uuid = try await http.execute(
                uri: "/linkedin/callbacks/\(fixture.token)?challengeCode=890e4665-4dfe-4ab1-b689-ed553bceeed2", method: .get)
            #expect(uuid.status == .ok)
        }
    }

    @Test("a challenge that also names the application (applicationId, sent for parent-child applications) is answered with the company's secret")
    func challengeWithApplicationID() async throws {
        try await withListener { http, fixture in
            let response = try await http.execute(
                uri: "/linkedin/callbacks/\(fixture.token)?challengeCode=c0de-43&applicationId=1000001", method: .get)
            #expect(response.status == .ok)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String])
            #expect(object["challengeCode"] == "c0de-43")
            #expect(object["challengeResponse"] == CallbackSignatureTests.openssl(key: Self.secret, message: "c0de-43"))
        }
    }

    @Test("a request that fails inside the listener is logged with its route and SQLSTATE, never with the callback token in its path")
    func failureLogHasNoToken() async throws {
        let logs = CapturedLogs()
        try await withListener(logs: logs) { http, fixture in
            // The token lookup fails (its table is gone), so the request escapes to the error middleware.
            try await fixture.client.query("ALTER TABLE companies RENAME TO companies_gone", logger: TestPostgres.logger)
            let response = try await Self.post(http, token: fixture.token, body: Self.notification())
            #expect(response.status == .internalServerError)
            let failure = try #require(logs.lines.first { $0.message == "request failed" }, "\(logs.text)")
            #expect(failure.metadata["route"]?.contains("linkedin/callbacks") == true, "\(failure.text)")
            #expect(failure.metadata["error"]?.contains("42P01") == true, "\(failure.text)")
            #expect(!logs.text.contains(fixture.token), "the callback token is in the log")
        }
    }
}
