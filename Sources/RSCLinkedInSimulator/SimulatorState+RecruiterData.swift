import Foundation
import RSCSimulatorSupport

/// A seeded company for demos and benchmarks: seats on one contract, members, and notes, InMails and stubs
/// spread over the last `hours` hours of the simulator's clock.
public struct RecruiterScenario: Sendable {
    public var organization: String
    public var contract: String
    public var seats: Int
    public var members: Int
    public var notes: Int
    public var inMails: Int
    public var stubs: Int
    public var hours: Int
    public var seed: UInt64
    /// Also name and enable CSA_API on the contract (no push), so its data can be read at once.
    public var grantRecruiterData: Bool

    public init(
        organization: String, contract: String, seats: Int, members: Int, notes: Int = 0, inMails: Int = 0,
        stubs: Int = 0, hours: Int = 24, seed: UInt64 = 1, grantRecruiterData: Bool = false
    ) {
        self.organization = organization
        self.contract = contract
        self.seats = seats
        self.members = members
        self.notes = notes
        self.inMails = inMails
        self.stubs = stubs
        self.hours = hours
        self.seed = seed
        self.grantRecruiterData = grantRecruiterData
    }
}

/// What a scenario created.
public struct RecruiterScenarioSummary: Sendable, Equatable {
    public var seats: [String]
    public var members: [String]
    public var notes: Int
    public var inMails: Int
    public var stubs: Int
}

/// Recruiter's side, scripted in-process with explicit timestamps (default: the simulator clock's now).
extension SimulatorState {
    /// Adds (or replaces) a seat on `contract`, which becomes the organization's. Returns the seat URN.
    @discardableResult
    public func addSeat(
        _ seat: String? = nil, contract: String, organization: String, member: String? = nil, firstName: String,
        lastName: String, email: String? = nil, active: Bool = true
    ) throws(SimulatorScriptError) -> String {
        let organization = OrganizationURN.normalize(organization)
        guard RecruiterURN.contract.isValid(contract) else { throw .badRequest("contract must be urn:li:contract:N") }
        guard OrganizationURN.isValid(organization) else { throw .badRequest("organization must be urn:li:organization:N") }
        if let owner = data.recruiter.contracts[contract], owner != organization {
            throw .conflict("Contract \(contract) belongs to \(owner)")
        }
        let seat = seat ?? RecruiterURN.seat.rawValue + String(data.recruiter.seats.count + 5_000_001)
        guard RecruiterURN.seat.isValid(seat) else { throw .badRequest("seat must be urn:li:seat:N") }
        let member = member ?? RecruiterURN.person.rawValue + "recruiter" + String(seat.dropFirst(RecruiterURN.seat.rawValue.count))
        guard RecruiterURN.person.isValid(member) else { throw .badRequest("member must be urn:li:person:…") }
        data.recruiter.contracts[contract] = organization
        data.recruiter.seats[seat] = SeatRecord(
            seat: seat, contract: contract, member: member, firstName: firstName, lastName: lastName, email: email,
            active: active)
        return seat
    }

    public func setSeatActive(_ seat: String, active: Bool) throws(SimulatorScriptError) {
        guard data.recruiter.seats[seat] != nil else { throw .notFound("No seat \(seat)") }
        data.recruiter.seats[seat]!.active = active
    }

    /// A note a seat writes on a member; PRIVATE notes are read like PUBLIC ones, marked by `visibility`.
    @discardableResult
    public func addProspectNote(
        owner seat: String, member: String, note: String, visibility: NoteVisibility = .public, at: Date? = nil
    ) throws(SimulatorScriptError) -> String {
        let seatRecord = try knownSeat(seat)
        guard RecruiterURN.person.isValid(member) else { throw .badRequest("member must be urn:li:person:…") }
        let time = (at ?? clock.now()).epochMilliseconds
        let id = data.recruiter.nextNoteID()
        data.recruiter.notes[id] = ProspectNoteRecord(
            id: id, member: member, owner: seat, contract: seatRecord.contract, note: note, visibility: visibility,
            created: time, lastModified: time, active: true)
        return id
    }

    public func updateProspectNote(
        _ id: String, note: String? = nil, visibility: NoteVisibility? = nil, at: Date? = nil
    ) throws(SimulatorScriptError) {
        guard var record = data.recruiter.notes[id] else { throw .notFound("No prospect note \(id)") }
        if let note { record.note = note }
        if let visibility { record.visibility = visibility }
        record.lastModified = (at ?? clock.now()).epochMilliseconds
        data.recruiter.notes[id] = record
    }

    /// Deletes a note the way Recruiter reports it: still listed, `active: false`, modified at `at`.
    public func deactivateProspectNote(_ id: String, at: Date? = nil) throws(SimulatorScriptError) {
        guard var record = data.recruiter.notes[id] else { throw .notFound("No prospect note \(id)") }
        record.active = false
        record.lastModified = (at ?? clock.now()).epochMilliseconds
        data.recruiter.notes[id] = record
    }

    /// One InMail in a thread between a seat and a member (a new thread when `thread` is nil); returns its ids.
    @discardableResult
    public func addInMail(
        seat: String, member: String, thread: String? = nil, fromMember: Bool = false, subject: String? = nil,
        body: String, at: Date? = nil
    ) throws(SimulatorScriptError) -> (id: String, thread: String) {
        _ = try knownSeat(seat)
        guard RecruiterURN.person.isValid(member) else { throw .badRequest("member must be urn:li:person:…") }
        let thread = thread ?? "urn:li:messagingThread:" + data.recruiter.nextID("t")
        let id = data.recruiter.nextID("event-")
        data.recruiter.events.append(ConversationEventRecord(
            id: id, thread: thread, seat: seat, member: member, fromMember: fromMember, subject: subject, body: body,
            createdAt: (at ?? clock.now()).epochMilliseconds))
        return (id, thread)
    }

    /// Contact details a member shared with a seat in an InMail reply.
    @discardableResult
    public func addMailStub(
        owner seat: String, member: String, emailAddress: String? = nil, phoneNumber: String? = nil, at: Date? = nil
    ) throws(SimulatorScriptError) -> String {
        let seatRecord = try knownSeat(seat)
        guard RecruiterURN.person.isValid(member) else { throw .badRequest("member must be urn:li:person:…") }
        let id = data.recruiter.nextID("stub-")
        data.recruiter.stubs.append(MailStubRecord(
            id: id, member: member, owner: seat, contract: seatRecord.contract, emailAddress: emailAddress,
            phoneNumber: phoneNumber, createdAt: (at ?? clock.now()).epochMilliseconds))
        return id
    }

    /// Builds a company deterministically from `scenario.seed`.
    @discardableResult
    public func generateScenario(_ scenario: RecruiterScenario) throws(SimulatorScriptError) -> RecruiterScenarioSummary {
        guard scenario.seats > 0, scenario.members > 0, scenario.hours > 0,
            scenario.notes >= 0, scenario.inMails >= 0, scenario.stubs >= 0
        else { throw .badRequest("seats, members and hours must be positive; counts non-negative") }
        var random = SplitMix64(seed: scenario.seed)
        let base = Int64(scenario.seed % 1000) * 1000
        var seats: [String] = []
        for index in 0..<scenario.seats {
            let number = 7_000_000 + base + Int64(index)
            seats.append(try addSeat(
                "urn:li:seat:\(number)", contract: scenario.contract, organization: scenario.organization,
                firstName: "Recruiter", lastName: "\(index + 1)", email: "recruiter\(index + 1)@example.com"))
        }
        let members = (0..<scenario.members).map { "urn:li:person:sim\(scenario.seed)m\($0 + 1)" }
        let now = clock.now()
        let span = UInt64(scenario.hours) * 3_600_000
        func pick() -> (seat: String, member: String, at: Date) {
            let seat = seats[Int(random.next() % UInt64(seats.count))]
            let member = members[Int(random.next() % UInt64(members.count))]
            let back = Double(random.next() % span) / 1000
            return (seat, member, now.addingTimeInterval(-back))
        }
        for index in 0..<scenario.notes {
            let choice = pick()
            try addProspectNote(
                owner: choice.seat, member: choice.member, note: "Note \(index + 1)",
                visibility: index % 4 == 3 ? .private : .public, at: choice.at)
        }
        for index in 0..<scenario.inMails {
            let choice = pick()
            try addInMail(
                seat: choice.seat, member: choice.member, fromMember: index % 2 == 1, subject: "Opportunity",
                body: "Message \(index + 1)", at: choice.at)
        }
        for index in 0..<scenario.stubs {
            let choice = pick()
            try addMailStub(
                owner: choice.seat, member: choice.member, emailAddress: "member\(index + 1)@example.com",
                phoneNumber: index % 2 == 0 ? "+4670000\(index)" : nil, at: choice.at)
        }
        if scenario.grantRecruiterData { try grantRecruiterData(contract: scenario.contract) }
        return RecruiterScenarioSummary(
            seats: seats, members: members, notes: scenario.notes, inMails: scenario.inMails, stubs: scenario.stubs)
    }

    /// Recruiter-data calls used in the current window, per application.
    public func recruiterDataCalls(clientID: String) -> Int {
        budgets[.recruiterData]?.usage(clientID: clientID, now: clock.now(), configuration: configuration).callsInWindow ?? 0
    }

    private func knownSeat(_ seat: String) throws(SimulatorScriptError) -> SeatRecord {
        guard let record = data.recruiter.seats[seat] else { throw .notFound("No seat \(seat)") }
        return record
    }
}
