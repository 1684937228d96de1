import Foundation
import Synchronization
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCConfiguration
import RSCKafka
import RSCLinkedInSimulator
import RSCSandbox
import RSCSecrets
import RSCStore
import RSCTeamtailorSimulator

/// The embedded stack as the demo and the benchmarks use it: PostgreSQL, the Kafka mock cluster, the
/// LinkedIn simulator and the Teamtailor simulator in this process, migrated, with companies connected, and
/// the workers as children. The Teamtailor simulator publishes its changes to the topics, as Teamtailor does.
struct EmbeddedStackSession: Sendable {
    let postgres: EmbeddedPostgres
    let kafka: EmbeddedKafka
    let simulator: LinkedInSimulator
    let teamtailor: TeamtailorSimulator
    let teamtailorURL: URL
    let client: PostgresClient
    let linkedInPort: Int
    let secretKey: String
    let logger: Logger
    /// Change events the Teamtailor simulator makes but does not publish: the demo loses one on purpose.
    let lostEvents: LostEvents

    /// How many of the Teamtailor simulator's next change events are lost instead of published.
    final class LostEvents: Sendable {
        private let remaining = Mutex(0)

        func lose(next count: Int) { remaining.withLock { $0 += count } }

        /// True when this event is to be lost (and counts it).
        func take() -> Bool {
            remaining.withLock { remaining in
                guard remaining > 0 else { return false }
                remaining -= 1
                return true
            }
        }
    }

    static func run<T: Sendable>(
        companies: [String], privateJobs: Set<String> = [], simulatorConfiguration: LinkedInSimulatorConfiguration = .init(),
        logger: Logger, _ body: @Sendable (EmbeddedStackSession) async throws -> T
    ) async throws -> T {
        let postgres = try await EmbeddedPostgres.start(logger: logger)
        defer { postgres.stop() }
        let kafka = try EmbeddedKafka()
        defer { kafka.close() }
        var quiet = logger
        quiet.logLevel = .error
        let simulator = LinkedInSimulator(configuration: simulatorConfiguration, logger: quiet)
        let secretKey = SecretBox.generateKeyBase64()
        let client = PostgresClient(settings: try DatabaseSettings(url: postgres.url), applicationName: "rsc-sandbox", backgroundLogger: quiet)
        let publisher = try KafkaProducer(configuration: .init(bootstrapServers: kafka.bootstrapServers), logger: quiet)
        let lostEvents = LostEvents()
        let teamtailor = TeamtailorSimulator(configuration: .init(), logger: quiet) { event in
            guard event.topic != nil, !lostEvents.take() else { return }
            try? await publisher.publishChange(event)
        }
        let teamtailorURL = try await teamtailor.start()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { await client.run(); return nil }
            group.addTask { try await simulator.run(); return nil }
            defer { group.cancelAll() }
            let port = try await simulator.waitUntilListening()
            try await Migrator(migrations: MigrationCatalog.loadDefault()).migrate(client, logger: logger)
            let store = CompanyStore(client: client, secrets: try SecretBox(currentKeyBase64: secretKey), logger: logger)
            for id in companies {
                await simulator.registerApplication(clientID: "sandbox-client-\(id)", clientSecret: "sandbox-secret-\(id)", organization: "urn:li:organization:\(id)")
                try await store.add(NewCompany(
                    id: id, teamtailorToken: "sandbox-token-\(id)", linkedInClientID: "sandbox-client-\(id)",
                    linkedInClientSecret: "sandbox-secret-\(id)", organizationURN: "urn:li:organization:\(id)",
                    contractURNs: ["urn:li:contract:\(id)00"], jobsPrivate: privateJobs.contains(id)
                ))
                // The company exists in Teamtailor too (its records come as generated change events), so a
                // reconciliation pass reads it like any other instead of being refused the key.
                try await teamtailor.state.createCompany(id: id, apiKey: "sandbox-token-\(id)")
            }
            let session = EmbeddedStackSession(
                postgres: postgres, kafka: kafka, simulator: simulator, teamtailor: teamtailor, teamtailorURL: teamtailorURL,
                client: client, linkedInPort: port, secretKey: secretKey, logger: logger, lostEvents: lostEvents
            )
            // The simulator's publisher flushes and closes while the broker is still up.
            do {
                let result = try await body(session)
                await teamtailor.stop()
                await publisher.close()
                return result
            } catch {
                await teamtailor.stop()
                await publisher.close()
                throw error
            }
        }
    }

    /// A company with a seeded history (the benchmarks' shape: three applications a candidate, a job per 60
    /// candidates) in the Teamtailor simulator, connected to its own LinkedIn application, its first sync
    /// queued; answers what Teamtailor holds.
    func connectHistoryCompany(
        id: String, apiKey: String, clientID: String, contractURN: String, seed: UInt64, candidates: Int
    ) async throws -> [SimulatedTeamtailorResource: Int] {
        try await teamtailor.state.seedCompany(
            id: id, apiKey: apiKey,
            .init(seed: seed, users: 20, jobs: max(candidates / 60, 10), candidates: candidates, applications: candidates * 3))
        let organization = "urn:li:organization:\(id)"
        await simulator.registerApplication(clientID: clientID, clientSecret: "bench-secret", organization: organization)
        let companies = CompanyStore(client: client, secrets: try SecretBox(currentKeyBase64: secretKey), logger: logger)
        try await companies.add(NewCompany(
            id: id, teamtailorToken: apiKey, linkedInClientID: clientID, linkedInClientSecret: "bench-secret",
            organizationURN: organization, contractURNs: [contractURN], jobsPrivate: false))
        try await FirstSyncProgress.start(companyID: id, restart: false, postgres: client, logger: logger)
        return await teamtailor.state.recordCounts(company: id)
    }

    /// Starts `rsc-outbound` (beside this executable) against the stack; JSON logs go to a file in /tmp.
    func launchWorker(metricsPort: Int, extraEnvironment: [String: String] = [:], logName: String) throws -> (Process, URL) {
        try launch("rsc-outbound", metricsPort: metricsPort, extraEnvironment: extraEnvironment, logName: logName)
    }

    /// Starts one of the workers (beside this executable) against the stack; JSON logs go to a file in /tmp.
    func launch(_ worker: String, metricsPort: Int, extraEnvironment: [String: String] = [:], logName: String) throws -> (Process, URL) {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent(worker)
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent(logName)
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.environment = [
            "DATABASE_URL": postgres.url, "KAFKA_BROKERS": kafka.bootstrapServers, "RSC_SECRET_KEY": secretKey,
            "LINKEDIN_API_URL": "http://127.0.0.1:\(linkedInPort)",
            "LINKEDIN_OAUTH_URL": "http://127.0.0.1:\(linkedInPort)/oauth/v2/accessToken",
            "TEAMTAILOR_API_URL": teamtailorURL.absoluteString,
            "METRICS_PORT": "\(metricsPort)", "SHUTDOWN_GRACE_SECONDS": "10",
            // The mock cluster rebalances only as fast as the group timeouts allow (docs/architecture.md). And a
            // fetch that finds no new message waits its whole `fetch.wait.max.ms` there (500 ms by default), where
            // a real broker answers as soon as a message arrives (librdkafka's rdkafka_mock_handlers.c says so):
            // without the shorter wait, half a second of every live change's latency was the mock's.
            "KAFKA_PROPERTIES": "session.timeout.ms=6000,heartbeat.interval.ms=500,max.poll.interval.ms=10000,fetch.wait.max.ms=20",
        ].merging(extraEnvironment) { $1 }
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return (process, logURL)
    }

    /// LinkedIn records not yet on LinkedIn, every company's.
    func pending() async throws -> Int {
        try await SyncStatus.recordsNotYetOnLinkedIn(company: nil, client: client, logger: logger)
    }
}
