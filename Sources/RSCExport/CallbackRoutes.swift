import Foundation
import Hummingbird
import Logging
import Metrics
import RSCStore

/// LinkedIn's side of the public listener: `/linkedin/callbacks/{token}`.
///
/// Order of checks on a push: the URL must be a company's (404), the body at most 64 KiB (413), the
/// signature the company's (401), the body a notification (400), for the company's organization (403).
/// Only then is it stored — before the 202 — so a crash after answering loses nothing.
public struct CallbackRoutes: Sendable {
    public static let maxBodyBytes = 64 * 1024
    static let signatureHeader = HTTPFields.Element.Name("X-LI-Signature")!

    let directory: CallbackDirectory
    let store: NotificationStore
    let now: @Sendable () -> Date
    let logger: Logger
    /// Wakes the background processor so an export is handled at once rather than at the next poll.
    let onStored: @Sendable () -> Void

    public init(
        directory: CallbackDirectory, store: NotificationStore, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }, onStored: @escaping @Sendable () -> Void = {}
    ) {
        self.directory = directory
        self.store = store
        self.logger = logger
        self.now = now
        self.onStored = onStored
    }

    public func register(on router: Router<BasicRequestContext>) {
        let group = router.group("linkedin/callbacks")
        group.get(":token") { request, context in try await challenge(request, context) }
        group.post(":token") { request, context in try await push(request, context) }
    }

    func challenge(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard let company = try await company(context) else { return Self.unknownURL() }
        guard let code = request.uri.queryParameters["challengeCode"].map(String.init), !code.isEmpty else {
            return JSONAnswer.error(.badRequest, code: "missing_challenge", "challengeCode is required")
        }
        guard Self.isPlausibleChallengeCode(code) else {
            logger.warning("challenge refused: code outside LinkedIn's form", metadata: ["company": "\(company.companyID)"])
            return JSONAnswer.error(
                .badRequest, code: "bad_challenge",
                "challengeCode must be 1–\(Self.maxChallengeCodeLength) letters, digits, '-', '_', '.' or '~'")
        }
        logger.info("challenge answered", metadata: ["company": "\(company.companyID)"])
        return JSONAnswer.ok(.ok, ["challengeCode": code, "challengeResponse": company.signature.challengeResponse(code)])
    }

    static let maxChallengeCodeLength = 128

    /// LinkedIn's challenge codes are UUID-like tokens. The answer is HMAC(secret, code), and a push is signed
    /// as HMAC(secret, "hmacsha256=" + body): answering a code holding `=` (or any byte outside URL-safe
    /// token characters) would let anyone who knows the callback URL obtain a valid signature for a body of
    /// their choosing. So only the unreserved URL characters are answered; no push input can be one.
    static func isPlausibleChallengeCode(_ code: String) -> Bool {
        guard (1...maxChallengeCodeLength).contains(code.utf8.count) else { return false }
        return code.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                true
            default:
                false
            }
        }
    }

    func push(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard let company = try await company(context) else {
            Self.count(type: "unknown", outcome: "unknown_url")
            return Self.unknownURL()
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maxBodyBytes {
            Self.count(type: "unknown", outcome: "too_large")
            return Self.tooLarge()
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxBodyBytes)
        } catch {
            Self.count(type: "unknown", outcome: "too_large")
            return Self.tooLarge()
        }
        let bytes = body.readableBytesView
        guard company.signature.isValid(signature: request.headers[Self.signatureHeader], body: bytes) else {
            Self.count(type: "unknown", outcome: "bad_signature")
            logger.warning("push refused: signature missing or wrong", metadata: ["company": "\(company.companyID)"])
            return JSONAnswer.error(.unauthorized, code: "bad_signature", "X-LI-Signature is missing or does not match")
        }
        let notification: LinkedInNotification
        do {
            notification = try LinkedInNotification.parse(bytes)
        } catch {
            Self.count(type: "unknown", outcome: "bad_shape")
            logger.warning("push refused: not a notification", metadata: ["company": "\(company.companyID)", "reason": "\(error.reason)"])
            return JSONAnswer.error(.badRequest, code: "bad_notification", error.description)
        }
        guard notification.integrationContext == company.organizationURN else {
            Self.count(type: notification.kind.rawValue, outcome: "wrong_context")
            logger.warning(
                "push refused: integration context is not this company's",
                metadata: [
                    "company": "\(company.companyID)", "notificationId": "\(notification.notificationID)",
                    "integrationContext": "\(notification.integrationContext)",
                    "expected": "\(company.organizationURN ?? "none yet")",
                ])
            return JSONAnswer.error(.forbidden, code: "wrong_integration_context", "the notification is for another organization")
        }
        let acceptance: NotificationStore.Acceptance
        do {
            acceptance = try await store.accept(notification, companyID: company.companyID, receivedAt: now())
        } catch where StorageFailure(classifying: error) == .dataRejected {
            // Our parse let through something PostgreSQL refuses: LinkedIn would retry a 5xx forever, so the
            // push is refused as malformed, and the log names it for whoever fixes the parse.
            Self.count(type: notification.kind.rawValue, outcome: "unstorable")
            logger.error(
                "push refused: PostgreSQL refused to store it",
                metadata: ["company": "\(company.companyID)", "error": "\(loggable(error))", "type": "\(notification.kind.rawValue)"])
            return JSONAnswer.error(.badRequest, code: "unstorable_notification", "the notification holds a value that cannot be stored")
        }
        Self.count(type: notification.kind.rawValue, outcome: acceptance == .stored ? "accepted" : "duplicate")
        logger.info(
            acceptance == .stored ? "push stored" : "push already stored",
            metadata: [
                "company": "\(company.companyID)", "notificationId": "\(notification.notificationID)",
                "type": "\(notification.kind.rawValue)",
            ])
        if acceptance == .stored { onStored() }
        return JSONAnswer.ok(
            acceptance == .stored ? .accepted : .ok,
            ["notificationId": notification.notificationID, "status": acceptance == .stored ? "accepted" : "duplicate"])
    }

    private func company(_ context: BasicRequestContext) async throws -> CallbackCompany? {
        guard let token = context.parameters.get("token"), token.utf8.count <= 128 else { return nil }
        return try await directory.company(forToken: token)
    }

    static func unknownURL() -> Response {
        JSONAnswer.error(.notFound, code: "unknown_callback", "no company has this callback URL")
    }

    static func tooLarge() -> Response {
        JSONAnswer.error(.contentTooLarge, code: "body_too_large", "the body is larger than \(maxBodyBytes) bytes")
    }

    static func count(type: String, outcome: String) {
        Counter(label: "rsc_export_notifications_total", dimensions: [("type", type), ("outcome", outcome)]).increment()
    }
}
