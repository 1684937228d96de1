import Foundation
import RSCChangeEvents

/// One company's Teamtailor data and every rule that keeps it consistent; pure (no I/O, the clock is passed in).
// Writes return the `RecordChange`s they made so the state can publish them as change events.
struct CompanyStore: Sendable {
    let companyID: String
    var apiKey: String
    private(set) var collections: [SimulatedTeamtailorResource: RecordCollection] = [:]
    private var lastID: [SimulatedTeamtailorResource: Int] = [:]
    /// Normalized email → candidate: emails are unique per company.
    private var candidateByEmail: [String: Int] = [:]
    private var stagesByJob: [Int: [Int]] = [:]
    private var applicationKeys: Set<ApplicationKey> = []

    private struct ApplicationKey: Hashable { var candidate: Int, job: Int }

    init(companyID: String, apiKey: String) {
        self.companyID = companyID
        self.apiKey = apiKey
    }

    // MARK: Reading

    func collection(_ resource: SimulatedTeamtailorResource) -> RecordCollection {
        collections[resource] ?? RecordCollection()
    }

    func record(_ resource: SimulatedTeamtailorResource, _ id: Int) -> SimulatedTeamtailorRecord? {
        collections[resource]?[id]
    }

    func candidateID(email: String) -> Int? { candidateByEmail[AttributeRules.normalizedEmail(email)] }

    func stages(ofJob job: Int) -> [Int] { stagesByJob[job] ?? [] }

    /// `{"email","first-name","last-name"}` of a user, as the contract's `recruiter`/`author`/`interviewer`.
    func person(user id: Int?) -> JSONValue {
        guard let id, let user = record(.users, id) else { return .null }
        // The contract's nested members may be absent, never null (schemas/kafka: strings when present).
        let parts = (user.attributes["name"]?.stringValue ?? "").split(separator: " ", maxSplits: 1).map(String.init)
        var person: [String: JSONValue] = [:]
        if let email = user.attributes["email"]?.stringValue { person["email"] = .string(email) }
        if let first = parts.first { person["first-name"] = .string(first) }
        if parts.count > 1 { person["last-name"] = .string(parts[1]) }
        return .object(person)
    }

    // MARK: Inserting (seeding and creates)

    mutating func reserve(_ resource: SimulatedTeamtailorResource, _ capacity: Int) {
        collections[resource, default: RecordCollection()].reserveCapacity(capacity)
    }

    /// Stores a new record with the next id; keeps the indexes. Callers have validated it.
    @discardableResult
    mutating func insert(
        _ resource: SimulatedTeamtailorResource, attributes: [String: JSONValue],
        relationships: [String: SimulatedLink?] = [:], toMany: [String: [SimulatedLink]] = [:], updatedAt: Date
    ) -> SimulatedTeamtailorRecord {
        let id = (lastID[resource] ?? 0) + 1
        lastID[resource] = id
        let record = SimulatedTeamtailorRecord(
            resource: resource, id: id, attributes: attributes, relationships: relationships, toMany: toMany,
            updatedAt: updatedAt.timeIntervalSince1970)
        collections[resource, default: RecordCollection()].append(record)
        switch resource {
        case .candidates:
            if let email = attributes["email"]?.stringValue { candidateByEmail[AttributeRules.normalizedEmail(email)] = id }
        case .stages:
            if let job = record.link("job") { stagesByJob[job.id, default: []].append(id) }
        case .jobApplications:
            if let candidate = record.link("candidate"), let job = record.link("job") {
                applicationKeys.insert(ApplicationKey(candidate: candidate.id, job: job.id))
            }
        default: break
        }
        return record
    }

    /// Applies attribute changes and stamps `updated-at`.
    private mutating func touch(
        _ resource: SimulatedTeamtailorResource, _ id: Int, now: Date,
        _ change: (inout SimulatedTeamtailorRecord) -> Void
    ) -> RecordChange {
        collections[resource]?.update(id) { record in
            change(&record)
            record.attributes["updated-at"] = .string(TimestampText.format(now))
            record.updatedAt = now.timeIntervalSince1970
        }
        return RecordChange(resource: resource, id: id, action: .update)
    }

    private func existing(_ resource: SimulatedTeamtailorResource, _ id: Int, pointer: String? = nil) throws(APIFailure)
        -> SimulatedTeamtailorRecord
    {
        guard let record = record(resource, id) else {
            throw APIFailure.notFound("No \(resource.rawValue) record with id \(id)", pointer: pointer)
        }
        return record
    }

    // MARK: Candidates

    /// `POST /v1/candidates`. With `merge`, an existing candidate with the same email takes the given values
    /// instead of the call failing; the answer says which happened.
    mutating func createCandidate(_ given: [String: JSONValue], merge: Bool, now: Date) throws(APIFailure)
        -> (record: SimulatedTeamtailorRecord, change: RecordChange)
    {
        try AttributeRules.check(given, against: AttributeRules.candidate.merging(AttributeRules.candidateCreateOnly) { a, _ in a })
        let email = given["email"]?.stringValue
        let given = given.filter { !AttributeRules.candidateWriteOnly.contains($0.key) }
        if let email {
            guard AttributeRules.isValidEmail(email) else { throw APIFailure.invalid("email", "is invalid") }
            if let taken = candidateID(email: email) {
                guard merge else { throw APIFailure.invalid("email", "has already been taken") }
                let change = try updateCandidate(taken, given.filter { $0.value != .null && $0.key != "sourced" }, now: now)
                return (record(.candidates, taken)!, change)
            }
        } else if given["sourced"]?.boolValue != true {
            // Sourced candidates (found by a recruiter) may lack an email; applicants may not.
            throw APIFailure.invalid("email", "can't be blank")
        }
        var attributes: [String: JSONValue] = [
            "first-name": .null, "last-name": .null, "email": .null, "phone": .null, "linkedin-url": .null,
            "linkedin-uid": .null, "sourced": .bool(false), "unsubscribed": .bool(false), "tags": .array([]),
            "connected": .bool(false), "internal": .bool(false), "referred": .bool(false),
        ]
        attributes.merge(given) { _, new in new }
        if attributes["tags"] == .null { attributes["tags"] = .array([]) }
        let stamp = JSONValue.string(TimestampText.format(now))
        attributes["created-at"] = stamp
        attributes["updated-at"] = stamp
        let record = insert(.candidates, attributes: attributes, updatedAt: now)
        return (record, RecordChange(resource: .candidates, id: record.id, action: .create))
    }

    /// `PATCH /v1/candidates/{id}`: only the given attributes change.
    mutating func updateCandidate(_ id: Int, _ given: [String: JSONValue], now: Date) throws(APIFailure) -> RecordChange {
        try AttributeRules.check(given, against: AttributeRules.candidate)
        let given = given.filter { !AttributeRules.candidateWriteOnly.contains($0.key) }
        let current = try existing(.candidates, id)
        if let email = given["email"]?.stringValue {
            guard AttributeRules.isValidEmail(email) else { throw APIFailure.invalid("email", "is invalid") }
            if let owner = candidateID(email: email), owner != id { throw APIFailure.invalid("email", "has already been taken") }
        }
        if given.keys.contains("email") {
            if let old = current.attributes["email"]?.stringValue { candidateByEmail[AttributeRules.normalizedEmail(old)] = nil }
            if let email = given["email"]?.stringValue { candidateByEmail[AttributeRules.normalizedEmail(email)] = id }
        }
        return touch(.candidates, id, now: now) { record in
            record.attributes.merge(given) { _, new in new }
            if record.attributes["tags"] == .null { record.attributes["tags"] = .array([]) }
        }
    }

    /// Deletes a candidate with its applications, interviews, notes and activities (Teamtailor cascades too).
    /// Only the candidate's `destroy` is a change: by the contract its consumers delete what hangs under it.
    mutating func deleteCandidate(_ id: Int) throws(APIFailure) -> RecordChange {
        let candidate = try existing(.candidates, id)
        if let email = candidate.attributes["email"]?.stringValue { candidateByEmail[AttributeRules.normalizedEmail(email)] = nil }
        collections[.candidates]?.removeAll { $0.id == id }
        for resource in [SimulatedTeamtailorResource.jobApplications, .interviews, .notes, .activities] {
            let removed = collections[resource]?.removeAll { $0.link("candidate")?.id == id } ?? []
            if resource == .jobApplications && !removed.isEmpty {
                applicationKeys = applicationKeys.filter { $0.candidate != id }
            }
        }
        return RecordChange(resource: .candidates, id: id, action: .destroy)
    }

    // MARK: Jobs and stages (Swift helpers: the client never writes them)

    mutating func updateJob(_ id: Int, _ given: [String: JSONValue], now: Date) throws(APIFailure) -> RecordChange {
        try AttributeRules.check(given, against: AttributeRules.job)
        _ = try existing(.jobs, id)
        if let status = given["status"]?.stringValue, !AttributeRules.jobStatuses.contains(status) {
            throw APIFailure.invalid("status", "is not included in the list")
        }
        if let remote = given["remote-status"]?.stringValue, !AttributeRules.remoteStatuses.contains(remote) {
            throw APIFailure.invalid("remote-status", "is not included in the list")
        }
        return touch(.jobs, id, now: now) { $0.attributes.merge(given) { _, new in new } }
    }

    mutating func updateStage(_ id: Int, _ given: [String: JSONValue], now: Date) throws(APIFailure) -> RecordChange {
        try AttributeRules.check(given, against: AttributeRules.stage)
        _ = try existing(.stages, id)
        if let name = given["name"], name.stringValue?.isEmpty ?? true { throw APIFailure.invalid("name", "can't be blank") }
        return touch(.stages, id, now: now) { $0.attributes.merge(given) { _, new in new } }
    }

    // MARK: Job applications

    /// `POST /v1/job-applications`: a candidate applies to a job, entering its Inbox unless a stage is named.
    /// An unknown candidate, job or stage is 404 (JSON:API: "references a related resource that does not exist").
    mutating func createApplication(
        candidate: Int, job: Int, stage: Int?, _ given: [String: JSONValue], now: Date
    ) throws(APIFailure) -> (record: SimulatedTeamtailorRecord, change: RecordChange) {
        try AttributeRules.check(given, against: AttributeRules.jobApplication.merging(AttributeRules.jobApplicationCreateOnly) { a, _ in a })
        let given = given.filter { AttributeRules.jobApplicationCreateOnly[$0.key] == nil }
        _ = try existing(.candidates, candidate, pointer: "/data/relationships/candidate")
        _ = try existing(.jobs, job, pointer: "/data/relationships/job")
        let stageID: Int
        if let stage { stageID = stage } else { stageID = try inbox(ofJob: job) }
        try checkStage(stageID, belongsTo: job)
        guard !applicationKeys.contains(ApplicationKey(candidate: candidate, job: job)) else {
            throw APIFailure.invalid("candidate", "has already applied to this job", pointer: "/data/relationships/candidate")
        }
        let stamp = JSONValue.string(TimestampText.format(now))
        var attributes: [String: JSONValue] = [
            "created-at": stamp, "updated-at": stamp, "changed-stage-at": stamp, "rejected-at": .null,
            "sourced": .bool(false), "referring-site": .null, "referring-url": .null, "cover-letter": .null,
        ]
        attributes.merge(given) { _, new in new }
        let record = insert(
            .jobApplications, attributes: attributes,
            relationships: [
                "candidate": SimulatedLink(.candidates, candidate), "job": SimulatedLink(.jobs, job),
                "stage": SimulatedLink(.stages, stageID), "reject-reason": nil,
            ],
            updatedAt: now)
        return (record, RecordChange(resource: .jobApplications, id: record.id, action: .create))
    }

    /// Moves an application to another stage of its job and/or rejects (or un-rejects) it.
    mutating func updateApplication(
        _ id: Int, stage: Int?, rejectReason: Int? = nil, _ given: [String: JSONValue], now: Date
    ) throws(APIFailure) -> RecordChange {
        try AttributeRules.check(given, against: AttributeRules.jobApplication)
        let current = try existing(.jobApplications, id)
        if let stage, let job = current.link("job") {
            _ = try existing(.stages, stage, pointer: "/data/relationships/stage")
            try checkStage(stage, belongsTo: job.id)
        }
        if let rejectReason { _ = try existing(.rejectReasons, rejectReason, pointer: "/data/relationships/reject-reason") }
        return touch(.jobApplications, id, now: now) { record in
            record.attributes.merge(given) { _, new in new }
            if let rejectReason { record.relationships["reject-reason"] = SimulatedLink(.rejectReasons, rejectReason) }
            if let stage, record.link("stage")?.id != stage {
                record.relationships["stage"] = SimulatedLink(.stages, stage)
                record.attributes["changed-stage-at"] = .string(TimestampText.format(now))
            }
        }
    }

    private func inbox(ofJob job: Int) throws(APIFailure) -> Int {
        let inbox = stages(ofJob: job).first { record(.stages, $0)?.attributes["legacy-stage-type-name"]?.stringValue == "Inbox" }
        guard let inbox else { throw APIFailure.invalid("stage", "can't be blank", pointer: "/data/relationships/stage") }
        return inbox
    }

    private func checkStage(_ stage: Int, belongsTo job: Int) throws(APIFailure) {
        guard record(.stages, stage) != nil else {
            throw APIFailure.notFound("No stages record with id \(stage)", pointer: "/data/relationships/stage")
        }
        guard stages(ofJob: job).contains(stage) else {
            throw APIFailure.invalid("stage", "must belong to the application's job", pointer: "/data/relationships/stage")
        }
    }

    // MARK: Notes (the contract's comments)

    /// `POST /v1/notes`: a comment on a candidate, credited to a user, optionally about one application.
    mutating func createNote(
        candidate: Int, user: Int, application: Int?, text: String?, isPrivate: Bool, now: Date
    ) throws(APIFailure) -> (record: SimulatedTeamtailorRecord, change: RecordChange) {
        _ = try existing(.candidates, candidate, pointer: "/data/relationships/candidate")
        _ = try existing(.users, user, pointer: "/data/relationships/user")
        if let application { _ = try existing(.jobApplications, application, pointer: "/data/relationships/job-application") }
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIFailure.invalid("note", "can't be blank")
        }
        let stamp = JSONValue.string(TimestampText.format(now))
        let record = insert(
            .notes,
            attributes: Self.noteAttributes(text: text, isPrivate: isPrivate, user: user, candidate: candidate, stamp: stamp),
            relationships: [
                "candidate": SimulatedLink(.candidates, candidate), "user": SimulatedLink(.users, user),
                "job-application": application.map { SimulatedLink(.jobApplications, $0) },
            ],
            updatedAt: now)
        return (record, RecordChange(resource: .notes, id: record.id, action: .create))
    }

    /// Teamtailor/docs `notes/_index`: the note object's attributes.
    static func noteAttributes(text: String, isPrivate: Bool, user: Int, candidate: Int, stamp: JSONValue) -> [String: JSONValue] {
        [
            "note": .string(text), "private-note": .bool(isPrivate), "user-id": .number(Double(user)),
            "candidate-id": .number(Double(candidate)), "created-by-trigger": .bool(false), "mentioned-user-ids": .array([]),
            "created-at": stamp, "updated-at": stamp,
        ]
    }

    /// `PATCH /v1/notes/{id}`: new text and/or privacy.
    mutating func updateNote(_ id: Int, text: String?, isPrivate: Bool?, now: Date) throws(APIFailure) -> RecordChange {
        _ = try existing(.notes, id)
        if let text, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw APIFailure.invalid("note", "can't be blank")
        }
        return touch(.notes, id, now: now) { record in
            if let text { record.attributes["note"] = .string(text) }
            if let isPrivate { record.attributes["private-note"] = .bool(isPrivate) }
        }
    }

    mutating func deleteNote(_ id: Int) throws(APIFailure) -> RecordChange {
        _ = try existing(.notes, id)
        collections[.notes]?.removeAll { $0.id == id }
        return RecordChange(resource: .notes, id: id, action: .destroy)
    }

    // MARK: Reject reasons

    /// The company's reject reason with this text, created when it has none yet (a Swift-side rejection).
    mutating func rejectReason(_ text: String, now: Date) -> Int {
        if let found = collection(.rejectReasons).records.first(where: { $0.attributes["reason"]?.stringValue == text }) {
            return found.id
        }
        return insert(
            .rejectReasons, attributes: ["reason": .string(text), "rejected-by-company": .bool(true)], updatedAt: now
        ).id
    }
}
