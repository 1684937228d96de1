import Crypto
import Foundation
import Hummingbird
import Logging
import Synchronization
@testable import RSCLinkedInSimulator

/// A customer's callback endpoint on loopback: records each push, answers scripted statuses (then 200), and
/// answers LinkedIn's validation challenge with `challengeSecret`.
final class CallbackReceiver: Sendable {
    struct Push: Sendable {
        let body: Data
        let signature: String?
        var json: SimulatedJSON? { SimulatedJSON.parse(body) }
    }

    private let pushes = Mutex<[Push]>([])
    private let challengeQueries = Mutex<[[String: String]]>([])
    private let statuses: Mutex<[Int]>
    let challengeSecret: String

    init(statuses: [Int] = [], challengeSecret: String) {
        self.statuses = Mutex(statuses)
        self.challengeSecret = challengeSecret
    }

    var received: [Push] { pushes.withLock { $0 } }
    /// The query parameters of each validation challenge, in order.
    var challenges: [[String: String]] { challengeQueries.withLock { $0 } }

    fileprivate func recordChallenge(_ query: [String: String]) {
        challengeQueries.withLock { $0.append(query) }
    }

    fileprivate func record(_ push: Push) -> Int {
        pushes.withLock { $0.append(push) }
        return statuses.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
    }

    /// hex HMAC-SHA256, computed independently of the simulator's signer.
    static func hmacHex(_ message: Data, secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }
}

/// Runs a receiver on a free port for `body`, passing its callback URL.
func withReceiver(
    _ receiver: CallbackReceiver, _ body: @escaping @Sendable (String) async throws -> Void
) async throws {
    let router = Router()
    router.post("/callback") { request, _ -> Response in
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let status = receiver.record(.init(
            body: Data(buffer.readableBytesView), signature: request.headers[HTTPFields.Element.Name("X-LI-Signature")!]))
        return Response(status: .init(code: status))
    }
    router.get("/callback") { request, _ -> Response in
        let code = request.uri.queryParameters.get("challengeCode") ?? ""
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        receiver.recordChallenge(query)
        let answer: SimulatedJSON = [
            "challengeCode": .string(code),
            "challengeResponse": .string(CallbackReceiver.hmacHex(Data(code.utf8), secret: receiver.challengeSecret)),
        ]
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.encoded())))
    }
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "callback-receiver")
    // Cancelling the receiver at the end of a test logs channel errors that mean nothing here.
    logger.logLevel = .critical
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        try await body("http://127.0.0.1:\(port)/callback")
        group.cancelAll()
    }
}

/// Onboarding steps over HTTP, for the tests that need an onboarded customer.
extension Harness {
    static let contract = "urn:li:contract:900"
    static let seat = "urn:li:seat:501"

    func partnerToken() async throws -> String {
        try await token(clientID: LinkedInSimulatorConfiguration().partnerClientID, secret: LinkedInSimulatorConfiguration().partnerClientSecret)
    }

    static func integrationQuery(_ keys: [(context: String, type: String)]) -> String {
        keys.enumerated().map { index, key in
            "ids%5B\(index)%5D.integrationContext=\(Keys.encode(key.context))&ids%5B\(index)%5D.integrationType=\(key.type)"
                + "&ids%5B\(index)%5D.tenantType=RECRUITER&ids%5B\(index)%5D.dataProvider=ATS"
        }.joined(separator: "&")
    }

    static func integrationBodyKey(_ context: String, _ type: String) -> String {
        "integrationContext=\(context)&integrationType=\(type)&tenantType=RECRUITER&dataProvider=ATS"
    }

    /// The key as a batch answer spells it (Rest.li 1.0: fields sorted, values form-encoded).
    static func integrationAnswerKey(_ context: String, _ type: String) -> String {
        RestliKey(fields: [
            "integrationContext": context, "integrationType": type, "tenantType": "RECRUITER", "dataProvider": "ATS",
        ]).answerForm
    }

    static let allIntegrations: [(context: String, type: String)] = [
        (org, "ONE_CLICK_EXPORT"), (org, "IN_ATS_INDICATOR"), (org, "PROFILE_PLUGIN"), (contract, "CSA_API"),
    ]

    func nameIntegrations(_ keys: [(context: String, type: String)] = Harness.allIntegrations, token: String) async throws -> Reply {
        var entities: JSONObject = [:]
        for key in keys {
            entities[Self.integrationBodyKey(key.context, key.type)] = ["patch": ["$set": ["integrationName": "Teamtailor"]]]
        }
        return try await call(
            .post, "/v2/atsIntegrations?" + Self.integrationQuery(keys), token: token, restli: "batch_partial_update",
            json: ["entities": .object(entities)])
    }

    func registerCallback(_ url: String, token: String) async throws -> Reply {
        let key = "integrationContext=\(Keys.encode(Harness.org))&integrationType=ONE_CLICK_EXPORT&tenantType=RECRUITER&dataProvider=ATS"
        return try await call(
            .put, "/v2/atsIntegrations/\(key)/configurations?ids=CALLBACK_URL", token: token, restli: "batch_update",
            json: ["entities": ["CALLBACK_URL": ["configurationValue": ["string": .string(url)]]]])
    }

    /// Seat 501 on contract 900 of org 123, all four integrations named, the callback registered (when given).
    func onboard(callback: String?) async throws -> String {
        try await state.addSeat(
            Harness.seat, contract: Harness.contract, organization: Harness.org, firstName: "Rita", lastName: "Recruiter",
            email: "rita@example.com")
        let token = try await token()
        _ = try await nameIntegrations(token: token)
        if let callback { _ = try await registerCallback(callback, token: token) }
        return token
    }
}
