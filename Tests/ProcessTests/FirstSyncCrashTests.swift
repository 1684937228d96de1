import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCKafka
import RSCLinkedInSimulator
import RSCSandbox
import RSCStore
import RSCTeamtailorSimulator
import RSCTestSupport
import Testing

/// The first global sync at the size the connect issue names, through the real `rsc-outbound` process: a
/// company with 20,000 candidates and 60,000 applications (with their stages and comments; jobs
/// open and closed), `kill -9` midway, a restart, and meanwhile another company's live changes over Kafka.
@Suite("the first global sync at full size survives kill -9")
struct FirstSyncCrashTests {
    let logger = TestPostgres.logger
    static let history = "1842", live = "77"
    static let historyOrganization = "urn:li:organization:1842", liveOrganization = "urn:li:organization:77"
    /// LinkedIn's 10,000 records a minute with the minute compressed threefold, on both sides, so the quota
    /// binds while candidates and applications go out 100 to a call; the 100,000 calls a day are LinkedIn's own.
    static let recordWindowSeconds = 20

    @Test("20,000 candidates / 60,000 applications: killed midway, resumed without re-sending what was done, counts reconcile, never over quota, live changes go first")
    func fullSizeHistoryKilledMidway() async throws {
        let kafka = try EmbeddedKafka(partitionCount: 3)
        defer { kafka.close() }
        let teamtailor = TeamtailorSimulator(configuration: .init(), logger: logger)
        let teamtailorURL = try await teamtailor.start()
        defer { Task { await teamtailor.stop() } }
        try await teamtailor.state.seedCompany(
            id: Self.history, apiKey: "tt-key", .init(seed: 21, users: 20, jobs: 333, candidates: 20_000, applications: 60_000))
        await teamtailor.state.setRateLimit(100_000, window: .seconds(10))
        var linkedInConfiguration = LinkedInSimulatorConfiguration()
        linkedInConfiguration.recordWindow = .seconds(Self.recordWindowSeconds)
        // Every call of the run is kept, to account for each record sent.
        linkedInConfiguration.requestLogCapacity = 400_000
        try await TestLinkedIn.withSimulator(linkedInConfiguration) { simulator, endpoints in
            try await TestPostgres.withMigratedDatabase { client, settings async throws in
                let key = Data(repeating: 9, count: 32).base64EncodedString()
                let companies = CompanyStore(client: client, secrets: try .init(currentKeyBase64: key), logger: logger)
                for (company, organization) in [(Self.history, Self.historyOrganization), (Self.live, Self.liveOrganization)] {
                    try await companies.add(NewCompany(
                        id: company, teamtailorToken: company == Self.history ? "tt-key" : "tt-live", linkedInClientID: "client-\(company)",
                        linkedInClientSecret: "secret-\(company)", organizationURN: organization, contractURNs: ["urn:li:contract:\(company)"],
                        jobsPrivate: false))
                    await simulator.registerApplication(clientID: "client-\(company)", clientSecret: "secret-\(company)", organization: organization)
                }
                try await FirstSyncProgress.start(companyID: Self.history, restart: false, postgres: client, logger: logger)

                var environment = OutboundProcessTests.environment(
                    databaseURL: settings.url, brokers: kafka.bootstrapServers, metricsPort: 0, grace: 10, linkedIn: endpoints)
                environment["LOG_LEVEL"] = "warning"
                environment["TEAMTAILOR_API_URL"] = teamtailorURL.absoluteString
                environment["LINKEDIN_QUOTA_WINDOW_SECONDS"] = "\(Self.recordWindowSeconds)"
                let logger = self.logger
                @Sendable func count(_ sql: String) async throws -> Int {
                    try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self).reduce(0, +)
                }
                func historySynced() async throws -> Int {
                    try await count("SELECT count(*)::int FROM linkedin_records WHERE company_id = '1842' AND state = 'synced' AND (company_id, resource, parent_id, record_id) NOT IN (SELECT company_id, resource, parent_id, record_id FROM linkedin_send_queue)")
                }
                func historyFinished() async throws -> Bool {
                    let unread = try await count("SELECT count(*)::int FROM first_sync_progress WHERE state <> 'read'")
                    let unsent = try await SyncStatus.recordsNotYetOnLinkedIn(company: "1842", client: client, logger: logger)
                    return unread == 0 && unsent == 0
                }

                // Another company's live changes, one every two seconds while the history runs, each timed
                // until LinkedIn holds it and checked to have overtaken the history still queued.
                let liveChanges = LiveChanges(brokers: kafka.bootstrapServers, simulator: simulator, logger: logger)
                let liveTask = Task { try await liveChanges.run(historyQueued: { try await count(
                    "SELECT count(*)::int FROM linkedin_send_queue WHERE company_id = '1842'") }) }
                defer { liveTask.cancel() }

                let first = try ChildProcess(BuiltProduct.url("rsc-outbound"), environment: environment)
                defer { if first.process.isRunning { first.signal(SIGKILL) } }
                // Generous deadlines: under CI every test runs at once on two cores, in a debug build.
                let deadline = ContinuousClock.now + .seconds(3_000)
                while try await historySynced() < 40_000, ContinuousClock.now < deadline, first.process.isRunning {
                    try await Task.sleep(for: .milliseconds(200))
                }
                first.signal(SIGKILL)
                _ = try await first.waitForExit(timeout: .seconds(10))
                let syncedAtKill = try await historySynced()
                #expect(syncedAtKill >= 40_000, "stderr: \(first.standardError.suffix(1500))")
                #expect(try await historyFinished() == false, "killed midway, not after the end")
                let sentBeforeKill = await Self.recordsSent(simulator, clientID: "client-1842")

                let second = try ChildProcess(BuiltProduct.url("rsc-outbound"), environment: environment)
                defer { if second.process.isRunning { second.signal(SIGKILL) } }
                while ContinuousClock.now < deadline, second.process.isRunning {
                    if try await historyFinished() { break }
                    try await Task.sleep(for: .milliseconds(500))
                }
                #expect(try await historyFinished(), "stderr: \(second.standardError.suffix(1500))")
                liveTask.cancel()
                let live = try await liveTask.value

                // LinkedIn's counts equal Teamtailor's, by the mapping's rules, and nothing went over quota.
                let report = try await FirstSyncReconciliation.check(
                    companyID: Self.history, organization: Self.historyOrganization, teamtailor: teamtailor.state,
                    linkedIn: simulator.state, postgres: client, logger: logger)
                #expect(report.mismatches.isEmpty, "Teamtailor / LinkedIn:\n\(report.lines.joined(separator: "\n"))")
                let counts = await teamtailor.state.recordCounts(company: Self.history)
                #expect(counts[.candidates] == 20_000 && counts[.jobApplications] == 60_000)

                // What was done before the kill is not sent again: every record LinkedIn accepted was sent once,
                // but for the one call in flight at the kill (at most a batch of 100).
                let held = await simulator.state.holdings(organization: Self.historyOrganization)
                let heldRecords = held.candidates + held.applications + held.listedJobs + held.closedJobs + held.subRecords.values.reduce(0, +)
                let sent = await Self.recordsSent(simulator, clientID: "client-1842")
                #expect(sent >= heldRecords && sent <= heldRecords + 100, "records sent \(sent) (\(sentBeforeKill) before the kill), held \(heldRecords)")
                let calls = await simulator.state.requestLog().filter { $0.clientID == "client-1842" && $0.path.hasPrefix("/v2/") }.count
                #expect(calls <= 100_000, "within a day's calls: \(calls)")

                // Live work went first: live changes reached LinkedIn while history records were still queued
                // ahead of them (the figures are printed; their speed is the first-sync bench's to measure).
                let duringHistory = live.filter { $0.historyQueued > 0 }
                #expect(duringHistory.count >= 5, "live changes that overtook queued history: \(duringHistory.count) of \(live.count)")
                let seconds = duringHistory.map(\.seconds).sorted()
                print("first sync at full size: \(heldRecords) records on LinkedIn, \(sent) sent, \(calls) calls; "
                    + "\(syncedAtKill) synced at the kill; live changes: \(seconds.count), "
                    + "median \(seconds.isEmpty ? 0 : seconds[seconds.count / 2]) s, max \(seconds.last ?? 0) s\n" + report.lines.joined(separator: "\n"))
                second.signal(SIGTERM)
                #expect(try await second.waitForExit(timeout: .seconds(15)) == 0)
            }
        }
    }

    /// Records in the sync writes LinkedIn accepted from `clientID` (job postings, candidates, applications
    /// and what hangs under them).
    static func recordsSent(_ simulator: LinkedInSimulator, clientID: String) async -> Int {
        await simulator.state.requestLog()
            .filter { $0.clientID == clientID && $0.status == 200 && ["PUT", "POST"].contains($0.method) && $0.path.hasPrefix("/v2/") }
            .reduce(0) { $0 + $1.recordCount }
    }

    /// Publishes a change of the live company's candidate and waits until LinkedIn holds it, until cancelled.
    struct LiveChanges: Sendable {
        struct Arrival: Sendable {
            var seconds: Double
            /// History records still waiting to be sent when the live change was on LinkedIn.
            var historyQueued: Int
        }

        let brokers: String
        let simulator: LinkedInSimulator
        let logger: Logger

        func run(historyQueued: @Sendable () async throws -> Int) async throws -> [Arrival] {
            let producer = try KafkaProducer(configuration: .init(bootstrapServers: brokers), logger: logger)
            var arrivals: [Arrival] = []
            var sequence = 0
            while !Task.isCancelled {
                sequence += 1
                let now = Date()
                let event = ChangeEvent(
                    eventID: UUID().uuidString, event: "candidate.update", companyID: FirstSyncCrashTests.live, occurredAt: now,
                    version: Int64(now.timeIntervalSince1970 * 1_000_000),
                    data: .init(id: "77001", type: "candidates", attributes: [
                        "first-name": .string("Live"), "last-name": .string("Change \(sequence)"), "email": .string("live@example.com"),
                        "created-at": .string("2026-01-01T00:00:00Z"), "updated-at": .string(RFC3339.format(now)),
                    ]))
                let sent = ContinuousClock.now
                _ = try await producer.send(
                    topic: ChangeTopic.candidates.rawValue, key: Array(FirstSyncCrashTests.live.utf8), value: Array(event.contractJSON.utf8))
                // A change published while rsc-outbound is down arrives after the restart; one that never
                // arrives ends the wait after ten minutes and is missing from the arrivals the test checks.
                while !Task.isCancelled, ContinuousClock.now < sent + .seconds(600) {
                    let record = await simulator.state.record(.atsCandidates, id: "77001", in: FirstSyncCrashTests.liveOrganization)
                    if record?["lastName"]?.stringValue == "Change \(sequence)" {
                        let elapsed = (ContinuousClock.now - sent).components
                        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
                        arrivals.append(Arrival(seconds: seconds, historyQueued: try await historyQueued()))
                        break
                    }
                    try? await Task.sleep(for: .milliseconds(20))
                }
                try? await Task.sleep(for: .seconds(2))
            }
            await producer.close()
            return arrivals
        }
    }
}
