import ArgumentParser
import AsyncHTTPClient
import Foundation
import RSCRetry
import Logging
import PostgresNIO
import RSCConfiguration
import RSCInbound
import RSCLinkedInClient
import RSCLinkedInSimulator
import RSCSandbox
import RSCSecrets
import RSCStore
import RSCTeamtailorClient
import RSCTeamtailorSimulator
import Synchronization

/// `rsc bench inbound`: time and LinkedIn calls per company poll, and companies per 2-hour window for one
/// and two pollers, on embedded PostgreSQL and both simulators in this process.
struct BenchInbound: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbound",
        abstract: "rsc-inbound: time and LinkedIn calls per company poll (5 seats), companies per 2-hour window for one and two pollers."
    )

    @Option(help: "Companies polled per run.") var companies = 40
    @Option(help: "Seats per company.") var seats = 5
    @Option(name: .customLong("items-per-window"), help: "New notes, InMails and stubs per company and 2-hour window (each).") var itemsPerWindow = 3
    @Option(help: "Companies polled at once per poller (INBOUND_CONCURRENCY).") var concurrency = 4

    func run() async throws {
        say("# rsc bench inbound — \(Date().formatted(.iso8601))")
        say("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB")
        var logger = Logger(label: "rsc.bench") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .error
        let postgres = try await EmbeddedPostgres.start(logger: logger)
        defer { postgres.stop() }
        var linkedInConfiguration = LinkedInSimulatorConfiguration()
        linkedInConfiguration.quotasEnabled = false
        let linkedIn = LinkedInSimulator(configuration: linkedInConfiguration, logger: logger)
        var teamtailorConfiguration = TeamtailorSimulatorConfiguration()
        teamtailorConfiguration.rateLimit = 1_000_000
        let teamtailor = TeamtailorSimulator(configuration: teamtailorConfiguration, logger: logger)
        let client = PostgresClient(settings: try DatabaseSettings(url: postgres.url), applicationName: "rsc-bench", backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            group.addTask { try await linkedIn.run() }
            defer { group.cancelAll() }
            let port = try await linkedIn.waitUntilListening()
            let teamtailorURL = try await teamtailor.start()
            defer { Task { await teamtailor.stop() } }
            try await Migrator(migrations: MigrationCatalog.loadDefault()).migrate(client, logger: logger)
            let store = CompanyStore(client: client, secrets: try SecretBox(currentKeyBase64: SecretBox.generateKeyBase64()), logger: logger)
            let clock = BenchClock()
            let ids = (1...companies).map { "\(7000 + $0)" }
            for (index, id) in ids.enumerated() {
                try await teamtailor.state.seedCompany(id: id, apiKey: "key-\(id)", .init(seed: UInt64(index + 1), users: 3, jobs: 1, candidates: 0, applications: 0, notes: 0))
                let organization = "urn:li:organization:\(60_000 + index)", contract = "urn:li:contract:\(61_000 + index)"
                await linkedIn.registerApplication(clientID: "bench-\(id)", clientSecret: "s-\(id)", organization: organization)
                let scenario = try await linkedIn.state.generateScenario(RecruiterScenario(
                    organization: organization, contract: contract, seats: seats, members: 20, notes: 0, inMails: 0, stubs: 0,
                    hours: 2, seed: UInt64(index + 1), grantRecruiterData: true))
                for member in scenario.members {
                    let candidate = try await teamtailor.createCandidate(company: id, attributes: ["first-name": .string("C"), "sourced": .bool(true)])
                    try await client.query(
                        "INSERT INTO candidate_members (company_id, candidate_id, person_urn, matched_by) VALUES (\(id), \(String(candidate)), \(member), 'linkedin')",
                        logger: logger)
                }
                try await store.add(NewCompany(
                    id: id, teamtailorToken: "key-\(id)", linkedInClientID: "bench-\(id)", linkedInClientSecret: "s-\(id)",
                    organizationURN: organization, contractURNs: [contract], jobsPrivate: false))
            }
            var settings = InboundPoller.Settings(teamtailorBaseURL: teamtailorURL)
            settings.concurrency = concurrency
            settings.initialLookback = .seconds(7_200)
            settings.overdueAfter = .seconds(86_400)
            let linkedInClient = LinkedInClient(
                apiURL: URL(string: "http://127.0.0.1:\(port)")!, oauthURL: URL(string: "http://127.0.0.1:\(port)/oauth/v2/accessToken")!,
                http: .shared, logger: logger)
            let teamtailorClient = TeamtailorClient(baseURL: teamtailorURL, http: .shared, logger: logger)
            func poller(_ owner: String) -> InboundPoller {
                InboundPoller(
                    postgres: client, linkedIn: linkedInClient, teamtailor: teamtailorClient, companies: store, settings: settings,
                    owner: owner, now: { clock.now() }, logger: logger)
            }
            // Each window: new items in LinkedIn (timestamped inside the window), then every company polled.
            func addItems(window: Int) async throws {
                for (index, id) in ids.enumerated() {
                    _ = id
                    let contractSeats = (0..<seats).map { "urn:li:seat:\(7_000_000 + Int64(index + 1) % 1000 * 1000 + Int64($0))" }
                    for item in 0..<itemsPerWindow {
                        let seat = contractSeats[item % contractSeats.count]
                        let member = "urn:li:person:sim\(index + 1)m\(item % 20 + 1)"
                        let at = clock.now().addingTimeInterval(-Double(item + 1) * 60)
                        try await linkedIn.state.addProspectNote(owner: seat, member: member, note: "Window \(window) note \(item)", at: at)
                        try await linkedIn.state.addInMail(seat: seat, member: member, subject: "Hi", body: "Window \(window) message \(item)", at: at)
                        try await linkedIn.state.addMailStub(owner: seat, member: member, emailAddress: "w\(window)i\(item)@example.com", at: at)
                    }
                }
            }
            let a = poller("bench-a"), b = poller("bench-b")
            // Window 0 schedules every company and reads its first (empty) history.
            clock.advance(7_200)
            while try await a.pollDue() > 0 {}

            say("\n## one company at a time (steady state: one 2-hour window, \(seats) seats, \(itemsPerWindow) notes + InMails + stubs each)")
            clock.advance(7_200)
            try await addItems(window: 1)
            var calls = 0, written = 0
            let sequentialStart = ContinuousClock.now
            for id in ids {
                let report = await a.poll(id)
                calls += report.linkedInCalls
                written += report.written
            }
            let sequential = ContinuousClock.now - sequentialStart
            let perPoll = sequential / companies
            say("companies: \(companies); time per company poll: \(ms(perPoll)) ms; LinkedIn calls per poll: \(Double(calls) / Double(companies)); Teamtailor writes per poll: \(Double(written) / Double(companies))")

            for (label, replicas) in [("one poller", [a]), ("two pollers", [a, b])] {
                clock.advance(7_200)
                try await addItems(window: label.count)
                try await client.query("UPDATE inbound_schedule SET next_poll_at = \(clock.now())", logger: logger)
                let start = ContinuousClock.now
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for replica in replicas { group.addTask { while try await replica.pollDue() > 0 {} } }
                    try await group.waitForAll()
                }
                let elapsed = ContinuousClock.now - start
                let perSecond = Double(companies) / elapsed.timeInterval
                say("\n## \(label), concurrency \(concurrency) each: \(companies) companies in \(ms(elapsed)) ms → \(String(format: "%.1f", perSecond)) company polls/s → ~\(Int(perSecond * 7_200)) companies per 2-hour window")
            }
        }
    }

    func ms(_ duration: Duration) -> String { String(format: "%.1f", duration.timeInterval * 1000) }

    func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// The bench moves time by hand: each "2-hour window" passes at once.
final class BenchClock: Sendable {
    private let current = Mutex(Date())
    func now() -> Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

