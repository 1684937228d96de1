import Foundation
import RSCExport
import Testing

@Suite("LinkedIn webhook signatures")
struct CallbackSignatureTests {
    // Reference values computed independently: printf 'hmacsha256={"a":1}' | openssl dgst -sha256 -hmac s3cret
    @Test("a push is signed as hex HMAC-SHA256 of \"hmacsha256=\" + body with the client secret")
    func signsLikeLinkedIn() {
        let signature = CallbackSignature(clientSecret: "s3cret")
        #expect(signature.sign(Array(#"{"a":1}"#.utf8)) == Self.openssl(key: "s3cret", message: #"hmacsha256={"a":1}"#))
        #expect(signature.challengeResponse("abc123") == Self.openssl(key: "s3cret", message: "abc123"))
    }

    @Test("only the right secret and the exact body verify; upper-case hex is accepted")
    func verifies() {
        let body = Array(#"{"notificationId":"n1"}"#.utf8)
        let right = CallbackSignature(clientSecret: "right")
        let good = right.sign(body)
        #expect(right.isValid(signature: good, body: body))
        #expect(right.isValid(signature: good.uppercased(), body: body))
        #expect(!right.isValid(signature: CallbackSignature(clientSecret: "other").sign(body), body: body))
        #expect(!right.isValid(signature: good, body: body + [0x20]))
        #expect(!right.isValid(signature: nil, body: body))
        #expect(!right.isValid(signature: "", body: body))
        #expect(!right.isValid(signature: String(good.dropLast()), body: body))
    }

    static func openssl(key: String, message: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["dgst", "-sha256", "-hmac", key, "-r"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try? process.run()
        input.fileHandleForWriting.write(Data(message.utf8))
        try? input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix { !$0.isWhitespace })
    }
}

@Suite("LinkedIn notification bodies")
struct LinkedInNotificationTests {
    @Test("a well-formed export notification parses")
    func parses() throws {
        let body = #"{"notificationId":"n-1","type":"EXPORT_CANDIDATE_PROFILE","requestId":"r-9","integrationContext":"urn:li:organization:55","occurredAt":1764238502123}"#
        let notification = try LinkedInNotification.parse(Array(body.utf8))
        #expect(notification.kind == .exportCandidateProfile)
        #expect(notification.notificationID == "n-1")
        #expect(notification.requestID == "r-9")
        #expect(notification.occurredAt == Date(timeIntervalSince1970: 1_764_238_502.123))
    }

    @Test("each broken field is named", arguments: [
        (#"[1,2]"#, "not a JSON object"),
        (#"not json"#, "not a JSON object"),
        (#"{"type":"EXPORT_CANDIDATE_PROFILE","requestId":"r","integrationContext":"urn:li:organization:1"}"#, "notificationId"),
        (#"{"notificationId":"n","type":"SOMETHING","requestId":"r","integrationContext":"urn:li:organization:1"}"#, "type must be"),
        (#"{"notificationId":"n","type":"EXPORT_CANDIDATE_PROFILE","requestId":"r","integrationContext":"urn:li:contract:1"}"#, "organization URN"),
        (#"{"notificationId":7,"type":"EXPORT_CANDIDATE_PROFILE","requestId":"r","integrationContext":"urn:li:organization:1"}"#, "notificationId has the wrong type"),
        (#"{"notificationId":"n","type":"EXPORT_CANDIDATE_PROFILE","requestId":"r","integrationContext":"urn:li:organization:1","occurredAt":true}"#, "occurredAt"),
        (#"{"notificationId":"n","type":"EXPORT_CANDIDATE_PROFILE","requestId":"","integrationContext":"urn:li:organization:1"}"#, "requestId"),
    ])
    func refuses(body: String, mentioning: String) {
        #expect {
            _ = try LinkedInNotification.parse(Array(body.utf8))
        } throws: { error in
            (error as? NotificationShapeError)?.reason.contains(mentioning) == true
        }
    }
}
