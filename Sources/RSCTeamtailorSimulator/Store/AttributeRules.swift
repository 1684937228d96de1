import Foundation
import RSCChangeEvents

/// What a client may write to each resource, and the type each attribute must have.
// Unknown or read-only attributes are refused with 400, as jsonapi-resources (Teamtailor's stack) refuses
// "param not allowed": a typo in our client must fail a test, not be dropped silently.
enum AttributeRules {
    enum Kind { case text, flag, textList, timestamp, integer, object }

    static let candidate: [String: Kind] = [
        "first-name": .text, "last-name": .text, "email": .text, "phone": .text, "linkedin-url": .text,
        "linkedin-uid": .text, "sourced": .flag, "unsubscribed": .flag, "tags": .textList,
    ]
    static let jobApplication: [String: Kind] = [
        "sourced": .flag, "referring-site": .text, "rejected-at": .timestamp, "reject-reason": .text,
    ]
    static let note: [String: Kind] = ["note": .text, "private-note": .flag, "body": .text, "private": .flag]
    static let activity: [String: Kind] = ["code": .text, "data": .text]
    static let job: [String: Kind] = [
        "title": .text, "body": .text, "status": .text, "internal": .flag, "remote-status": .text,
        "apply-url": .text, "location": .object,
    ]
    static let stage: [String: Kind] = ["name": .text, "row-order": .integer]

    static let jobStatuses: Set<String> = ["open", "draft", "archived", "unlisted", "temp"]
    static let remoteStatuses: Set<String> = ["none", "temporary", "hybrid", "fully"]

    /// Checks every attribute's name and type; null is allowed for every kind (clears the value).
    static func check(_ attributes: [String: JSONValue], against rules: [String: Kind], extra: Set<String> = [])
        throws(APIFailure)
    {
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) where !extra.contains(name) {
            let pointer = "/data/attributes/\(name)"
            guard let kind = rules[name] else {
                throw APIFailure.badRequest("\(name) is not allowed", pointer: pointer)
            }
            if value == .null { continue }
            let fits: Bool
            switch (kind, value) {
            case (.text, .string), (.flag, .bool), (.object, .object): fits = true
            case (.integer, .number(let number)): fits = number.rounded() == number
            case (.timestamp, .string(let text)): fits = RFC3339.parse(text) != nil
            case (.textList, .array(let items)): fits = items.allSatisfy { $0.stringValue != nil }
            default: fits = false
            }
            guard fits else { throw APIFailure.badRequest("\(name) has the wrong type", pointer: pointer) }
        }
    }

    /// Shape check only (one `@`, a dotted domain, no spaces): Rails' `URI::MailTo::EMAIL_REGEXP` in spirit.
    static func isValidEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix(".")
        else { return false }
        return !email.contains(where: \.isWhitespace)
    }

    static func normalizedEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
