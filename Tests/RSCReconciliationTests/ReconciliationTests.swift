import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCFirstSync
import RSCLinkedInClient
import RSCLinkedInSimulator
import RSCOutbound
@testable import RSCReconciliation
import RSCSecrets
import RSCStore
import RSCTeamtailorClient
import RSCTeamtailorSimulator
import RSCTestSupport
import Testing

/// Reconciliation over real PostgreSQL and both simulators: a company is first synced, then Teamtailor changes
/// behind our back (its change events never published), and a pass must bring LinkedIn to Teamtailor's truth.
@Suite("standing reconciliation", .serialized)
struct ReconciliationTests {
    static let company = "1842"
    static let organization = "urn:li:organization:1842"
    static let teamtailorKey = "tt-key-1842"

    struct Harness: Sendable {
        let postgres: PostgresClient
        let linkedIn: LinkedInSimulator
        let teamtailor: TeamtailorSimulator
        let firstSync: FirstSyncRunner
        let sender: LinkedInSender
        let reconciler: ReconciliationRunner
        let store: ReconciliationStore
        let states: EntityStateStore
        let companies: CompanyStore
        let teamtailorURL: URL
        /// What the Teamtailor simulator published, in order (nothing consumes it unless a test does).
        let published: PublishedChanges
        let logger: Logger

        func count(_ sql: String) async throws -> Int {
            try await postgres.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self).reduce(0, +)
        }

        /// Until nothing is dirty and no job task is outstanding (the sender runs beside).
        func drained(timeout: Duration = .seconds(300)) async throws {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                let unread = try await count("SELECT count(*)::int FROM first_sync_progress WHERE state <> 'read'")
                let unsent = try await SyncStatus.recordsNotYetOnLinkedIn(company: nil, client: postgres, logger: logger)
                if unread == 0 && unsent == 0 { return }
                try await Task.sleep(for: .milliseconds(200))
            }
            Issue.record("not drained within \(timeout)")
        }

        /// Drained, and LinkedIn's request log still for `quietFor`: the sender reads back the members of the
        /// candidates it sent a second later (gathered per company), after nothing is dirty any more.
        func settled(quietFor: Duration = .seconds(3), timeout: Duration = .seconds(60)) async throws {
            try await drained()
            let deadline = ContinuousClock.now + timeout
            var count = await linkedIn.state.requestLog().count
            var since = ContinuousClock.now
            while ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                let now = await linkedIn.state.requestLog().count
                if now != count { (count, since) = (now, ContinuousClock.now) }
                if ContinuousClock.now - since >= quietFor { return }
            }
            Issue.record("LinkedIn's request log did not settle within \(timeout)")
        }

        func expectReconciled() async throws {
            let report = try await FirstSyncReconciliation.check(
                companyID: ReconciliationTests.company, organization: ReconciliationTests.organization, teamtailor: teamtailor.state,
                linkedIn: linkedIn.state, postgres: postgres, logger: logger)
            #expect(report.mismatches.isEmpty, "Teamtailor / LinkedIn:\n\(report.lines.joined(separator: "\n"))")
        }

        /// A candidate's first name as LinkedIn holds it.
        func firstNameOnLinkedIn(_ candidate: Int) async -> String? {
            await linkedIn.state.records(.atsCandidates, in: ReconciliationTests.organization)[SimulatedRecordID(String(candidate))]?["firstName"]?.stringValue
        }

        func reconcilerNamed(_ owner: String) -> ReconciliationRunner {
            var settings = ReconciliationRunner.Settings()
            settings.owner = owner
            return ReconciliationRunner(
                postgres: postgres, companies: companies,
                teamtailor: TeamtailorClient(baseURL: teamtailorURL, http: .shared, logger: logger), settings: settings, logger: logger)
        }
    }

    /// A seeded company, first-synced to LinkedIn and drained, then `body` with the sender still running.
    static func run(seed: TeamtailorSeed, _ body: @Sendable (Harness) async throws -> Void) async throws {
        let logger = TestPostgres.logger
        let secrets = try SecretBox(currentKeyBase64: SecretBox.generateKeyBase64())
        var simulatorConfiguration = LinkedInSimulatorConfiguration()
        simulatorConfiguration.quotasEnabled = false
        try await TestLinkedIn.withSimulator(simulatorConfiguration) { linkedIn, endpoints async throws in
            try await TestPostgres.withMigratedDatabase { postgres, _ async throws in
                let published = PublishedChanges()
                let teamtailor = TeamtailorSimulator(configuration: .init(), logger: logger) { published.append($0) }
                let teamtailorURL = try await teamtailor.start()
                defer { Task { await teamtailor.stop() } }
                try await teamtailor.state.seedCompany(id: company, apiKey: teamtailorKey, seed)
                await teamtailor.state.setRateLimit(100_000, window: .seconds(10))
                let companies = CompanyStore(client: postgres, secrets: secrets, logger: logger)
                try await companies.add(NewCompany(
                    id: company, teamtailorToken: teamtailorKey, linkedInClientID: "client-1842", linkedInClientSecret: "secret-1842",
                    organizationURN: organization, contractURNs: ["urn:li:contract:1842"], jobsPrivate: false))
                await linkedIn.registerApplication(clientID: "client-1842", clientSecret: "secret-1842", organization: organization)
                try await FirstSyncProgress.start(companyID: company, restart: false, postgres: postgres, logger: logger)
                var senderSettings = LinkedInSender.Settings()
                senderSettings.backoff = .init(initial: .milliseconds(100), maximum: .seconds(2))
                let client = TeamtailorClient(baseURL: teamtailorURL, http: .shared, logger: logger)
                var reconcileSettings = ReconciliationRunner.Settings()
                reconcileSettings.owner = "replica-a"
                let harness = Harness(
                    postgres: postgres, linkedIn: linkedIn, teamtailor: teamtailor,
                    firstSync: FirstSyncRunner(postgres: postgres, companies: companies, teamtailor: client, logger: logger),
                    sender: LinkedInSender(
                        postgres: postgres, linkedIn: LinkedInClient(apiURL: endpoints.api, oauthURL: endpoints.oauth, http: .shared, logger: logger),
                        companies: companies, settings: senderSettings, logger: logger),
                    reconciler: ReconciliationRunner(postgres: postgres, companies: companies, teamtailor: client, settings: reconcileSettings, logger: logger),
                    store: ReconciliationStore(postgres: postgres, logger: logger),
                    states: EntityStateStore(client: postgres, logger: logger), companies: companies, teamtailorURL: teamtailorURL,
                    published: published, logger: logger)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await harness.sender.run() }
                    defer { group.cancelAll() }
                    while try await harness.firstSync.readOneCompany() {}
                    try await harness.drained()
                    try await body(harness)
                }
            }
        }
    }

    static let seed = TeamtailorSeed(seed: 21, users: 4, jobs: 12, candidates: 200, applications: 400)

    @Test("changes whose events were never published (5 % of candidates and applications) are repaired by the next pass")
    func droppedEventsRepaired() async throws {
        try await Self.run(seed: Self.seed) { h in
            let candidates = await h.teamtailor.state.records(.candidates, company: Self.company)
            let applications = await h.teamtailor.state.records(.jobApplications, company: Self.company)
            let renamed = Array(candidates.filter { ($0.attributes["email"]?.stringValue ?? "").isEmpty == false }.prefix(candidates.count / 20))
            for candidate in renamed {
                try await h.teamtailor.updateCandidate(company: Self.company, id: candidate.id, attributes: ["first-name": .string("Repaired-\(candidate.id)")])
            }
            let rejected = Array(applications.filter { $0.attributes["rejected-at"] == nil || $0.attributes["rejected-at"] == .null }.prefix(applications.count / 20))
            for application in rejected {
                try await h.teamtailor.rejectApplication(company: Self.company, id: application.id, reason: "Position filled")
            }
            #expect(!renamed.isEmpty && !rejected.isEmpty)
            for candidate in renamed { #expect(await h.firstNameOnLinkedIn(candidate.id) != "Repaired-\(candidate.id)") }

            try await h.store.request(companyID: Self.company, full: false)
            #expect(try await h.reconciler.runOneDuePass())
            try await h.drained()
            for candidate in renamed { #expect(await h.firstNameOnLinkedIn(candidate.id) == "Repaired-\(candidate.id)") }
            let stagesRejected = try await h.count(
                "SELECT count(DISTINCT parent_id)::int FROM linkedin_records WHERE company_id = '1842' AND resource = 'application_stage' AND record_id = 'rejected' AND state = 'synced'")
            #expect(stagesRejected >= rejected.count, "every rejection reached LinkedIn as a stage")
            try await h.expectReconciled()

            let status = try #require(try await h.store.status(companyID: Self.company))
            #expect(status.lastKind == "incremental" && !status.running && status.lastFinishedAt != nil)
            #expect(status.repaired["candidates"] == renamed.count, "\(status.repaired)")
            #expect(status.repaired["job-applications"] == rejected.count, "\(status.repaired)")
            // Incremental: only what changed since the first sync was read of the filterable resources.
            #expect((status.checked["candidates"] ?? 0) < candidates.count, "\(status.checked)")

            // A second pass over an unchanged company repairs nothing and makes no LinkedIn call.
            try await h.settled()
            let calls = await h.linkedIn.state.requestLog().count
            try await h.store.request(companyID: Self.company, full: true)
            #expect(try await h.reconciler.runOneDuePass())
            try await h.drained()
            let again = try #require(try await h.store.status(companyID: Self.company))
            #expect(again.lastKind == "full")
            #expect(again.repaired.values.reduce(0, +) == 0, "\(again.repaired)")
            #expect((again.checked["candidates"] ?? 0) == candidates.count)
            #expect(await h.linkedIn.state.requestLog().count == calls, "an unchanged company costs no LinkedIn call")
        }
    }

    @Test("a candidate deleted in Teamtailor with no event is deleted on LinkedIn by the full pass, not by an incremental one")
    func silentDeleteFound() async throws {
        try await Self.run(seed: Self.seed) { h in
            let candidates = await h.teamtailor.state.records(.candidates, company: Self.company)
            let onLinkedIn = await h.linkedIn.state.records(.atsCandidates, in: Self.organization)
            let victim = try #require(candidates.first { onLinkedIn[SimulatedRecordID(String($0.id))] != nil })
            try await h.teamtailor.deleteCandidate(company: Self.company, id: victim.id)

            try await h.store.request(companyID: Self.company, full: false)
            #expect(try await h.reconciler.runOneDuePass())
            try await h.drained()
            #expect(await h.linkedIn.state.records(.atsCandidates, in: Self.organization)[SimulatedRecordID(String(victim.id))] != nil,
                    "an incremental pass cannot see a delete")

            try await h.store.request(companyID: Self.company, full: true)
            #expect(try await h.reconciler.runOneDuePass())
            try await h.drained()
            #expect(await h.linkedIn.state.records(.atsCandidates, in: Self.organization)[SimulatedRecordID(String(victim.id))] == nil)
            let status = try #require(try await h.store.status(companyID: Self.company))
            #expect(status.repaired["candidates"] == 1, "\(status.repaired)")
            // Its applications went with it, as a live delete takes them (RSC's rules).
            let orphaned = await h.linkedIn.state.records(.atsApplications, in: Self.organization).values
                .filter { $0["atsCandidateId"]?.stringValue == String(victim.id) }
            #expect(orphaned.isEmpty)
        }
    }

    @Test("a PostgreSQL state rolled back to an older snapshot converges to Teamtailor's truth")
    func rolledBackStateConverges() async throws {
        try await Self.run(seed: Self.seed) { h in
            for table in ["entity_states", "linkedin_records", "linkedin_send_queue", "application_stage_entries"] {
                try await h.postgres.query(PostgresQuery(unsafeSQL: "CREATE TABLE snapshot_\(table) AS SELECT * FROM \(table)"), logger: h.logger)
            }
            // Changes that did arrive live (LinkedIn has them), made after the snapshot.
            let candidates = await h.teamtailor.state.records(.candidates, company: Self.company)
            let changed = Array(candidates.filter { !($0.attributes["email"]?.stringValue ?? "").isEmpty }.prefix(10))
            for candidate in changed {
                try await h.teamtailor.updateCandidate(company: Self.company, id: candidate.id, attributes: ["first-name": .string("Restored-\(candidate.id)")])
                let record = try #require(await h.teamtailor.state.record(.candidates, id: candidate.id, company: Self.company))
                var attributes = record.attributes
                attributes["first-name"] = .string("Restored-\(candidate.id)")
                _ = try await h.states.apply([ChangeEvent(
                    eventID: "live-\(candidate.id)", event: "candidate.update", companyID: Self.company, occurredAt: Date(),
                    version: Int64((record.updatedAt * 1_000_000).rounded()),
                    data: .init(id: String(candidate.id), type: "candidates", attributes: attributes))])
            }
            try await h.drained()
            // The database comes back from the older backup.
            for table in ["entity_states", "linkedin_records", "linkedin_send_queue", "application_stage_entries"] {
                try await h.postgres.query(PostgresQuery(unsafeSQL: "TRUNCATE \(table)"), logger: h.logger)
                try await h.postgres.query(PostgresQuery(unsafeSQL: "INSERT INTO \(table) SELECT * FROM snapshot_\(table)"), logger: h.logger)
            }
            let stale = try await h.count(
                "SELECT count(*)::int FROM entity_states WHERE company_id = '1842' AND entity_type = 'candidates' AND attributes->>'first-name' LIKE 'Restored-%'")
            #expect(stale == 0, "the restore really took the state back")

            try await h.store.request(companyID: Self.company, full: true)
            #expect(try await h.reconciler.runOneDuePass())
            try await h.drained()
            let restored = try await h.count(
                "SELECT count(*)::int FROM entity_states WHERE company_id = '1842' AND entity_type = 'candidates' AND attributes->>'first-name' LIKE 'Restored-%'")
            #expect(restored == changed.count)
            for candidate in changed { #expect(await h.firstNameOnLinkedIn(candidate.id) == "Restored-\(candidate.id)") }
            try await h.expectReconciled()
        }
    }

    @Test("a pass never overwrites a newer live change")
    func liveChangeWins() async throws {
        try await Self.run(seed: Self.seed) { h in
            let candidates = await h.teamtailor.state.records(.candidates, company: Self.company)
            let candidate = try #require(candidates.first { !($0.attributes["email"]?.stringValue ?? "").isEmpty })
            // Teamtailor changes (event lost), then a newer live change arrives for the same candidate.
            try await h.teamtailor.updateCandidate(company: Self.company, id: candidate.id, attributes: ["first-name": .string("Older")])
            let future = Date().addingTimeInterval(3_600)
            var attributes = candidate.attributes
            attributes["first-name"] = .string("Newer")
            _ = try await h.states.apply([ChangeEvent(
                eventID: "live-newer", event: "candidate.update", companyID: Self.company, occurredAt: future,
                version: Int64(future.timeIntervalSince1970 * 1_000_000),
                data: .init(id: String(candidate.id), type: "candidates", attributes: attributes))])
            try await h.store.request(companyID: Self.company, full: true)
            #expect(try await h.reconciler.runOneDuePass())
            try await h.drained()
            let stored = try await h.postgres.query(
                "SELECT attributes->>'first-name' FROM entity_states WHERE company_id = '1842' AND entity_type = 'candidates' AND entity_id = \(String(candidate.id))",
                logger: h.logger).decode(String?.self).reduce(into: [String?]()) { $0.append($1) }
            #expect(stored == ["Newer"])
            #expect(await h.firstNameOnLinkedIn(candidate.id) == "Newer")
        }
    }

    @Test("two replicas never run the same company's pass at once; a pass whose lease is taken over stops")
    func onePassPerCompany() async throws {
        try await Self.run(seed: Self.seed) { h in
            try await h.store.request(companyID: Self.company, full: true)
            // Replica A holds the company; B finds nothing it may run and starts nothing.
            #expect(try await h.store.claim(companyID: Self.company, owner: "replica-a", for: .seconds(60)))
            let b = h.reconcilerNamed("replica-b")
            #expect(try await b.runOneDuePass() == false)
            #expect(try await h.count("SELECT count(*)::int FROM reconcile_state WHERE running_kind IS NOT NULL") == 0)

            // A's lease runs out mid-pass and B takes the company: A's pass stops at its next page.
            let progress = try await h.store.begin(companyID: Self.company, kind: .full, since: nil, now: Date())
            try await h.postgres.query("UPDATE reconcile_leases SET expires_at = now() - interval '1 second'", logger: h.logger)
            #expect(try await h.store.claim(companyID: Self.company, owner: "replica-b", for: .seconds(60)))
            let pagesBefore = await h.teamtailor.state.requestLog().filter { $0.path.hasPrefix("/v1/jobs") }.count
            let credentials = try await h.companies.credentials(Self.company)
            let pass = ReconciliationPass(
                companyID: Self.company, credentials: TeamtailorCredentials(apiKey: credentials.teamtailorToken),
                teamtailor: TeamtailorClient(baseURL: h.teamtailorURL, http: .shared, logger: h.logger), states: h.states, store: h.store,
                postgres: h.postgres, settings: h.reconciler.settings, now: { Date() }, logger: h.logger)
            #expect(try await pass.run(progress) == .leaseLost)
            let pagesAfter = await h.teamtailor.state.requestLog().filter { $0.path.hasPrefix("/v1/jobs") }.count
            #expect(pagesAfter == pagesBefore, "no page read after the lease was lost")

            // Concurrently, two replicas asked for the same requested pass: exactly one runs it.
            try await h.store.release(companyID: Self.company, owner: "replica-b")
            try await h.store.finish(companyID: Self.company, now: Date())
            try await h.store.request(companyID: Self.company, full: false)
            async let first = h.reconcilerNamed("replica-c").runOneDuePass()
            async let second = h.reconcilerNamed("replica-d").runOneDuePass()
            let ran = try await [first, second].filter { $0 }.count
            #expect(ran == 1)
        }
    }
}
