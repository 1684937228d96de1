import Crypto
import Foundation
import Logging
import Metrics
import RSCChangeEvents
import RSCLinkedInClient
import RSCLinkedInMapping
import RSCRetry
import RSCStore
import Synchronization

/// Sends one company's dirty records to LinkedIn, one call at a time: build each full record from
/// Teamtailor state, skip what LinkedIn already holds (same content hash), batch ≤ 100 per call within the
/// company's quota, and record per-record results for people to see.
struct CompanySender: Sendable {
    let store: SyncRecordStore
    let quota: LinkedInQuota
    let linkedIn: LinkedInClient
    let companies: CompanyStore
    let backoff: ExponentialBackoff
    let parkFor: Duration
    let now: @Sendable () -> Date
    let logger: Logger
    /// How long accepted candidates gather before their members are read back in one call: at a steady rate a
    /// company's candidate batches are small, and a read-back after each one doubled the candidate calls.
    var memberReadBackDelay: TimeInterval = 1
    /// When each company's open job-posting tasks are next asked about (this replica's memory).
    let taskPolls = TaskPollSchedule()
    /// Candidates just accepted whose LinkedIn member is still to be read back, per company.
    let memberReadBacks = MemberReadBacks()

    static let recordsPerRound = 500
    static let batchLimit = 100
    /// How soon LinkedIn's job-posting tasks are asked again while one is still `IN_PROGRESS`: a company with
    /// only pending tasks rests this long instead of polling in a loop (each poll is a call of the day's quota).
    static let jobTaskPollInterval: TimeInterval = 1

    /// What a round left behind.
    enum RoundResult: Sendable, Equatable {
        /// The company may have more due work now.
        case progressed
        /// Nothing due.
        case idle
        /// Nothing due now, but something to come back for at this time: job-posting tasks LinkedIn is still
        /// processing, or members to read back. Unlike `waitUntil`, a record marked meanwhile is sent at once.
        case followUpAt(Date)
        /// Come back no earlier than this (quota, LinkedIn asked us to wait, or the company was parked).
        case waitUntil(Date)
        /// This replica's lease on the company ran out and could not be renewed: another replica may be
        /// sending for it, so the round stopped before its next call.
        case leaseLost
    }

    /// One round for the company; with a lease, every call is made only while the lease is held.
    func runRound(company: String, lease: SenderLease? = nil) async throws -> RoundResult {
        guard var round = try await makeRound(company: company, lease: lease) else { return .idle }
        return try await round.run()
    }

    /// Reads back every member gathered for the company now, whatever their wait: before this replica stops,
    /// since they are held in memory and would otherwise be read only after each candidate's next change.
    func readBackGatheredMembers(company: String, lease: SenderLease?) async throws {
        guard var round = try await makeRound(company: company, lease: lease) else { return }
        round.readBackDelay = 0
        try await round.readBackDueMembers()
    }

    private func makeRound(company: String, lease: SenderLease?) async throws -> Round? {
        var logger = self.logger
        logger[metadataKey: "company"] = "\(company)"
        guard let (settings, clientID) = try await store.mappingSettings(company: company) else { return nil }
        let credentials = try await companies.credentials(company)
        guard let secret = credentials.linkedInClientSecret else { return nil }
        let application = LinkedInApplication(clientID: clientID, clientSecret: secret)
        return Round(company: company, settings: settings, application: application, sender: self, lease: lease, logger: logger)
    }

    static func contentHash(_ key: LinkedInRecordKey, _ body: JSONValue) -> String {
        var bytes = Array(key.resource.rawValue.utf8)
        bytes.append(UInt8(ascii: "|"))
        bytes.append(contentsOf: body.canonicalBytes)
        // Hex by table: `String(format:)` per byte cost more than the hash itself, for every record planned.
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)

/// Candidates accepted by LinkedIn whose matched member is still to be read, per company, since when. In memory:
/// a stopping replica reads them first (`LinkedInSender`); after a crash the match is read after the candidate's
/// next change, as after a failed read-back.
final class MemberReadBacks: Sendable {
    private let pending = Mutex<[String: (ids: [String], since: Date)]>([:])

    func add(_ company: String, _ ids: [String], at moment: Date) {
        guard !ids.isEmpty else { return }
        pending.withLock { pending in
            var entry = pending[company] ?? ([], moment)
            entry.ids += ids.filter { !entry.ids.contains($0) }
            pending[company] = entry
        }
    }

    /// Up to `limit` candidates, once there are `limit` of them or the oldest has waited `after`.
    func due(_ company: String, at moment: Date, after delay: TimeInterval, limit: Int) -> [String]? {
        pending.withLock { pending in
            guard let entry = pending[company], !entry.ids.isEmpty,
                  entry.ids.count >= limit || entry.since.addingTimeInterval(delay) <= moment else { return nil }
            return Array(entry.ids.prefix(limit))
        }
    }

    func remove(_ company: String, _ ids: [String]) {
        pending.withLock { pending in
            guard var entry = pending[company] else { return }
            let gone = Set(ids)
            entry.ids.removeAll { gone.contains($0) }
            pending[company] = entry.ids.isEmpty ? nil : entry
        }
    }

    /// Companies with any candidate gathered.
    var companies: [String] { pending.withLock { Array($0.keys) } }

    func dueAt(_ company: String, after delay: TimeInterval) -> Date? {
        pending.withLock { $0[company]?.since.addingTimeInterval(delay) }
    }

    /// Companies whose read-back is due, whether or not they have other work. Read-backs a minute overdue are
    /// forgotten (read after the candidate's next change): another replica may hold the company's lease now,
    /// and this one must not keep claiming it for them.
    func dueCompanies(at moment: Date, after delay: TimeInterval) -> [String] {
        pending.withLock { pending in
            pending = pending.filter { $0.value.since.addingTimeInterval(delay + 60) > moment }
            return pending.filter { $0.value.since.addingTimeInterval(delay) <= moment }.map(\.key)
        }
    }
}

/// When each company's job-posting tasks are next asked about. Kept apart from the company's rest: a company
/// whose only open work is a task LinkedIn is still processing is not polled in a loop, yet a record marked
/// meanwhile goes at once (a one-second rest for the whole company held its candidates: the latency tail).
final class TaskPollSchedule: Sendable {
    private let nextPoll = Mutex<[String: Date]>([:])

    /// True when the company's tasks have not been asked about yet or their rest is over.
    func isDue(_ company: String, at moment: Date) -> Bool {
        nextPoll.withLock { $0[company].map { $0 <= moment } ?? true }
    }

    func next(_ company: String) -> Date? { nextPoll.withLock { $0[company] } }

    /// Asks no later than `moment` (an earlier poll already planned stands).
    func schedule(_ company: String, at moment: Date) {
        nextPoll.withLock { $0[company] = min($0[company] ?? moment, moment) }
    }

    func clear(_ company: String) { nextPoll.withLock { $0[company] = nil } }
}

/// The state of one send round: what is planned, what has been decided, and when to stop.
struct Round {
    let company: String
    let settings: CompanyMappingSettings
    let application: LinkedInApplication
    let sender: CompanySender
    let lease: SenderLease?
    let logger: Logger

    var outcomes: [(DirtyRecord, RecordOutcome)] = []
    /// Records now on LinkedIn, with the priority they were sent at: what waited for them goes at it too.
    var newlySynced: [LinkedInRecordKey: Int16] = [:]
    var deletedCandidates: [String] = []
    var deletedApplications: [String] = []
    var stop: CompanySender.RoundResult?
    /// Quota this round took ahead for the calls it plans, spent call by call (see `reserve`).
    var plannedUse: (calls: Int, records: Int) = (0, 0)
    var credit: (calls: Int, records: Int) = (0, 0)
    /// Where the credit is counted, and since when (see `LinkedInQuota.redateAfter`).
    var creditCounted: (bucket: String, since: ContinuousClock.Instant)?
    var anyCallSucceeded = false
    /// A job-posting task LinkedIn still reports as in progress (or did not mention) in this round's poll.
    var tasksPending = false
    /// How long gathered candidates wait before their members are read back (none when this replica stops).
    var readBackDelay: TimeInterval

    init(
        company: String, settings: CompanyMappingSettings, application: LinkedInApplication, sender: CompanySender,
        lease: SenderLease?, logger: Logger
    ) {
        self.company = company
        self.settings = settings
        self.application = application
        self.sender = sender
        self.lease = lease
        self.logger = logger
        self.readBackDelay = sender.memberReadBackDelay
    }

    mutating func run() async throws -> CompanySender.RoundResult {
        if sender.taskPolls.isDue(company, at: sender.now()) { try await pollJobTasks() }
        var records = try await sender.store.dirtyRecords(company: company, limit: CompanySender.recordsPerRound)
        let dueCount = records.count
        if records.isEmpty && stop == nil {
            try await finish()
            return restOrIdle
        }
        var lookup = try await loadEntities(for: records.map(\.key))
        try await pullDirtyParents(into: &records, lookup: &lookup)
        let builder = LinkedInRecordBuilder(settings: settings, now: sender.now())

        var upserts: [(DirtyRecord, JSONValue, String)] = []
        var deletes: [DirtyRecord] = []
        for record in records {
            switch builder.plan(record.key, lookup: lookup, previouslySent: record.syncedHash != nil) {
            case .upsert(let body):
                let hash = CompanySender.contentHash(record.key, body)
                if hash == record.syncedHash {
                    outcomes.append((record, .synced(hash: hash)))  // LinkedIn already holds exactly this
                } else {
                    upserts.append((record, body, hash))
                }
            case .delete:
                if record.syncedHash == nil { outcomes.append((record, .deleted)) } else { deletes.append(record) }
            case .notMatched(let missing):
                outcomes.append((record, .notMatched(reason: "not matched: missing \(missing.joined(separator: ", "))")))
            case .waiting(let kind, _):
                outcomes.append((record, .waiting(reason: "waiting for its \(kind) to arrive from Teamtailor", on: nil)))
            case .skip(let reason):
                outcomes.append((record, .skipped(reason: reason)))
            }
        }

        // A child goes only once its parent is on LinkedIn (else LinkedIn answers 404 for it).
        let parents = Set(upserts.compactMap { Self.requiredParent($0.0.key, lookup) })
        var onLinkedIn = try await sender.store.syncedKeys(company: company, among: parents)

        plannedUse = Self.plannedUse(upserts: upserts.map(\.0.key), deletes: deletes.map(\.key), onLinkedIn: onLinkedIn, lookup: lookup)
        let order: [LinkedInResource] = [.candidate, .jobPosting, .application, .candidateNote, .applicationNote, .applicationStage, .interviewFeedback]
        for resource in order where stop == nil {
            var ready: [(DirtyRecord, JSONValue, String)] = []
            for upsert in upserts where upsert.0.key.resource == resource {
                if let parent = Self.requiredParent(upsert.0.key, lookup), !onLinkedIn.contains(parent) {
                    outcomes.append((upsert.0, .waiting(reason: "waiting for its \(parent.resource.singularName) to reach LinkedIn", on: parent.description)))
                } else {
                    ready.append(upsert)
                }
            }
            try await sendUpserts(resource, ready)
            onLinkedIn.formUnion(newlySynced.keys)
        }
        if stop == nil { try await sendDeletes(deletes, lookup) }

        // Records not reached because the round stopped keep their dirty mark and are due again later.
        try await finish()
        if let stop { return stop }
        return dueCount == CompanySender.recordsPerRound ? .progressed : restOrIdle
    }

    /// Idle, or idle until job tasks still in progress are asked again or gathered members are read back.
    var restOrIdle: CompanySender.RoundResult {
        let followUps = [sender.taskPolls.next(company), sender.memberReadBacks.dueAt(company, after: readBackDelay)]
        return followUps.compactMap { $0 }.min().map { .followUpAt($0) } ?? .idle
    }

    /// A child goes only once its parent is on LinkedIn. A parent that is itself dirty but outside this
    /// round (marked later, or past the round's limit) is pulled in, so the child goes now rather than
    /// waiting for the parent's round and then another of its own. Two levels: stage → application → candidate.
    func pullDirtyParents(into records: inout [DirtyRecord], lookup: inout EntityLookup) async throws {
        var inRound = Set(records.map(\.key))
        var newcomers = records
        for _ in 0..<2 {
            let needed = Set(newcomers.compactMap { Self.requiredParent($0.key, lookup) }).subtracting(inRound)
            guard !needed.isEmpty else { return }
            newcomers = try await sender.store.dueRecords(company: company, among: needed)
            guard !newcomers.isEmpty else { return }
            records += newcomers
            inRound.formUnion(newcomers.map(\.key))
            let more = try await loadEntities(for: newcomers.map(\.key))
            for group in more.entities.values { for entity in group.values { lookup.insert(entity) } }
            lookup.manualMembers.merge(more.manualMembers) { _, loaded in loaded }
            lookup.stageEntries.merge(more.stageEntries) { _, loaded in loaded }
        }
    }

    mutating func finish() async throws {
        if stop == nil { try await readBackDueMembers() }
        try await sender.store.record(company: company, outcomes: outcomes)
        try await sender.store.wakeWaiting(company: company, on: newlySynced)
        try await sender.store.markCascadeDeleted(company: company, candidates: deletedCandidates, applications: deletedApplications)
        if anyCallSucceeded { try await sender.store.markHealthy(company: company) }
        report()
        outcomes.removeAll()
    }

    /// The record that must be on LinkedIn first: an application's candidate, a sub-record's parent.
    static func requiredParent(_ key: LinkedInRecordKey, _ lookup: EntityLookup) -> LinkedInRecordKey? {
        if key.resource == .application {
            return lookup.entity("job-applications", key.id)?.related("candidate").map { LinkedInRecordKey(.candidate, $0) }
        }
        return key.parentKey
    }

    func loadEntities(for keys: [LinkedInRecordKey]) async throws -> EntityLookup {
        var refs: Set<EntityRef> = []
        for key in keys {
            switch key.resource {
            case .jobPosting: refs.insert(EntityRef(type: "jobs", id: key.id))
            case .candidate: refs.insert(EntityRef(type: "candidates", id: key.id))
            case .application: refs.insert(EntityRef(type: "job-applications", id: key.id))
            case .applicationStage:
                refs.insert(EntityRef(type: "job-applications", id: key.parentID))
                refs.insert(EntityRef(type: "stages", id: key.id))
            case .interviewFeedback:
                refs.insert(EntityRef(type: "job-applications", id: key.parentID))
                refs.insert(EntityRef(type: "interviews", id: key.id))
            case .candidateNote:
                refs.insert(EntityRef(type: "candidates", id: key.parentID))
                refs.insert(EntityRef(type: "comments", id: key.id))
            case .applicationNote:
                refs.insert(EntityRef(type: "job-applications", id: key.parentID))
                refs.insert(EntityRef(type: "comments", id: key.id))
            }
        }
        var lookup = try await sender.store.entities(company: company, ids: refs)
        // Applications copy their candidate's name and email and their job's title: load those too.
        var second: Set<EntityRef> = []
        for application in lookup.entities["job-applications", default: [:]].values {
            if let candidate = application.related("candidate") { second.insert(EntityRef(type: "candidates", id: candidate)) }
            if let job = application.related("job") { second.insert(EntityRef(type: "jobs", id: job)) }
        }
        second.subtract(refs)
        let more = try await sender.store.entities(company: company, ids: second)
        for group in more.entities.values { for entity in group.values { lookup.insert(entity) } }
        return lookup
    }

    // MARK: - Calls

    mutating func sendUpserts(_ resource: LinkedInResource, _ ready: [(DirtyRecord, JSONValue, String)]) async throws {
        // Sub-records go per parent (LinkedIn addresses them under the parent's key).
        let groups = Dictionary(grouping: ready) { $0.0.key.parentID }
        for (parentID, group) in groups.sorted(by: { $0.key < $1.key }) {
            var start = 0
            while start < group.count, stop == nil {
                let batch = Array(group[start..<min(start + CompanySender.batchLimit, group.count)])
                start += batch.count
                try await sendUpsertBatch(resource, parentID: parentID, batch)
            }
        }
    }

    mutating func sendUpsertBatch(_ resource: LinkedInResource, parentID: String, _ batch: [(DirtyRecord, JSONValue, String)]) async throws {
        guard try await reserve(records: batch.count) else { return }
        let context = settings.organizationURN
        let records = batch.map { (id: $0.0.key.id, body: $0.1) }
        let call = "upsert \(resource.rawValue)"
        do {
            switch resource {
            case .jobPosting:
                let submissions = try await sender.linkedIn.createJobPostings(records, application: application)
                anyCallSucceeded = true
                for (record, _, hash) in batch {
                    switch submissions[record.key.id] {
                    case .task(let task)?:
                        outcomes.append((record, .jobSubmitted(taskID: task, hash: hash)))
                        // LinkedIn takes a while to publish: asking at once would only cost a call.
                        sender.taskPolls.schedule(company, at: sender.now().addingTimeInterval(CompanySender.jobTaskPollInterval))
                    case .refused(let status, let message)?: refuse(record, status: status, message: message)
                    case nil: outcomes.append((record, .retryLater(after: sender.backoff.delay(attempt: record.attempts + 1), reason: "LinkedIn did not answer for this job")))
                    }
                }
                return
            case .candidate:
                let results = try await sender.linkedIn.upsertCandidates(records, context: context, application: application)
                apply(results, batch)
                sender.memberReadBacks.add(company, batch.map(\.0.key.id).filter { results[$0] == .accepted }, at: sender.now())
            case .application:
                apply(try await sender.linkedIn.upsertApplications(records, context: context, application: application), batch)
            case .candidateNote, .applicationNote, .applicationStage, .interviewFeedback:
                let sub = Self.subResource(resource)
                apply(try await sender.linkedIn.upsertSubRecords(sub, parentID: parentID, records: records, context: context, application: application), batch)
            }
        } catch let error as LinkedInError {
            try await handle(error, records: batch.map(\.0), call: call)
        }
    }

    mutating func apply(_ results: [String: RecordResult], _ batch: [(DirtyRecord, JSONValue, String)]) {
        anyCallSucceeded = true
        for (record, _, hash) in batch {
            switch results[record.key.id] ?? .missing {
            case .accepted:
                outcomes.append((record, .synced(hash: hash)))
                newlySynced[record.key] = record.priority
                observeLatency(record)
            case .refused(let status, let message):
                refuse(record, status: status, message: message)
            case .missing:
                outcomes.append((record, .retryLater(after: sender.backoff.delay(attempt: record.attempts + 1), reason: "LinkedIn's answer did not mention this record")))
            }
        }
    }

    mutating func refuse(_ record: DirtyRecord, status: Int, message: String) {
        if (500..<600).contains(status) || status == 429 {
            outcomes.append((record, .retryLater(after: sender.backoff.delay(attempt: record.attempts + 1), reason: "LinkedIn: \(message)")))
        } else {
            outcomes.append((record, .refused(reason: "LinkedIn refused it (\(status)): \(message)")))
            logger.warning("record refused by LinkedIn", metadata: ["record": "\(record.key)", "status": "\(status)"])
        }
    }

    /// Reads back the members of the candidates gathered long enough (or a full batch of them), 100 a call.
    mutating func readBackDueMembers() async throws {
        while stop == nil, let candidateIDs = sender.memberReadBacks.due(company, at: sender.now(), after: readBackDelay, limit: CompanySender.batchLimit) {
            guard try await reserve(records: 0) else { return }
            sender.memberReadBacks.remove(company, candidateIDs)
            try await readBackMembers(candidateIDs)
        }
    }

    mutating func readBackMembers(_ candidateIDs: [String]) async throws {
        do {
            let members = try await sender.linkedIn.matchedMembers(candidateIDs, context: settings.organizationURN, application: application)
            try await sender.store.storeMembers(company: company, members: members)
        } catch let error as LinkedInError {
            // The match is read again after the candidate's next change; the sync itself succeeded.
            logger.notice("could not read matched members", metadata: ["error": "\(error)"])
        }
    }

    mutating func sendDeletes(_ deletes: [DirtyRecord], _ lookup: EntityLookup) async throws {
        let candidates = Set(deletes.filter { $0.key.resource == .candidate }.map(\.key.id))
        func candidateOf(_ applicationID: String) -> String? { lookup.entity("job-applications", applicationID)?.related("candidate") }
        let applications = Set(deletes.filter { $0.key.resource == .application && !candidates.contains(candidateOf($0.key.id) ?? "") }.map(\.key.id))
        var calls: [(LinkedInResource, String, [DirtyRecord])] = []
        for record in deletes {
            let key = record.key
            // LinkedIn deletes what hangs under a deleted parent: no call for those.
            let coveredByParent: Bool
            switch key.resource {
            case .application: coveredByParent = candidates.contains(candidateOf(key.id) ?? "")
            case .candidateNote: coveredByParent = candidates.contains(key.parentID)
            case .applicationNote, .applicationStage, .interviewFeedback:
                coveredByParent = applications.contains(key.parentID) || candidates.contains(candidateOf(key.parentID) ?? "")
            case .candidate, .jobPosting: coveredByParent = false
            }
            if coveredByParent {
                outcomes.append((record, .deleted))
                continue
            }
            if let index = calls.firstIndex(where: { $0.0 == key.resource && $0.1 == key.parentID && $0.2.count < CompanySender.batchLimit }) {
                calls[index].2.append(record)
            } else {
                calls.append((key.resource, key.parentID, [record]))
            }
        }
        let context = settings.organizationURN
        for (resource, parentID, records) in calls where stop == nil {
            guard try await reserve(records: records.count) else { return }
            let ids = records.map(\.key.id)
            do {
                switch resource {
                case .candidate: try await sender.linkedIn.deleteCandidates(ids, context: context, application: application)
                case .application: try await sender.linkedIn.deleteApplications(ids, context: context, application: application)
                case .candidateNote, .applicationNote, .applicationStage, .interviewFeedback:
                    try await sender.linkedIn.deleteSubRecords(Self.subResource(resource), parentID: parentID, ids: ids, context: context, application: application)
                case .jobPosting: break  // never planned: jobs are closed, not deleted
                }
                anyCallSucceeded = true
                for record in records { outcomes.append((record, .deleted)) }
                if resource == .candidate { deletedCandidates += ids }
                if resource == .application { deletedApplications += ids }
            } catch let error as LinkedInError {
                try await handle(error, records: records, call: "delete \(resource.rawValue)")
            }
        }
    }

    mutating func pollJobTasks() async throws {
        let awaiting = try await sender.store.jobsAwaitingTasks(company: company)
        sender.taskPolls.clear(company)
        guard !awaiting.isEmpty else { return }
        // Asked again after a rest while any is still in progress (or the call fails): each poll is a call.
        sender.taskPolls.schedule(company, at: sender.now().addingTimeInterval(CompanySender.jobTaskPollInterval))
        guard try await reserve(records: 0) else { return }
        do {
            let statuses = try await sender.linkedIn.jobPostingTasks(awaiting.map(\.taskID), application: application)
            anyCallSucceeded = true
            for (record, task, hash) in awaiting {
                switch statuses[task] {
                case .succeeded?:
                    outcomes.append((record, .synced(hash: hash)))
                    newlySynced[record.key] = record.priority
                    observeLatency(record)
                case .failed(let message)?:
                    outcomes.append((record, .refused(reason: "LinkedIn could not publish the job: \(message)")))
                case .pending?, nil:
                    tasksPending = true
                }
            }
            if !tasksPending { sender.taskPolls.clear(company) }
        } catch let error as LinkedInError {
            try await handle(error, records: [], call: "poll job tasks")
        }
    }

    /// The calls and records the round expects to make: upsert batches whose parent is (or will be) on
    /// LinkedIn, a member read-back per candidate batch, delete batches. Quota taken for calls the round
    /// then does not make (it stopped on a 429 or an outage, a delete was covered by its parent) stays
    /// counted: the ledger may run ahead of LinkedIn's count, never behind it.
    static func plannedUse(
        upserts: [LinkedInRecordKey], deletes: [LinkedInRecordKey], onLinkedIn: Set<LinkedInRecordKey>, lookup: EntityLookup
    ) -> (calls: Int, records: Int) {
        let sending = Set(upserts)
        var groups: [String: Int] = [:]
        var records = 0
        for key in upserts {
            if let parent = requiredParent(key, lookup), !onLinkedIn.contains(parent), !sending.contains(parent) { continue }
            groups["\(key.resource.rawValue)|\(key.parentID)", default: 0] += 1
            records += 1
        }
        for key in deletes {
            groups["delete|\(key.resource.rawValue)|\(key.parentID)", default: 0] += 1
            records += 1
        }
        func batches(_ count: Int) -> Int { (count + CompanySender.batchLimit - 1) / CompanySender.batchLimit }
        // Member read-backs reserve their own call when they are due (often in a later round).
        let calls = groups.values.reduce(0) { $0 + batches($1) }
        return (calls, records)
    }

    /// Takes quota for one call; when there is none, the round stops and says when to come back. Every call
    /// comes through here, so this is also where a lost lease stops the round before its next call.
    ///
    /// The first call of a round takes quota for every call the round plans, in one statement (a statement
    /// per call was the sender's most frequent one); later calls spend that credit. When the whole round
    /// does not fit, or the credit runs out, calls reserve one by one as before. LinkedIn counts a call when it
    /// arrives, so credit older than `LinkedInQuota.redateAfter` is counted again from now before it is spent.
    mutating func reserve(records: Int) async throws -> Bool {
        if let lease, !(try await lease.keep()) {
            stop = .leaseLost
            logger.warning("lease on the company lost mid-round; round stopped", metadata: ["owner": "\(lease.owner)"])
            return false
        }
        if credit.calls > 0, credit.records >= records {
            if let counted = creditCounted, ContinuousClock.now - counted.since >= LinkedInQuota.redateAfter {
                let bucket = try await sender.quota.redate(company: company, records: credit.records, from: counted.bucket)
                creditCounted = (bucket, ContinuousClock.now)
            }
            credit.calls -= 1
            credit.records -= records
            return true
        }
        if plannedUse.calls > 1 {
            let ahead = (calls: plannedUse.calls, records: max(plannedUse.records, records))
            plannedUse = (0, 0)  // one try per round
            let reserved = try await sender.quota.reserveCounted(company: company, records: ahead.records, calls: ahead.calls)
            if reserved.decision == .granted {
                credit = (ahead.calls - 1, ahead.records - records)
                creditCounted = (reserved.bucket, ContinuousClock.now)
                return true
            }
        }
        switch try await sender.quota.reserve(company: company, records: records) {
        case .granted:
            return true
        case .waitUntil(let date):
            stop = .waitUntil(date)
            Counter(label: "rsc_linkedin_quota_waits_total").increment()
            return false
        }
    }

    mutating func handle(_ error: LinkedInError, records: [DirtyRecord], call: String) async throws {
        Counter(label: "rsc_linkedin_call_errors_total", dimensions: [("kind", Self.kindName(error.kind))]).increment()
        switch error.kind {
        case .rateLimited(let retryAfter):
            let delay = retryAfter.map { Duration.seconds($0) } ?? sender.backoff.delay(attempt: (records.map(\.attempts).max() ?? 0) + 1)
            Counter(label: "rsc_linkedin_rate_limited_total").increment()
            logger.warning("LinkedIn answered 429", metadata: ["call": "\(call)", "retryAfterSeconds": "\(retryAfter.map(String.init) ?? "-")"])
            for record in records { outcomes.append((record, .retryLater(after: delay, reason: "LinkedIn asked us to slow down"))) }
            stop = .waitUntil(sender.now().addingTimeInterval(delay.timeInterval))
        case .transient, .unreadable:
            let attempt = (records.map(\.attempts).max() ?? 0) + 1
            let delay = sender.backoff.delay(attempt: attempt)
            logger.warning("LinkedIn call failed; will retry", metadata: ["call": "\(call)", "error": "\(error)", "attempt": "\(attempt)"])
            for record in records { outcomes.append((record, .retryLater(after: delay, reason: "LinkedIn unavailable: \(error.message)"))) }
            stop = .waitUntil(sender.now().addingTimeInterval(delay.timeInterval))
        case .accessLost:
            logger.error("LinkedIn access lost; company parked", metadata: ["call": "\(call)", "status": "\(error.status.map(String.init) ?? "-")"])
            try await sender.store.park(company: company, reason: "LinkedIn access lost (\(error.status.map(String.init) ?? "auth")): \(error.message)", for: sender.parkFor)
            stop = .waitUntil(sender.now().addingTimeInterval(sender.parkFor.timeInterval))
        case .rejected:
            for record in records { outcomes.append((record, .refused(reason: "LinkedIn refused the call (\(error.status ?? 400)): \(error.message)"))) }
        }
    }

    func observeLatency(_ record: DirtyRecord) {
        guard let occurred = record.changeOccurredAt, record.priority == 0 else { return }
        let seconds = max(0, sender.now().timeIntervalSince(occurred))
        Timer(label: "rsc_sync_latency_seconds", dimensions: [("resource", record.key.resource.rawValue)])
            .recordNanoseconds(Int64(seconds * 1_000_000_000))
    }

    func report() {
        var counts: [String: Int] = [:]
        for (record, outcome) in outcomes {
            counts["\(record.key.resource.rawValue)|\(Self.outcomeName(outcome))", default: 0] += 1
        }
        for (key, count) in counts {
            let parts = key.split(separator: "|").map(String.init)
            Counter(label: "rsc_linkedin_records_total", dimensions: [("resource", parts[0]), ("outcome", parts[1])]).increment(by: count)
        }
    }

    static func subResource(_ resource: LinkedInResource) -> LinkedInClient.SubResource {
        switch resource {
        case .candidateNote: .candidateNotes
        case .applicationNote: .applicationNotes
        case .applicationStage: .stages
        default: .interviewFeedback
        }
    }

    static func outcomeName(_ outcome: RecordOutcome) -> String {
        switch outcome {
        case .synced: "synced"
        case .deleted: "deleted"
        case .notMatched: "not_matched"
        case .waiting: "waiting"
        case .skipped: "skipped"
        case .refused: "failed"
        case .jobSubmitted: "submitted"
        case .retryLater: "retry"
        }
    }

    static func kindName(_ kind: LinkedInError.Kind) -> String {
        switch kind {
        case .rateLimited: "rate_limited"
        case .transient: "transient"
        case .accessLost: "access_lost"
        case .rejected: "rejected"
        case .unreadable: "unreadable"
        }
    }
}
