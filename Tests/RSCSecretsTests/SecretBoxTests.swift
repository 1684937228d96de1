import Foundation
import RSCSecrets
import Testing

@Suite("secrets sealed at rest")
struct SecretBoxTests {
    let key = SecretBox.generateKeyBase64()

    @Test("a sealed secret opens to the same text and does not contain it")
    func roundTrip() throws {
        let box = try SecretBox(currentKeyBase64: key)
        let sealed = try box.seal("tt-api-key-0123456789", context: "company/1/teamtailor-token")
        #expect(try box.open(sealed, context: "company/1/teamtailor-token") == "tt-api-key-0123456789")
        #expect(!String(decoding: sealed, as: UTF8.self).contains("tt-api-key"))
    }

    @Test("sealing the same text twice gives different bytes (fresh nonce)")
    func freshNonce() throws {
        let box = try SecretBox(currentKeyBase64: key)
        #expect(try box.seal("same", context: "c") != box.seal("same", context: "c"))
    }

    @Test("a value moved to another company or field does not open")
    func contextBound() throws {
        let box = try SecretBox(currentKeyBase64: key)
        let sealed = try box.seal("secret", context: "company/1/linkedin-secret")
        #expect(throws: SecretError.authenticationFailed) { try box.open(sealed, context: "company/2/linkedin-secret") }
    }

    @Test("a flipped byte is detected")
    func tamper() throws {
        let box = try SecretBox(currentKeyBase64: key)
        var sealed = try box.seal("secret", context: "c")
        sealed[sealed.count - 20] ^= 0x01
        #expect(throws: SecretError.authenticationFailed) { try box.open(sealed, context: "c") }
    }

    @Test("after a rotation the previous key still opens old values, which need re-sealing")
    func rotation() throws {
        let old = try SecretBox(currentKeyBase64: key)
        let sealed = try old.seal("secret", context: "c")
        let newKey = SecretBox.generateKeyBase64()
        let rotated = try SecretBox(currentKeyBase64: newKey, previousKeysBase64: [key])
        #expect(try rotated.open(sealed, context: "c") == "secret")
        #expect(rotated.needsReseal(sealed))
        #expect(!rotated.needsReseal(try rotated.seal("secret", context: "c")))
        let withoutOld = try SecretBox(currentKeyBase64: newKey)
        #expect(throws: SecretError.unknownKey(keyID: old.currentKeyID)) { try withoutOld.open(sealed, context: "c") }
    }

    @Test("a key that is not 32 bytes of base64 is refused")
    func badKey() {
        #expect(throws: SecretError.invalidKey) { try SecretBox(currentKeyBase64: "not-a-key") }
        #expect(throws: SecretError.invalidKey) {
            try SecretBox(currentKeyBase64: Data(repeating: 0, count: 16).base64EncodedString())
        }
    }
}
