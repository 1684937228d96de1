import Crypto
import Foundation

/// Encrypts tokens and client secrets for storage with AES-256-GCM, so a database dump reveals none of them.
///
/// Sealed format: `0x01 | key id (8 bytes) | nonce (12) | ciphertext | tag (16)`. The key id is the first
/// 8 bytes of SHA-256 of the key: it tells which key sealed a value, so a key can be rotated by deploying
/// the new key as current and the old one as previous, then re-sealing (`rsc secrets reseal`).
/// The context (e.g. `company/1842/teamtailor-token`) is authenticated, so a sealed value copied into
/// another row or field does not open.
public struct SecretBox: Sendable {
    // Raw key bytes: SymmetricKey is not Sendable, so one is made per operation (cheap).
    private let current: [UInt8]
    private let currentID: [UInt8]
    private let previous: [(id: [UInt8], key: [UInt8])]

    static let formatVersion: UInt8 = 1
    static let keyIDLength = 8

    /// - Parameters:
    ///   - currentKeyBase64: `RSC_SECRET_KEY`, base64 of 32 bytes; used to seal and open.
    ///   - previousKeysBase64: `RSC_SECRET_KEY_PREVIOUS` entries; used only to open values sealed before a rotation.
    public init(currentKeyBase64: String, previousKeysBase64: [String] = []) throws(SecretError) {
        current = try Self.key(fromBase64: currentKeyBase64)
        currentID = Self.keyID(current)
        var previous: [(id: [UInt8], key: [UInt8])] = []
        for text in previousKeysBase64 {
            let key = try Self.key(fromBase64: text)
            previous.append((Self.keyID(key), key))
        }
        self.previous = previous
    }

    /// A fresh random key, base64, for `RSC_SECRET_KEY`.
    public static func generateKeyBase64() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    public func seal(_ plaintext: String, context: String) throws(SecretError) -> [UInt8] {
        do {
            let box = try AES.GCM.seal(Data(plaintext.utf8), using: SymmetricKey(data: current), authenticating: Data(context.utf8))
            guard let combined = box.combined else { throw SecretError.sealFailed }
            return [Self.formatVersion] + currentID + Array(combined)
        } catch let error as SecretError {
            throw error
        } catch {
            throw SecretError.sealFailed
        }
    }

    public func open(_ sealed: [UInt8], context: String) throws(SecretError) -> String {
        let headerLength = 1 + Self.keyIDLength
        guard sealed.count > headerLength + 12 + 16, sealed[0] == Self.formatVersion else {
            throw SecretError.malformed
        }
        let id = Array(sealed[1..<headerLength])
        guard let key = id == currentID ? current : previous.first(where: { $0.id == id })?.key else {
            throw SecretError.unknownKey(keyID: Self.hex(id))
        }
        do {
            let box = try AES.GCM.SealedBox(combined: Data(sealed[headerLength...]))
            let plaintext = try AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: Data(context.utf8))
            guard let text = String(data: plaintext, encoding: .utf8) else { throw SecretError.malformed }
            return text
        } catch let error as SecretError {
            throw error
        } catch {
            throw SecretError.authenticationFailed
        }
    }

    /// Whether a value was sealed with an older key and should be re-sealed.
    public func needsReseal(_ sealed: [UInt8]) -> Bool {
        sealed.count > 1 + Self.keyIDLength && Array(sealed[1...Self.keyIDLength]) != currentID
    }

    /// The current key's id in hex, safe to log (it reveals nothing about the key).
    public var currentKeyID: String { Self.hex(currentID) }

    static func key(fromBase64 text: String) throws(SecretError) -> [UInt8] {
        guard let bytes = Data(base64Encoded: text), bytes.count == 32 else { throw SecretError.invalidKey }
        return Array(bytes)
    }

    static func keyID(_ key: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: key).prefix(keyIDLength))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

/// Why a secret could not be sealed or opened. None of these is retryable: a person must fix the key.
public enum SecretError: Error, CustomStringConvertible, Sendable, Equatable {
    case invalidKey
    case sealFailed
    case malformed
    case unknownKey(keyID: String)
    case authenticationFailed

    public var description: String {
        switch self {
        case .invalidKey: "secret key: expected base64 of 32 bytes"
        case .sealFailed: "secret could not be sealed"
        case .malformed: "sealed secret is malformed (not written by this version of rsc)"
        case .unknownKey(let id):
            "sealed secret uses key \(id), which is neither RSC_SECRET_KEY nor in RSC_SECRET_KEY_PREVIOUS"
        case .authenticationFailed: "sealed secret failed authentication (wrong key, or moved to another record)"
        }
    }
}
