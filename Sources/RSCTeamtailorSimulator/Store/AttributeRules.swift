import Foundation
import RSCChangeEvents

/// What a client may write to each resource, and the type each attribute must have.
// Unknown or read-only attributes are refused with 400, as jsonapi-resources (Teamtailor's stack) refuses
// "param not allowed": a typo in our client must fail a test, not be dropped silently.
enum AttributeRules {
    enum Kind { case text, flag, textList, timestamp, integer, object }

    /// Teamtailor/docs `candidates/_index`: every attribute not marked read only. `sourced` is marked read only yet
    /// the create notice lets it be set (email "required unless `sourced` is set to true"), so it is taken on create
    /// only; `merge`, `set-consent-expiration` and `send-welcome-message` are write (or create) only and never stored.
    static let candidate: [String: Kind] = [
        "first-name": .text, "last-name": .text, "email": .text, "phone": .text, "linkedin-url": .text,
        "linkedin-uid": .text, "unsubscribed": .flag, "tags": .textList, "pitch": .text, "picture": .text,
        "resume": .text, "referring-url": .text, "connected": .flag, "internal": .flag, "facebook-id": .text,
        "set-consent-expiration": .flag,
    ]
    static let candidateCreateOnly: [String: Kind] = ["sourced": .flag, "send-welcome-message": .flag]
    /// Accepted, acted on, never stored or served.
    static let candidateWriteOnly: Set<String> = ["set-consent-expiration", "send-welcome-message"]

    /// Teamtailor/docs `job_applications/_index`: `referring-site` is read only; the `send-…` flags are create only.
    static let jobApplication: [String: Kind] = [
        "cover-letter": .text, "sourced": .flag, "referring-url": .text, "rejected-at": .timestamp,
    ]
    static let jobApplicationCreateOnly: [String: Kind] = ["send-default-reply": .flag, "send-user-notifications": .flag]

    /// Teamtailor/docs `notes/_create`, `_update`: the text (`note`) and, decided here, `private-note`.
    static let note: [String: Kind] = ["note": .text, "private-note": .flag]
    static let job: [String: Kind] = [
        "title": .text, "body": .text, "status": .text, "internal": .flag, "remote-status": .text, "pinned": .flag,
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
                // jsonapi-resources' "param not allowed": unknown and read-only attributes alike.
                throw APIFailure.badRequest("\(name) is not allowed.", pointer: pointer)
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
