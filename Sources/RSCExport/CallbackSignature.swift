import Foundation
import RSCLinkedInClient

/// A company's side of LinkedIn's webhook scheme (`LinkedInWebhookSignature`), holding its client secret:
/// the listener verifies pushes and answers challenges with it.
public struct CallbackSignature: Sendable {
    let secret: String

    public init(clientSecret: String) {
        secret = clientSecret
    }

    /// The signature LinkedIn would send for `body`.
    public func sign(_ body: some Collection<UInt8>) -> String {
        LinkedInWebhookSignature.sign(body: Array(body), secret: secret)
    }

    /// Constant-time: how many characters match must not leak through the answer's timing.
    public func isValid(signature: String?, body: some Collection<UInt8>) -> Bool {
        guard let signature, !signature.isEmpty else { return false }
        return LinkedInWebhookSignature.verify(signature: signature, body: Array(body), secret: secret)
    }

    public func challengeResponse(_ challengeCode: String) -> String {
        LinkedInWebhookSignature.challengeResponse(code: challengeCode, secret: secret)
    }
}
