import Foundation

/// Who may see a prospect note in Recruiter.
public enum NoteVisibility: String, Sendable {
    case `public` = "PUBLIC"
    case `private` = "PRIVATE"
}

/// A Recruiter seat: the licence a recruiter (a member) holds on a contract.
struct SeatRecord: Sendable {
    let seat: String
    let contract: String
    let member: String
    var firstName: String
    var lastName: String
    var email: String?
    var active: Bool

    /// LinkedIn's seat id, the number in `urn:li:seat:{id}` (the seat-holders page: "The ID returned in this call
    /// refers to the Seat ID").
    var id: Int64 { Int64(seat.dropFirst(RecruiterURN.seat.rawValue.count)) ?? 0 }

    /// A `GET /v2/seatsV2` (and `/v2/seats`) element: `id`, `contract`, `member`, `firstName`, `lastName` and
    /// `state` as the seat-holders page lists them; `email` is decided here (docs/linkedin-conformance.md, "Onboarding, integrations, recruiter data and callbacks").
    var json: SimulatedJSON {
        var object: JSONObject = [
            "id": .int(id), "contract": .string(contract), "member": .string(member),
            "firstName": .string(firstName), "lastName": .string(lastName), "state": .string(active ? "ACTIVE" : "INACTIVE"),
        ]
        if let email { object["email"] = .string(email) }
        return .object(object)
    }
}

struct ProspectNoteRecord: Sendable {
    let id: String
    let member: String
    let owner: String
    let contract: String
    var note: String
    var visibility: NoteVisibility
    let created: Int64
    var lastModified: Int64
    var active: Bool

    /// The prospect-notes page's sample has a numeric `id` and the `contract`; the rest is decided here.
    var json: SimulatedJSON {
        [
            "id": Int64(id).map(SimulatedJSON.int) ?? .string(id), "contract": .string(contract),
            "member": .string(member), "owner": .string(owner), "note": .string(note),
            "visibility": .string(visibility.rawValue), "created": .int(created), "lastModified": .int(lastModified),
            "active": .bool(active),
        ]
    }
}

struct ConversationEventRecord: Sendable {
    let id: String
    let thread: String
    /// The seat whose InMail history holds the event.
    let seat: String
    let member: String
    let fromMember: Bool
    let subject: String?
    let body: String
    let createdAt: Int64

    var json: SimulatedJSON {
        var object: JSONObject = [
            "id": .string(id), "thread": .string(thread),
            "sender": .string(fromMember ? member : seat), "recipients": [.string(fromMember ? seat : member)],
            "body": .string(body), "createdAt": .int(createdAt), "member": .string(member),
        ]
        if let subject { object["subject"] = .string(subject) }
        return .object(object)
    }
}

struct MailStubRecord: Sendable {
    let id: String
    let member: String
    let owner: String
    let contract: String
    let emailAddress: String?
    let phoneNumber: String?
    let createdAt: Int64

    var json: SimulatedJSON {
        var object: JSONObject = [
            "id": .string(id), "member": .string(member), "owner": .string(owner), "createdAt": .int(createdAt),
        ]
        if let emailAddress { object["emailAddress"] = .string(emailAddress) }
        if let phoneNumber { object["phoneNumber"] = .string(phoneNumber) }
        return .object(object)
    }
}

/// One Export to ATS, read with `GET /v2/exportedCandidates?q=request&requestId=…`.
struct ExportRecord: Sendable {
    let requestId: String
    let integrationContext: String
    let exportedAt: Int64
    let exporter: SeatRecord
    let atsJobPostingId: String?
    let candidate: ExportedProfile

    /// The element shape of the reference's "Decided here".
    var json: SimulatedJSON {
        var exporter: JSONObject = [
            "seat": .string(self.exporter.seat), "firstName": .string(self.exporter.firstName),
            "lastName": .string(self.exporter.lastName),
        ]
        if let email = self.exporter.email { exporter["email"] = .string(email) }
        var candidate: JSONObject = ["person": .string(self.candidate.person)]
        let optional: [(String, String?)] = [
            ("firstName", self.candidate.firstName), ("lastName", self.candidate.lastName),
            ("headline", self.candidate.headline), ("location", self.candidate.location),
            ("profileUrl", self.candidate.profileUrl),
        ]
        for (name, value) in optional { if let value { candidate[name] = .string(value) } }
        if !self.candidate.emailAddresses.isEmpty {
            candidate["emailAddresses"] = .array(self.candidate.emailAddresses.map(SimulatedJSON.string))
        }
        if !self.candidate.phoneNumbers.isEmpty {
            candidate["phoneNumbers"] = .array(self.candidate.phoneNumbers.map(SimulatedJSON.string))
        }
        var object: JSONObject = [
            "requestId": .string(requestId), "integrationContext": .string(integrationContext),
            "exportedAt": .int(exportedAt), "exporter": .object(exporter), "candidate": .object(candidate),
        ]
        if let atsJobPostingId { object["atsJobPostingId"] = .string(atsJobPostingId) }
        return .object(object)
    }
}

/// The member profile a recruiter exports; email and phone are often absent.
public struct ExportedProfile: Sendable, Equatable {
    /// `urn:li:person:…`
    public var person: String
    public var firstName: String?
    public var lastName: String?
    public var headline: String?
    public var location: String?
    public var profileUrl: String?
    public var emailAddresses: [String]
    public var phoneNumbers: [String]

    public init(
        person: String, firstName: String? = nil, lastName: String? = nil, headline: String? = nil,
        location: String? = nil, profileUrl: String? = nil, emailAddresses: [String] = [], phoneNumbers: [String] = []
    ) {
        self.person = person
        self.firstName = firstName
        self.lastName = lastName
        self.headline = headline
        self.location = location
        self.profileUrl = profileUrl
        self.emailAddresses = emailAddresses
        self.phoneNumbers = phoneNumbers
    }
}

/// Recruiter's own data the partner reads: contracts, seats, notes, InMails, stubs, exports.
struct RecruiterStore: Sendable {
    /// contract → organization.
    var contracts: [String: String] = [:]
    var seats: [String: SeatRecord] = [:]
    var notes: [String: ProspectNoteRecord] = [:]
    var events: [ConversationEventRecord] = []
    var stubs: [MailStubRecord] = []
    var exports: [String: ExportRecord] = [:]
    /// "seat|yyyy-MM" → exports (at most 300 a seat a month).
    var exportsPerSeatMonth: [String: Int] = [:]
    /// "clientID|member" → conversation records read in the current minute.
    var memberReads: [String: (minute: Int64, count: Int)] = [:]
    private var nextNumber = 1

    /// A bare number, as LinkedIn's prospect note ids are.
    mutating func nextNoteID() -> String {
        defer { nextNumber += 1 }
        return "\(nextNumber)"
    }

    mutating func nextID(_ prefix: String) -> String {
        defer { nextNumber += 1 }
        return "\(prefix)\(nextNumber)"
    }

    func contracts(of organization: String) -> Set<String> {
        Set(contracts.filter { $0.value == organization }.keys)
    }
}
