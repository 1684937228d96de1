import Foundation
import RSCRetry
import Logging
import Metrics
import RSCChangeEvents
import RSCLinkedInClient
import RSCStore
import RSCTeamtailorClient
import Synchronization

/// Writes LinkedIn items into one company's Teamtailor, each exactly once.
///
/// The scheme (docs/development.md, "Inbound: exactly once"): the item's row is marked `writing` (the intent)
/// before the Teamtailor call and `written` with Teamtailor's id after it. A row found in `writing` means an
/// earlier attempt may have written without recording it, so the retry first looks in Teamtailor for that
/// write (an activity carries `linkedInId` in its data; a note is found by candidate and text among the
/// newest notes) and adopts it instead of writing again. PATCH and DELETE are idempotent and need no lookup.
final class InboundWriter: Sendable {
    let company: String
    let teamtailor: TeamtailorClient
    let credentials: TeamtailorCredentials
    let store: InboundItemStore
    let errors: CompanyErrorLog
    let retry: InboundRetry
    let settings: InboundPoller.Settings
    let hooks: InboundPoller.Hooks
    let now: @Sendable () -> Date
    let logger: Logger
    /// Seat URN → the seat holder's email, for crediting notes.
    private let seatEmails = Mutex<[String: String]>([:])
    private let seatNames = Mutex<[String: String]>([:])
    private let users = Mutex<[TeamtailorUser]?>(nil)

    init(
        company: String, teamtailor: TeamtailorClient, credentials: TeamtailorCredentials, store: InboundItemStore,
        errors: CompanyErrorLog, retry: InboundRetry, settings: InboundPoller.Settings, hooks: InboundPoller.Hooks,
        now: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.company = company
        self.teamtailor = teamtailor
        self.credentials = credentials
        self.store = store
        self.errors = errors
        self.retry = retry
        self.settings = settings
        self.hooks = hooks
        self.now = now
        self.logger = logger
    }

    func learn(_ seat: RecruiterSeat) {
        if let email = seat.email { seatEmails.withLock { $0[seat.seat] = email } }
        let name = [seat.firstName, seat.lastName].compactMap { $0 }.joined(separator: " ")
        if !name.isEmpty { seatNames.withLock { $0[seat.seat] = name } }
    }

    /// What became of one item.
    enum Result: String { case written, deleted, waiting, unchanged, skipped, failed }

    /// An item as LinkedIn listed it: recorded (unless it is a private note never shown), then written.
    func handle(_ item: InboundItem) async throws -> Result {
        let record: InboundItemRecord
        do {
            // A private note is never stored nor written; one that was public before is removed below.
            if item.kind == .note && !item.isPublic, try await !store.exists(company: company, kind: .note, id: item.id) {
                return count(item, .skipped)
            }
            record = try await store.upsert(company: company, item)
        } catch where StorageFailure(classifying: error) == .dataRejected {
            // A value PostgreSQL refuses (a NUL in a note, say) fails the same way on every poll: set aside with
            // a reason the admin sees, so the company's other items and the cursor go on.
            let shown = shownIdentifier(item.id)
            try? await errors.record(
                companyID: company, source: .inbound, cause: "unstorable_\(item.kind.rawValue)",
                message: "A LinkedIn \(item.kind.rawValue) could not be stored (\(loggable(error))) and was skipped",
                subject: shown, at: now())
            logger.error("inbound item refused by PostgreSQL; skipped", metadata: [
                "company": "\(company)", "kind": "\(item.kind.rawValue)", "item": "\(shown)", "error": "\(loggable(error))",
            ])
            return count(item, .failed)
        }
        guard !record.isDone else { return count(item, .unchanged) }
        return try await process(record)
    }

    /// Writes a recorded item whose current version is not in Teamtailor yet.
    func process(_ record: InboundItemRecord) async throws -> Result {
        let item = record.item
        var candidate = record.candidateID
        if candidate == nil { candidate = try await store.candidate(company: company, member: item.member) }
        guard let candidate else {
            if record.state != .waiting { try await store.markWaiting(company: company, item) }
            return count(item, .waiting)
        }
        let recovering = record.state == .writing
        try await store.markWriting(company: company, item, candidateID: candidate)
        do {
            let (state, teamtailorID) = try await write(item, candidate: candidate, existing: record.teamtailorID, recovering: recovering)
            try await store.markDone(company: company, item, state: state, teamtailorID: teamtailorID)
            return count(item, state == .deleted ? .deleted : .written)
        } catch let error as TeamtailorError where !error.isRetryable && error.verdict != .unauthorized {
            // Refused for good (the candidate was deleted, a value Teamtailor rejects): kept as failed, not dropped.
            try await store.markFailed(company: company, item, reason: error.description)
            try? await errors.record(
                companyID: company, source: .inbound, cause: "teamtailor_refused_\(item.kind.rawValue)",
                message: "Teamtailor refused a LinkedIn \(item.kind.rawValue) (\(error.description)); it will not be retried",
                subject: item.id, at: now())
            logger.warning("Teamtailor refused an inbound item; not retried", metadata: [
                "company": "\(company)", "kind": "\(item.kind.rawValue)", "item": "\(item.id)", "error": "\(error.description)",
            ])
            return count(item, .failed)
        }
    }

    private func count(_ item: InboundItem, _ result: Result) -> Result {
        Counter(label: "rsc_inbound_items_total", dimensions: [("kind", item.kind.rawValue), ("result", result.rawValue)]).increment()
        return result
    }

    // MARK: Effects

    private func write(_ item: InboundItem, candidate: String, existing: String?, recovering: Bool) async throws
        -> (InboundItemRecord.State, String?)
    {
        switch item.kind {
        case .note: return try await writeNote(item, candidate: candidate, existing: existing, recovering: recovering)
        case .inMail: return (.written, try await writeActivity(item, code: .linkedInInMail, data: inMailData(item), candidate: candidate, recovering: recovering))
        case .stub: return try await writeStub(item, candidate: candidate, recovering: recovering)
        }
    }

    private func writeNote(_ item: InboundItem, candidate: String, existing: String?, recovering: Bool) async throws
        -> (InboundItemRecord.State, String?)
    {
        var noteID = existing
        if noteID == nil && recovering, let text = item.text {
            noteID = try await findNote(candidate: candidate, text: text)
        }
        guard item.shouldBeShown, let text = item.text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            if let noteID {
                do {
                    try await retry.teamtailor(company) { try await teamtailor.deleteNote(id: noteID, credentials: credentials) }
                } catch let error as TeamtailorError where error.status == 404 {
                    // Already gone (a person deleted it, or our earlier delete went through).
                }
                try await hooks.afterTeamtailorWrite(item)
            }
            return (.deleted, nil)
        }
        if let noteID {
            do {
                _ = try await retry.teamtailor(company) { try await teamtailor.updateNote(id: noteID, text: text, credentials: credentials) }
            } catch let error as TeamtailorError where error.status == 404 {
                // A person deleted our copy in Teamtailor: their choice stands.
                return (.deleted, nil)
            }
            try await hooks.afterTeamtailorWrite(item)
            return (.written, noteID)
        }
        let user = try await creditedUser(seat: item.seat)
        let note = try await retry.teamtailor(company) {
            try await teamtailor.createNote(candidateID: candidate, userID: user, text: text, credentials: credentials)
        }
        try await hooks.afterTeamtailorWrite(item)
        return (.written, note.id)
    }

    private func writeStub(_ item: InboundItem, candidate: String, recovering: Bool) async throws -> (InboundItemRecord.State, String?) {
        guard let record = try await retry.teamtailor(company, { try await teamtailor.candidate(id: candidate, credentials: credentials) }) else {
            throw TeamtailorError(verdict: .permanent, status: 404, call: "GET /v1/candidates/{id}", reason: "the matched candidate no longer exists")
        }
        var fill: [String: JSONValue] = [:]
        var shared: [(field: String, value: String)] = []
        for (field, value) in [("email", item.email), ("phone", item.phone)] {
            guard let value else { continue }
            let current = record.attributes[field]?.stringValue?.trimmingCharacters(in: .whitespaces) ?? ""
            if current.isEmpty {
                fill[field] = .string(value)
            } else if Self.sameValue(field, current, value) {
                continue  // Already there (possibly our own earlier fill): nothing to add.
            } else {
                shared.append((field, value))
            }
        }
        if !fill.isEmpty {
            do {
                _ = try await retry.teamtailor(company) {
                    try await teamtailor.updateCandidate(id: candidate, attributes: fill, credentials: credentials)
                }
                try await hooks.afterTeamtailorWrite(item)
            } catch let error as TeamtailorError where error.status == 422 {
                // e.g. the email belongs to another candidate: offer it as an action instead.
                shared += fill.compactMap { field, value in value.stringValue.map { (field, $0) } }.sorted { $0.field < $1.field }
            }
        }
        guard !shared.isEmpty else { return (.written, nil) }
        let id = try await writeActivity(item, code: .linkedInContactShared, data: contactData(item, shared), candidate: candidate, recovering: recovering)
        return (.written, id)
    }

    static func sameValue(_ field: String, _ a: String, _ b: String) -> Bool {
        if field == "phone" {
            let digits = { (text: String) in text.filter(\.isNumber) }
            return digits(a) == digits(b)
        }
        return a.lowercased() == b.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Creates the activity unless a recovering retry finds the one an earlier attempt wrote.
    private func writeActivity(_ item: InboundItem, code: TeamtailorActivityCode, data: JSONValue, candidate: String, recovering: Bool)
        async throws -> String
    {
        if recovering {
            let activities = try await retry.teamtailor(company) { try await teamtailor.activities(candidateID: candidate, credentials: credentials) }
            if let found = activities.first(where: { Self.activity($0, isFor: item, code: code) }) { return found.id }
        }
        let created = try await retry.teamtailor(company) {
            try await teamtailor.createActivity(candidateID: candidate, code: code, data: data.canonicalText, credentials: credentials)
        }
        try await hooks.afterTeamtailorWrite(item)
        return created.id
    }

    static func activity(_ record: TeamtailorRecord, isFor item: InboundItem, code: TeamtailorActivityCode) -> Bool {
        guard record.attributes["code"]?.stringValue == code.rawValue, let text = record.attributes["data"]?.stringValue,
            let data = try? JSONValue.parse(Array(text.utf8))
        else { return false }
        return data["linkedInId"]?.stringValue == item.id
    }

    /// Looks among the newest notes (Teamtailor lists notes by id, oldest first, and offers no filter by
    /// candidate) for one on this candidate with this text: what an interrupted create left behind.
    private func findNote(candidate: String, text: String) async throws -> String? {
        let first = try await retry.teamtailor(company) { try await teamtailor.page(.notes, from: nil, credentials: credentials) }
        func match(_ records: [TeamtailorRecord]) -> String? {
            records.last { $0.relatedID("candidate") == candidate && $0.attributes["note"]?.stringValue == text }?.id
        }
        let pageSize = max(1, first.records.count)
        let pages = first.next == nil ? 1 : ((first.total ?? pageSize) + TeamtailorRequests.pageSize - 1) / TeamtailorRequests.pageSize
        var number = pages
        var scanned = 0
        let base = settings.teamtailorBaseURL.absoluteString.hasSuffix("/")
            ? String(settings.teamtailorBaseURL.absoluteString.dropLast()) : settings.teamtailorBaseURL.absoluteString
        while number >= 1 && scanned < settings.noteScanPages {
            let page: TeamtailorPage
            if number == 1 {
                page = first
            } else {
                let cursor = PageCursor(rawValue: "\(base)/v1/notes?page%5Bsize%5D=\(TeamtailorRequests.pageSize)&page%5Bnumber%5D=\(number)")
                page = try await retry.teamtailor(company) { try await teamtailor.page(.notes, from: cursor, credentials: credentials) }
            }
            if let found = match(page.records) { return found }
            number -= 1
            scanned += 1
        }
        return nil
    }

    // MARK: Users

    /// The Teamtailor user whose email is the seat holder's; else `INBOUND_FALLBACK_USER_ID`; else the
    /// account's first user (lowest id: usually the one who created the account).
    private func creditedUser(seat: String) async throws -> String {
        let all: [TeamtailorUser]
        if let cached = users.withLock({ $0 }) {
            all = cached
        } else {
            all = try await retry.teamtailor(company) { try await teamtailor.users(credentials: credentials) }
            users.withLock { $0 = all }
        }
        if let email = seatEmails.withLock({ $0[seat] })?.lowercased(),
            let user = all.first(where: { $0.email?.lowercased() == email })
        {
            return user.id
        }
        if let fallback = settings.fallbackUserID { return fallback }
        guard let first = all.min(by: { (Int($0.id) ?? .max, $0.id) < (Int($1.id) ?? .max, $1.id) }) else {
            throw TeamtailorError(verdict: .permanent, status: nil, call: "GET /v1/users", reason: "the account has no user to credit notes to")
        }
        return first.id
    }

    // MARK: Activity data

    /// What a recruiter needs in the activity tab: who wrote to whom, when, the subject and the message
    /// (capped), and the thread to find the conversation in Recruiter.
    func inMailData(_ item: InboundItem) -> JSONValue {
        var data: [String: JSONValue] = [
            "source": .string("linkedin-recruiter"), "linkedInId": .string(item.id), "seat": .string(item.seat),
            "direction": .string(item.sender == item.seat ? "sent" : (item.sender == item.member ? "received" : "unknown")),
            "sentAt": .string(Self.timestamp(item.createdAt)),
        ]
        data["thread"] = item.thread.map(JSONValue.string)
        data["subject"] = item.subject.map(JSONValue.string)
        data["body"] = item.text.map { .string(String($0.prefix(settings.inMailBodyLimit))) }
        data["bodyTruncated"] = item.text.map { .bool($0.count > settings.inMailBodyLimit) }
        data["recruiter"] = seatNames.withLock { $0[item.seat] }.map(JSONValue.string)
        return .object(data)
    }

    /// The values as actions ("use this email / phone") the candidate page offers.
    func contactData(_ item: InboundItem, _ shared: [(field: String, value: String)]) -> JSONValue {
        var data: [String: JSONValue] = [
            "source": .string("linkedin-recruiter"), "linkedInId": .string(item.id), "seat": .string(item.seat),
            "sharedAt": .string(Self.timestamp(item.createdAt)),
            "actions": .array(shared.map { .object(["type": .string("use-\($0.field)"), "attribute": .string($0.field), "value": .string($0.value)]) }),
        ]
        for (field, value) in shared { data[field] = .string(value) }
        return .object(data)
    }

    static func timestamp(_ milliseconds: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000).formatted(.iso8601)
    }
}
