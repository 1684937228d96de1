import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCFirstSync
import RSCLinkedInClient
import RSCLinkedInSimulator
import RSCOutbound
import RSCSecrets
import RSCStore
import RSCTeamtailorClient
import RSCTeamtailorSimulator
import RSCTestSupport
import Synchronization
import Testing

/// The first global sync over real PostgreSQL, the Teamtailor simulator (the history) and the LinkedIn
/// simulator (with its quota), with the real sender draining behind it.
@Suite("first global sync", .serialized)
struct FirstSyncTests {
    static let history = "1842", live = "77"
    static let teamtailorKey = "tt-key-1842"
    /// LinkedIn's quota with its window compressed tenfold: the same records per window, ten times as often.
    static let quota = LinkedInQuota.Limits(recordsPerWindow: 10_000, window: .seconds(6), callsPerDay: 100_000)

    struct Harness: Sendable {
        let postgres: PostgresClient
        let linkedIn: LinkedInSimulator
        let teamtailor: TeamtailorSimulator
        let teamtailorURL: URL
        let runner: FirstSyncRunner
        let sender: LinkedInSender
        let states: EntityStateStore
        let logger: Logger

        func count(_ sql: String) async throws -> Int {
            try await postgres.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self).reduce(0, +)
        }

        /// Every resource read, nothing dirty, no job task outstanding.
        func finished() async throws -> Bool {
            let unread = try await count("SELECT count(*)::int FROM first_sync_progress WHERE state <> 'read'")
            let unsent = try await SyncStatus.recordsNotYetOnLinkedIn(company: nil, client: postgres, logger: logger)
            return unread == 0 && unsent == 0
        }

        /// Polls `sql` (a count) until it reaches `target`; throws when `timeout` passes first.
        func waitUntil(_ sql: String, reaches target: Int, timeout: Duration = .seconds(300)) async throws {
            let deadline = ContinuousClock.now + timeout
            var seen = try await count(sql)
            while seen < target {
                guard ContinuousClock.now < deadline else { throw WaitTimedOut(what: sql, seen: seen, target: target, timeout: timeout) }
                try await Task.sleep(for: .milliseconds(50))
                seen = try await count(sql)
            }
        }

        func waitUntilFinished(timeout: Duration = .seconds(600)) async throws {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if try await finished() { return }
                try await Task.sleep(for: .milliseconds(250))
            }
            Issue.record("the first sync did not finish within \(timeout)")
        }
    }

    static func run(
        seed: TeamtailorSeed, runnerSettings: FirstSyncRunner.Settings = .init(), storedKey: String = teamtailorKey,
        changes: ChangeBox? = nil, _ body: @Sendable (Harness) async throws -> Void
    ) async throws {
        var simulatorConfiguration = LinkedInSimulatorConfiguration()
        simulatorConfiguration.recordsPerWindow = quota.recordsPerWindow
        simulatorConfiguration.recordWindow = quota.window
        let logger = TestPostgres.logger
        let secrets = try SecretBox(currentKeyBase64: SecretBox.generateKeyBase64())
        try await TestLinkedIn.withSimulator(simulatorConfiguration) { linkedIn, endpoints async throws in
            try await TestPostgres.withMigratedDatabase { postgres, _ async throws in
                let teamtailor = TeamtailorSimulator(configuration: .init(), logger: logger, changeSink: changes.map { box in { @Sendable event in box.add(event) } })
                let teamtailorURL = try await teamtailor.start()
                defer { Task { await teamtailor.stop() } }
                try await teamtailor.state.seedCompany(id: history, apiKey: teamtailorKey, seed)
                await teamtailor.state.setRateLimit(100_000, window: .seconds(10))
                let companies = CompanyStore(client: postgres, secrets: secrets, logger: logger)
                for (company, organization) in [(history, "urn:li:organization:1842"), (live, "urn:li:organization:77")] {
                    try await companies.add(NewCompany(
                        id: company, teamtailorToken: company == history ? storedKey : "tt-77", linkedInClientID: "client-\(company)",
                        linkedInClientSecret: "secret-\(company)", organizationURN: organization, contractURNs: ["urn:li:contract:\(company)"],
                        jobsPrivate: false))
                    await linkedIn.registerApplication(clientID: "client-\(company)", clientSecret: "secret-\(company)", organization: organization)
                }
                try await FirstSyncProgress.start(companyID: history, restart: false, postgres: postgres, logger: logger)
                let linkedInClient = LinkedInClient(apiURL: endpoints.api, oauthURL: endpoints.oauth, http: .shared, logger: logger)
                var senderSettings = LinkedInSender.Settings()
                senderSettings.quota = quota
                senderSettings.backoff = .init(initial: .milliseconds(100), maximum: .seconds(2))
                try await body(Harness(
                    postgres: postgres, linkedIn: linkedIn, teamtailor: teamtailor, teamtailorURL: teamtailorURL,
                    runner: FirstSyncRunner(
                        postgres: postgres, companies: companies,
                        teamtailor: TeamtailorClient(baseURL: teamtailorURL, http: .shared, logger: logger),
                        settings: runnerSettings, logger: logger),
                    sender: LinkedInSender(postgres: postgres, linkedIn: linkedInClient, companies: companies, settings: senderSettings, logger: logger),
                    states: EntityStateStore(client: postgres, logger: logger), logger: logger))
            }
        }
    }

    static func expectReconciled(_ harness: Harness) async throws {
        let report = try await FirstSyncReconciliation.check(
            companyID: history, organization: "urn:li:organization:1842", teamtailor: harness.teamtailor.state,
            linkedIn: harness.linkedIn.state, postgres: harness.postgres, logger: harness.logger)
        #expect(report.mismatches.isEmpty, "Teamtailor / LinkedIn:\n\(report.lines.joined(separator: "\n"))")
    }

    @Test("a seeded company's history reaches LinkedIn with counts that reconcile, within the quota, while another company's live change goes first")
    func historyReconcilesBehindLiveWork() async throws {
        try await Self.run(seed: TeamtailorSeed(seed: 11, users: 6, jobs: 40, candidates: 1_500, applications: 4_000)) { harness in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await harness.sender.run() }
                group.addTask { try await harness.runner.run() }
                defer { group.cancelAll() }
                // Wait until history is flowing, then make a live change elsewhere.
                try await harness.waitUntil(
                    "SELECT count(*)::int FROM linkedin_records WHERE company_id = '1842' AND state = 'synced' AND (company_id, resource, parent_id, record_id) NOT IN (SELECT company_id, resource, parent_id, record_id FROM linkedin_send_queue)", reaches: 500)
                let now = Date()
                _ = try await harness.states.apply([ChangeEvent(
                    eventID: "live-1", event: "candidate.create", companyID: Self.live, occurredAt: now,
                    version: Int64(now.timeIntervalSince1970 * 1_000_000),
                    data: .init(id: "5001", type: "candidates", attributes: [
                        "first-name": .string("Live"), "last-name": .string("Change"), "email": .string("live@example.com"),
                        "created-at": .string(RFC3339.format(now)), "updated-at": .string(RFC3339.format(now)),
                    ]))])
                try await harness.waitUntil(
                    "SELECT count(*)::int FROM linkedin_records WHERE company_id = '77' AND state = 'synced' AND (company_id, resource, parent_id, record_id) NOT IN (SELECT company_id, resource, parent_id, record_id FROM linkedin_send_queue)", reaches: 1)
                #expect(try await harness.count("SELECT count(*)::int FROM linkedin_send_queue WHERE company_id = '1842'") > 0,
                        "the live change reached LinkedIn while history was still queued")
                try await harness.waitUntilFinished()
            }
            try await Self.expectReconciled(harness)
        }
    }

    @Test("a crash midway resumes from the stored cursors, re-sends nothing that was done, and never overwrites a newer live state")
    func resumesAfterCrash() async throws {
        var pausing = FirstSyncRunner.Settings()
        pausing.maxQueuedRecords = 600
        try await Self.run(seed: TeamtailorSeed(seed: 5, users: 4, jobs: 20, candidates: 600, applications: 1_500), runnerSettings: pausing) { harness in
            // First life: the reader runs alone (nothing drains), fills the queue and pauses; then it "crashes".
            let firstLife = Task { try await harness.runner.run() }
            try await harness.waitUntil("SELECT count(*)::int FROM linkedin_send_queue WHERE company_id = '1842'", reaches: 600)
            firstLife.cancel()
            _ = try? await firstLife.value
            let cursors = try await harness.count("SELECT count(*)::int FROM first_sync_progress WHERE state = 'read' OR cursor IS NOT NULL")
            #expect(cursors > 0, "progress was stored")
            #expect(try await harness.count("SELECT count(*)::int FROM first_sync_progress WHERE state <> 'read'") > 0, "and is not complete")

            // A live change newer than anything in the history: the read of its page must not undo it.
            let candidate = try #require(await harness.teamtailor.state.records(.candidates, company: Self.history).last)
            let future = Date().addingTimeInterval(3_600)
            _ = try await harness.states.apply([ChangeEvent(
                eventID: "live-newer", event: "candidate.update", companyID: Self.history, occurredAt: future,
                version: Int64(future.timeIntervalSince1970 * 1_000_000),
                data: .init(id: String(candidate.id), type: "candidates", attributes: [
                    "first-name": .string("Renamed"), "last-name": .string("Live"), "email": .string("renamed@example.com"),
                    "created-at": .string(RFC3339.format(Date())), "updated-at": .string(RFC3339.format(future)),
                ]))])

            // Second life: a fresh runner and the sender finish the job.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await harness.sender.run() }
                group.addTask { try await harness.runner.run() }
                defer { group.cancelAll() }
                try await harness.waitUntilFinished()
            }
            try await Self.expectReconciled(harness)
            let stored = try await harness.postgres.query(
                "SELECT attributes->>'first-name' FROM entity_states WHERE company_id = '1842' AND entity_type = 'candidates' AND entity_id = \(String(candidate.id))",
                logger: harness.logger).decode(String?.self).reduce(into: [String?]()) { $0.append($1) }
            #expect(stored == ["Renamed"], "the newer live state survived the history read")
            // Nothing sent twice: candidate records sent equal the candidates LinkedIn holds (one send each).
            let sentCandidates = await harness.linkedIn.state.requestLog()
                .filter { $0.method == "PUT" && $0.path == "/v2/atsCandidates" && $0.status == 200 }
                .reduce(0) { $0 + $1.recordCount }
            let held = await harness.linkedIn.state.holdings(organization: "urn:li:organization:1842").candidates
            #expect(sentCandidates == held)
        }
    }

    @Test("a history record PostgreSQL refuses (a NUL in a name) is left out with an error on the admin page; the rest is stored and the read finishes")
    func unstorableRecordLeftOut() async throws {
        try await Self.run(seed: TeamtailorSeed(seed: 4, users: 2, jobs: 3, candidates: 40, applications: 40)) { harness async throws in
            let candidates = await harness.teamtailor.state.records(.candidates, company: Self.history)
            let poisoned = try #require(candidates.dropFirst(10).first).id
            // Valid JSON from Teamtailor's API, but PostgreSQL stores no NUL in jsonb (22P05).
            try await harness.teamtailor.updateCandidate(company: Self.history, id: poisoned, attributes: ["first-name": .string("Zo\u{0}ë")])
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline, try await harness.runner.readOneCompany() {}
            #expect(try await harness.count("SELECT count(*)::int FROM first_sync_progress WHERE company_id = '1842' AND state <> 'read'") == 0,
                    "the read finished instead of failing on the same page")
            #expect(try await harness.count(
                "SELECT count(*)::int FROM entity_states WHERE company_id = '1842' AND entity_type = 'candidates'") == candidates.count - 1)
            #expect(try await harness.count(
                "SELECT count(*)::int FROM company_errors WHERE company_id = '1842' AND source = 'first_sync' AND cause = 'unstorable_record' AND subject = 'candidates/\(poisoned)'") == 1)
        }
    }

    @Test("Teamtailor refusing the stored key stops the history read, marks it failed and tells the admin; nothing retries hot")
    func refusedKeyIsReported() async throws {
        try await Self.run(seed: TeamtailorSeed(seed: 3, users: 2, jobs: 2, candidates: 10, applications: 10), storedKey: "revoked-key") { harness async throws in
            #expect(try await harness.runner.readOneCompany())
            #expect(try await harness.count("SELECT count(*)::int FROM first_sync_progress WHERE company_id = '1842' AND state = 'failed'") == 6)
            #expect(try await harness.count(
                "SELECT count(*)::int FROM company_errors WHERE company_id = '1842' AND source = 'first_sync' AND cause = 'teamtailor_access_lost'") == 1)
            #expect(try await harness.runner.readOneCompany() == false, "a failed history is not claimed again until resynced")
            #expect(try await harness.count("SELECT count(*)::int FROM entity_states") == 0)
        }
    }

    @Test("notes deleted and created while the history is read: no note is skipped, and the counts still reconcile")
    func movingCollection() async throws {
        let changes = ChangeBox()
        try await Self.run(
            seed: TeamtailorSeed(seed: 9, users: 3, jobs: 10, candidates: 600, applications: 900, notes: 900), changes: changes
        ) { harness in
            // Slow pages, so the changes land between two page reads of the notes.
            await harness.teamtailor.state.setFaults(TeamtailorFaultConfiguration(latency: .milliseconds(40)))
            let client = TeamtailorClient(baseURL: harness.teamtailorURL, http: .shared, logger: harness.logger)
            let key = TeamtailorCredentials(apiKey: Self.teamtailorKey)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await harness.sender.run() }
                group.addTask { try await harness.runner.run() }
                defer { group.cancelAll() }
                let deadline = ContinuousClock.now + .seconds(300)
                while try await harness.count(
                    "SELECT coalesce(max(read_count), 0)::int FROM first_sync_progress WHERE company_id = '1842' AND resource = 'notes'") < 90 {
                    guard ContinuousClock.now < deadline else { Issue.record("the notes were never read"); return }
                    try await Task.sleep(for: .milliseconds(5))
                }
                // Four notes already read go (every later note moves four places back), two new ones come (at the end).
                for id in [3, 20, 50, 70] { try await client.deleteNote(id: String(id), credentials: key) }
                for candidate in [5, 6] {
                    try await harness.teamtailor.addComment(company: Self.history, candidate: candidate, user: 1, text: "Added during the read")
                }
                #expect(try await harness.count(
                    "SELECT count(*)::int FROM first_sync_progress WHERE company_id = '1842' AND resource = 'notes' AND state = 'reading'") == 1,
                    "the changes came while the notes were being read")
                // Their change events, as the outbound worker would have consumed them.
                _ = try await harness.states.apply(changes.take(), priority: 0)
                try await harness.waitUntilFinished()
            }
            try await Self.expectReconciled(harness)
            let notes = Set(await harness.teamtailor.state.records(.notes, company: Self.history).map { String($0.id) })
            let stored = Set(try await harness.postgres.query(
                "SELECT entity_id FROM entity_states WHERE company_id = '1842' AND entity_type = 'comments' AND NOT deleted",
                logger: harness.logger).decode(String.self).reduce(into: [String]()) { $0.append($1) })
            #expect(notes == stored, "missing: \(notes.subtracting(stored).sorted()), extra: \(stored.subtracting(notes).sorted())")
        }
    }
}

/// Change events the simulator published, for a test to apply as the outbound worker would.
final class ChangeBox: Sendable {
    private let events = Mutex<[ChangeEvent]>([])
    func add(_ event: ChangeEvent) { events.withLock { $0.append(event) } }
    func take() -> [ChangeEvent] { events.withLock { let all = $0; $0 = []; return all } }
}

/// A wait in a test that ran out: what was awaited, how far it got.
struct WaitTimedOut: Error, CustomStringConvertible {
    var what: String
    var seen: Int
    var target: Int
    var timeout: Duration
    var description: String { "\(what) reached \(seen), not \(target), within \(timeout)" }
}
