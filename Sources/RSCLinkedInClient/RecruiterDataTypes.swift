import Foundation
import RSCChangeEvents

/// A time window for recruiter data in epoch milliseconds; LinkedIn allows at most 12 hours. Each finder reads its
/// bounds its own way — InMails and stubs `[start, end)`, prospect notes `(start, end]` — so consecutive windows
/// sharing a bound neither skip nor repeat an item exactly on it.
public struct RecruiterDataWindow: Sendable, Equatable {
    public static let maxLengthMilliseconds: Int64 = 12 * 3600 * 1000

    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// `from…to` cut into windows of at most 12 hours that share their bounds, oldest first.
    public static func covering(from start: Int64, to end: Int64, length: Int64 = maxLengthMilliseconds) -> [RecruiterDataWindow] {
        guard end > start, length > 0 else { return [] }
        return stride(from: start, to: end, by: Int(length)).map { RecruiterDataWindow(start: $0, end: min(end, $0 + length)) }
    }
}

/// One page of a recruiter-data finder.
public struct RecruiterDataPage<Element: Sendable & Equatable>: Sendable, Equatable {
    public var elements: [Element]
    /// Where the next page starts, nil on the last page.
    public var nextStart: Int?
    public var hasMore: Bool { nextStart != nil }
}

/// A Recruiter seat on a contract and the recruiter holding it.
public struct RecruiterSeat: Sendable, Equatable {
    /// `urn:li:seat:{id}`, built from the element's `id` (the seat-holders page).
    public var seat: String
    public var contract: String?
    public var member: String?
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var active: Bool
}

/// A note a seat wrote on a member; `active == false` means deleted (delete it in the ATS too).
public struct ProspectNote: Sendable, Equatable {
    public enum Visibility: String, Sendable { case `public` = "PUBLIC", `private` = "PRIVATE" }
    public var id: String
    public var member: String
    public var owner: String
    public var note: String
    public var visibility: Visibility
    public var created: Int64
    public var lastModified: Int64
    public var active: Bool
}

/// One InMail in a seat's history.
public struct ConversationEvent: Sendable, Equatable {
    public var id: String
    public var thread: String
    public var sender: String
    public var recipients: [String]
    public var subject: String?
    public var body: String?
    public var createdAt: Int64
    public var member: String
}

/// Contact details a member shared in an InMail reply.
public struct MailStub: Sendable, Equatable {
    public var id: String
    public var member: String
    public var owner: String
    public var emailAddress: String?
    public var phoneNumber: String?
    public var createdAt: Int64
}

extension ElementDecoding {
    /// Elements decoded (unreadable ones skipped and counted) and the next page's start.
    static func page<T: Sendable & Equatable>(_ answer: JSONValue, start: Int, count: Int, _ decode: (JSONValue) -> T?) -> (RecruiterDataPage<T>, skipped: Int) {
        let raw = elements(answer)
        let decoded = raw.compactMap(decode)
        let next = start + raw.count
        let more: Bool
        if let total = millis(answer["paging"]?["total"]) {
            more = Int64(next) < total
        } else {
            more = raw.count == count
        }
        return (RecruiterDataPage(elements: decoded, nextStart: more && !raw.isEmpty ? next : nil), raw.count - decoded.count)
    }

    /// An id LinkedIn may send as a number or a string, as text.
    static func identifier(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)? where !text.isEmpty: text
        case .number(let number)?: Int64(exactly: number).map { String($0) }
        default: nil
        }
    }

    static func seat(_ value: JSONValue) -> RecruiterSeat? {
        guard let id = identifier(value["id"]) else { return nil }
        let active = value["state"]?.stringValue.map { $0 == "ACTIVE" } ?? value["active"]?.boolValue ?? true
        return RecruiterSeat(
            seat: "urn:li:seat:" + id, contract: value["contract"]?.stringValue, member: value["member"]?.stringValue,
            firstName: value["firstName"]?.stringValue, lastName: value["lastName"]?.stringValue,
            email: value["email"]?.stringValue, active: active)
    }

    static func prospectNote(_ value: JSONValue) -> ProspectNote? {
        guard let id = identifier(value["id"]), let member = value["member"]?.stringValue,
              let owner = value["owner"]?.stringValue, let created = millis(value["created"]),
              let modified = millis(value["lastModified"]) else { return nil }
        return ProspectNote(
            id: id, member: member, owner: owner, note: value["note"]?.stringValue ?? "",
            visibility: value["visibility"]?.stringValue.flatMap(ProspectNote.Visibility.init(rawValue:)) ?? .public,
            created: created, lastModified: modified, active: value["active"]?.boolValue ?? true)
    }

    static func conversationEvent(_ value: JSONValue) -> ConversationEvent? {
        guard let id = value["id"]?.stringValue, let thread = value["thread"]?.stringValue,
              let sender = value["sender"]?.stringValue, let created = millis(value["createdAt"]),
              let member = value["member"]?.stringValue else { return nil }
        return ConversationEvent(
            id: id, thread: thread, sender: sender, recipients: strings(value["recipients"]),
            subject: value["subject"]?.stringValue, body: value["body"]?.stringValue, createdAt: created, member: member)
    }

    static func mailStub(_ value: JSONValue) -> MailStub? {
        guard let id = value["id"]?.stringValue, let member = value["member"]?.stringValue,
              let owner = value["owner"]?.stringValue, let created = millis(value["createdAt"]) else { return nil }
        return MailStub(id: id, member: member, owner: owner, emailAddress: value["emailAddress"]?.stringValue,
                        phoneNumber: value["phoneNumber"]?.stringValue, createdAt: created)
    }
}
