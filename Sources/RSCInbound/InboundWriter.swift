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
/// write (a note, found by candidate and text among the newest notes) and adopts it instead of writing again.
/// PATCH and DELETE are idempotent and need no lookup.
///
/// Everything is written through resources Teamtailor publishes (docs/teamtailor-conformance.md): a public
/// LinkedIn note becomes a note; an InMail, and contact details that differ from what the candidate holds,
/// become private notes (seen by the company's recruiters, never sent back to LinkedIn); an empty email or
/// phone is filled on the candidate.
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
        case .inMail: return (.written, try await writePrivateNote(item, text: inMailText(item), candidate: candidate, recovering: recovering))
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
        let id = try await writePrivateNote(item, text: contactText(item, shared), candidate: candidate, recovering: recovering)
        return (.written, id)
    }

    static func sameValue(_ field: String, _ a: String, _ b: String) -> Bool {
        if field == "phone" {
            let digits = { (text: String) in text.filter(\.isNumber) }
            return digits(a) == digits(b)
        }
        return a.lowercased() == b.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Creates a private note unless a recovering retry finds the one an earlier attempt wrote.
    private func writePrivateNote(_ item: InboundItem, text: String, candidate: String, recovering: Bool) async throws -> String {
        // Found by the LinkedIn id the text ends with: the rest (the recruiter's name) may have changed since.
        let marker = Self.marker(item)
        if recovering, let found = try await findNote(candidate: candidate, where: { $0.hasSuffix(marker) }) { return found }
        let user = try await creditedUser(seat: item.seat)
        let created = try await retry.teamtailor(company) {
            try await teamtailor.createNote(candidateID: candidate, userID: user, text: text, isPrivate: true, credentials: credentials)
        }
        try await hooks.afterTeamtailorWrite(item)
        return created.id
    }

    /// Looks among the newest notes (`sort=-id`; Teamtailor documents no filter on notes) for one on this
    /// candidate with this text: what an interrupted create left behind.
    private func findNote(candidate: String, text: String) async throws -> String? {
        try await findNote(candidate: candidate, where: { $0 == text })
    }

    private func findNote(candidate: String, where matches: (String) -> Bool) async throws -> String? {
        var number = 1
        while number <= settings.noteScanPages {
            let page = try await retry.teamtailor(company) { try await teamtailor.newestNotes(page: number, credentials: credentials) }
            let found = page.records.first { note in
                let owner = TeamtailorIDText.text(note.attributes["candidate-id"]) ?? note.relatedID("candidate")
                return owner == candidate && (note.attributes["note"]?.stringValue).map(matches) == true
            }
            if let found { return found.id }
            guard page.next != nil else { return nil }
            number += 1
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

    // MARK: Note texts

    /// What a recruiter needs to read in the candidate's notes: who wrote to whom, when, the subject and the
    /// message (capped). The LinkedIn id at the end makes the text unique, so a retry recognises its own note.
    func inMailText(_ item: InboundItem) -> String {
        let direction = item.sender == item.seat ? "sent" : (item.sender == item.member ? "received" : "exchanged")
        var lines = ["LinkedIn InMail \(direction) · \(Self.timestamp(item.createdAt))"]
        if let recruiter = seatNames.withLock({ $0[item.seat] }) { lines[0] += " · \(recruiter)" }
        if let subject = item.subject, !subject.isEmpty { lines.append("Subject: \(subject)") }
        if let body = item.text, !body.isEmpty {
            lines.append(body.count > settings.inMailBodyLimit ? String(body.prefix(settings.inMailBodyLimit)) + " […]" : body)
        }
        lines.append(Self.marker(item))
        return lines.joined(separator: "\n")
    }

    /// The last line of a note written for a LinkedIn item: what a retry finds it by.
    static func marker(_ item: InboundItem) -> String {
        let what = switch item.kind {
        case .inMail: "InMail"
        case .stub: "contact details"
        case .note: "note"
        }
        return "(LinkedIn \(what) \(item.id))"
    }

    /// Contact details the member shared that differ from what the candidate holds, to use by hand.
    func contactText(_ item: InboundItem, _ shared: [(field: String, value: String)]) -> String {
        var lines = ["LinkedIn contact details shared · \(Self.timestamp(item.createdAt))"]
        lines += shared.map { "\($0.field == "phone" ? "Phone" : "Email"): \($0.value)" }
        lines.append(Self.marker(item))
        return lines.joined(separator: "\n")
    }

    static func timestamp(_ milliseconds: Int64) -> String {
        RFC3339.format(Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000))
    }
}

/// Note ids as Teamtailor writes them (`candidate-id` is a number in its examples).
enum TeamtailorIDText {
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .number(let number)? where number.rounded() == number: String(Int64(number))
        case .string(let text)? where !text.isEmpty: text
        default: nil
        }
    }
}
