import Crypto

/// LinkedIn's webhook scheme, pure: `X-LI-Signature` = hex HMAC-SHA256(key: client secret,
/// message: "hmacsha256=" + raw body), and the validation answer `challengeResponse` = hex HMAC-SHA256(secret, code).
public enum LinkedInWebhookSignature {
    public static let header = "X-LI-Signature"

    /// The signature LinkedIn sends for `body`.
    public static func sign(body: [UInt8], secret: String) -> String {
        hmac(key: secret, message: Array("hmacsha256=".utf8) + body)
    }

    /// True when `signature` (hex, any case) is the body's; compared in constant time.
    public static func verify(signature: String, body: [UInt8], secret: String) -> Bool {
        let expected = Array(sign(body: body, secret: secret).utf8)
        let given = Array(signature.lowercased().utf8.drop { $0 == 0x20 }.reversed().drop { $0 == 0x20 }.reversed())
        guard given.count == expected.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }

    /// The `challengeResponse` for a `GET <callback>?challengeCode=…`.
    public static func challengeResponse(code: String, secret: String) -> String {
        hmac(key: secret, message: Array(code.utf8))
    }

    static func hmac(key: String, message: [UInt8]) -> String {
        hex(Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(key.utf8)))))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
