import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import RSCSimulatorSupport

/// POSTs a signed notification to a callback URL, retrying a non-2xx or a failed connection with doubling
/// delays; also runs the validation challenge. Logs each attempt (never the secret, signature or body).
struct PushDeliverer: Sendable {
    let attempts: Int
    let backoff: Duration
    let timeout: Duration
    let logger: Logger

    func deliver(
        _ notification: PushNotification, to url: String, secret: String, redelivery: Bool, now: @Sendable () -> Date
    ) async -> NotificationDelivery {
        let body = notification.body
        let signature = WebhookSigner.signature(body: body, secret: secret)
        var delivery = NotificationDelivery(notification: notification, url: url, attempts: [], isRedelivery: redelivery)
        for number in 1...max(1, attempts) {
            if number > 1 {
                let delay = backoff * (1 << min(number - 2, 10))
                do { try await Task.sleep(for: delay) } catch { break }
            }
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: WebhookSigner.signatureHeader, value: signature)
            request.body = .bytes(ByteBuffer(bytes: body))
            var attempt = PushAttempt(number: number, status: nil, failure: nil, at: now())
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: timeAmount, logger: logger)
                _ = try? await response.body.collect(upTo: 1 << 20)
                attempt.status = Int(response.status.code)
            } catch {
                attempt.failure = String(describing: type(of: error))
            }
            delivery.attempts.append(attempt)
            logger.info(
                "push attempt",
                metadata: [
                    "notificationId": .string(notification.notificationId), "type": .string(notification.type.rawValue),
                    "attempt": .stringConvertible(number),
                    "status": .string(attempt.status.map(String.init) ?? "no answer"),
                ])
            if attempt.succeeded || Task.isCancelled { break }
        }
        return delivery
    }

    /// `GET <url>?challengeCode=…`: passes when the answer is 200 JSON whose `challengeResponse` is the HMAC.
    /// `applicationId` names the child application whose secret answers, as LinkedIn sends it for parent-child
    /// integrations (webhook-validation page).
    func challenge(url: String, secret: String, code: String, applicationId: String? = nil) async -> CallbackValidation {
        let separator = url.contains("?") ? "&" : "?"
        let application = applicationId.map { "&applicationId=" + $0 } ?? ""
        var request = HTTPClientRequest(url: url + separator + "challengeCode=" + code + application)
        request.method = .GET
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: timeAmount, logger: logger)
            let bytes = try await response.body.collect(upTo: 1 << 20)
            let status = Int(response.status.code)
            guard status == 200 else { return CallbackValidation(passed: false, status: status, reason: "answered \(status)") }
            guard let json = SimulatedJSON.parse(Data(bytes.readableBytesView)),
                let answer = json["challengeResponse"]?.stringValue
            else { return CallbackValidation(passed: false, status: status, reason: "no challengeResponse in the answer") }
            guard answer.lowercased() == WebhookSigner.challengeResponse(code: code, secret: secret) else {
                return CallbackValidation(passed: false, status: status, reason: "challengeResponse does not match")
            }
            if let echoed = json["challengeCode"]?.stringValue, echoed != code {
                return CallbackValidation(passed: false, status: status, reason: "challengeCode echoed wrongly")
            }
            return CallbackValidation(passed: true, status: status, reason: nil)
        } catch {
            return CallbackValidation(passed: false, status: nil, reason: "no answer (\(type(of: error)))")
        }
    }

    private var timeAmount: TimeAmount {
        .milliseconds(Int64(timeout.timeInterval * 1000))
    }
}

/// The outcome of a callback validation challenge.
public struct CallbackValidation: Sendable, Equatable {
    public var passed: Bool
    /// The receiver's status, nil without an answer.
    public var status: Int?
    /// Why it failed.
    public var reason: String?
}
