import Foundation
import Logging
import PostgresNIO
import RSCLinkedInSimulator
import RSCSandbox
import RSCStore
import RSCTeamtailorSimulator
import RSCTestSupport
import Testing

@Suite("the first global sync survives kill -9")
struct FirstSyncCrashTests {
    let logger = TestPostgres.logger

    @Test("rsc-outbound killed midway through a company's history resumes from its cursors and ends with LinkedIn's counts equal to Teamtailor's")
    func killNineMidway() async throws {
        let kafka = try EmbeddedKafka(partitionCount: 3)
        defer { kafka.close() }
        let teamtailor = TeamtailorSimulator(configuration: .init(), logger: logger)
        let teamtailorURL = try await teamtailor.start()
        defer { Task { await teamtailor.stop() } }
        try await teamtailor.state.seedCompany(id: "1842", apiKey: "tt-key", .init(seed: 21, users: 4, jobs: 20, candidates: 600, applications: 1_500))
        await teamtailor.state.setRateLimit(100_000, window: .seconds(10))
        try await TestLinkedIn.withSimulator { simulator, endpoints in
            try await TestPostgres.withMigratedDatabase { client, settings async throws in
                let key = Data(repeating: 9, count: 32).base64EncodedString()
                try await CompanyStore(client: client, secrets: try .init(currentKeyBase64: key), logger: logger).add(NewCompany(
                    id: "1842", teamtailorToken: "tt-key", linkedInClientID: "client-1842", linkedInClientSecret: "secret-1842",
                    organizationURN: "urn:li:organization:1842", contractURNs: ["urn:li:contract:1"], jobsPrivate: false))
                await simulator.registerApplication(clientID: "client-1842", clientSecret: "secret-1842", organization: "urn:li:organization:1842")
                try await FirstSyncProgress.start(companyID: "1842", restart: false, postgres: client, logger: logger)

                var environment = OutboundProcessTests.environment(
                    databaseURL: settings.url, brokers: kafka.bootstrapServers, metricsPort: 0, grace: 10, linkedIn: endpoints)
                environment["LOG_LEVEL"] = "warning"
                environment["TEAMTAILOR_API_URL"] = teamtailorURL.absoluteString
                func count(_ sql: String) async throws -> Int {
                    try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self).reduce(0, +)
                }
                let first = try ChildProcess(BuiltProduct.url("rsc-outbound"), environment: environment)
                // Generous: under CI every test runs at once on two cores.
                let deadline = ContinuousClock.now + .seconds(300)
                while ContinuousClock.now < deadline {
                    if try await count("SELECT count(*)::int FROM linkedin_records WHERE state = 'synced' AND NOT dirty") >= 200 { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                first.signal(SIGKILL)
                _ = try await first.waitForExit(timeout: .seconds(10))
                let unfinished = try await count("SELECT count(*)::int FROM first_sync_progress WHERE state <> 'read'")
                    + count("SELECT count(*)::int FROM linkedin_records WHERE dirty")
                #expect(unfinished > 0, "killed midway, not after the end")

                let second = try ChildProcess(BuiltProduct.url("rsc-outbound"), environment: environment)
                defer { if second.process.isRunning { second.signal(SIGKILL) } }
                while ContinuousClock.now < deadline {
                    let unread = try await count("SELECT count(*)::int FROM first_sync_progress WHERE state <> 'read'")
                    let unsent = try await count("SELECT count(*)::int FROM linkedin_records WHERE dirty OR job_task_id IS NOT NULL")
                    if unread == 0 && unsent == 0 { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                let candidates = await teamtailor.state.records(.candidates, company: "1842")
                let matchable = candidates.filter { candidate in
                    ["first-name", "last-name", "email"].allSatisfy { !(candidate.attributes[$0]?.stringValue ?? "").isEmpty }
                }.count
                let holdings = await simulator.state.holdings(organization: "urn:li:organization:1842")
                #expect(holdings.candidates == matchable, "stderr: \(second.standardError.suffix(1500))")
                #expect(holdings.applications == (try await count(
                    "SELECT count(*)::int FROM linkedin_records WHERE resource = 'application' AND state = 'synced'")))
                #expect(try await count("SELECT count(*)::int FROM linkedin_records WHERE resource = 'application'") == 1_500)
                // What was done before the kill is not sent again; at most the batch in flight at the kill is.
                let sent = await simulator.state.requestLog()
                    .filter { $0.method == "PUT" && $0.path == "/v2/atsCandidates" && $0.status == 200 }
                    .reduce(0) { $0 + $1.recordCount }
                #expect(sent >= holdings.candidates && sent <= holdings.candidates + 100, "candidate records sent: \(sent)")
                #expect(await simulator.state.throttledCount() == 0)
                second.signal(SIGTERM)
                #expect(try await second.waitForExit(timeout: .seconds(15)) == 0)
            }
        }
    }
}
