import Crypto
import Foundation

/// Deterministic candidate-to-member matching: each email belongs to a synthetic member unless marked "no member".
enum MemberMatching {
    /// `urn:li:person:` + the first 12 hex digits of SHA-256 of the trimmed, lowercased email.
    static func member(forEmail email: String) -> String {
        let digest = SHA256.hash(data: Data(normalize(email).utf8))
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        return "urn:li:person:" + hex.prefix(12)
    }

    static func normalize(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// The members a candidate matches: the manual match alone when one is set, else one per email with a member.
    static func matchedMembers(_ candidate: JSONObject, noMember: Set<String>) -> [String] {
        if let manual = candidate["manualMatchedMember"]?.stringValue { return [manual] }
        var members: [String] = []
        for email in candidate["emailAddresses"]?.arrayValue ?? [] {
            guard let email = email.stringValue, !noMember.contains(normalize(email)) else { continue }
            let member = member(forEmail: email)
            if !members.contains(member) { members.append(member) }
        }
        return members
    }
}
