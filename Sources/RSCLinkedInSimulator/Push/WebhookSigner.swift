import Crypto
import Foundation

/// LinkedIn's webhook scheme: `X-LI-Signature` = hex HMAC-SHA256(client secret, "hmacsha256=" + body), and the
/// validation challenge's `challengeResponse` = hex HMAC-SHA256(client secret, challengeCode).
enum WebhookSigner {
    static let signatureHeader = "X-LI-Signature"

    static func signature(body: Data, secret: String) -> String {
        hmac(Data("hmacsha256=".utf8) + body, secret: secret)
    }

    static func challengeResponse(code: String, secret: String) -> String {
        hmac(Data(code.utf8), secret: secret)
    }

    private static func hmac(_ message: Data, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }
}
