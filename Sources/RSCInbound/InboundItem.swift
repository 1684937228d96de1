import Foundation
import RSCLinkedInClient

/// One LinkedIn item on its way into Teamtailor: a prospect note, an InMail or a shared-contact stub.
/// Stored as `inbound_items.payload` until written (it holds personal data; never log it).
public struct InboundItem: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case note
        case inMail = "inmail"
        case stub
    }

    public var kind: Kind
    public var id: String
    public var member: String
    public var seat: String
    /// Notes: lastModified; InMails and stubs: createdAt (epoch milliseconds). A higher version replaces a lower.
    public var version: Int64
    public var createdAt: Int64
    /// Note text or InMail body.
    public var text: String?
    /// Notes: false once LinkedIn marks the note deleted.
    public var active: Bool
    /// Notes: PUBLIC ("global scope"); a private note is never written, and one made private is removed.
    public var isPublic: Bool
    public var subject: String?
    public var thread: String?
    public var sender: String?
    public var email: String?
    public var phone: String?

    init(kind: Kind, id: String, member: String, seat: String, version: Int64) {
        self.kind = kind
        self.id = id
        self.member = member
        self.seat = seat
        self.version = version
        createdAt = version
        active = true
        isPublic = true
    }

    init(note: ProspectNote) {
        kind = .note
        id = note.id
        member = note.member
        seat = note.owner
        version = note.lastModified
        createdAt = note.created
        isPublic = note.visibility == .public
        // A private note's text never leaves LinkedIn's answer.
        text = isPublic ? note.note : nil
        active = note.active
    }

    init(inMail event: ConversationEvent, seat: String) {
        kind = .inMail
        id = event.id
        member = event.member
        self.seat = seat
        version = event.createdAt
        createdAt = event.createdAt
        text = event.body
        active = true
        isPublic = true
        subject = event.subject
        thread = event.thread
        sender = event.sender
    }

    init(stub: MailStub) {
        kind = .stub
        id = stub.id
        member = stub.member
        seat = stub.owner
        version = stub.createdAt
        createdAt = stub.createdAt
        active = true
        isPublic = true
        email = stub.emailAddress?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        phone = stub.phoneNumber?.trimmingCharacters(in: .whitespaces).nilIfEmpty
    }

    /// Whether Teamtailor should show this item at all (else it is removed there, or never written).
    var shouldBeShown: Bool { kind != .note || (active && isPublic) }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
