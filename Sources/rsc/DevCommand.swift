import ArgumentParser
import Foundation
import Logging
import RSCLinkedInSimulator
import RSCSandbox
import RSCTeamtailorSimulator
import UnixSignals

struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "The embedded stack for development, the demo, tests and benchmarks (loopback only).",
        subcommands: [Kafka.self, Postgres.self, LinkedIn.self, Teamtailor.self]
    )

    /// Prints `line` alone on stdout, flushed at once so a script reading the pipe sees it.
    static func announce(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func waitForTermination() async {
        for await _ in await UnixSignalsSequence(trapping: .sigterm, .sigint) { return }
    }

    struct Kafka: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start librdkafka's mock cluster with the contract's topics; print KAFKA_BROKERS=…; run until SIGTERM/SIGINT."
        )

        @Option(help: "Brokers in the mock cluster.") var brokers = 3
        @Option(help: "Partitions per topic.") var partitions: Int32 = 12

        func run() async throws {
            let kafka = try EmbeddedKafka(brokerCount: brokers, partitionCount: partitions)
            DevCommand.announce("KAFKA_BROKERS=\(kafka.bootstrapServers)")
            await DevCommand.waitForTermination()
            kafka.close()
        }
    }

    struct Postgres: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a throwaway PostgreSQL server on loopback; print DATABASE_URL=…; run until SIGTERM/SIGINT."
        )

        func run() async throws {
            let postgres = try await EmbeddedPostgres.start(logger: CommandEnvironment.logger)
            DevCommand.announce("DATABASE_URL=\(postgres.url)")
            await DevCommand.waitForTermination()
            postgres.stop()
        }
    }

    struct LinkedIn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "linkedin",
            abstract: "Start the LinkedIn RSC simulator on loopback; print LINKEDIN_API_URL=… and LINKEDIN_OAUTH_URL=…; run until SIGTERM/SIGINT.",
            discussion: "Inspect it under /_simulator/ (records, requests, stats, faults). See docs/linkedin-simulator.md."
        )

        @Option(help: "Port (0: a free one).") var port = 0
        @Option(name: .customLong("records-per-window"), help: "Records per child application per window (LinkedIn: 10000).") var recordsPerWindow = 10_000
        @Option(name: .customLong("window-seconds"), help: "Length of the record window (LinkedIn: 60).") var windowSeconds = 60
        @Option(name: .customLong("calls-per-day"), help: "Calls per child application per day (LinkedIn: 100000).") var callsPerDay = 100_000
        @Option(name: .customLong("job-task-milliseconds"), help: "How long a job-posting task reads IN_PROGRESS before it resolves.") var jobTaskMilliseconds = 1_000
        @Option(name: .customLong("register"), help: "CLIENT_ID:CLIENT_SECRET:ORGANIZATION_NUMBER — a child application to create at start (repeatable).")
        var applications: [String] = []

        func run() async throws {
            var configuration = LinkedInSimulatorConfiguration()
            configuration.port = port
            configuration.recordsPerWindow = recordsPerWindow
            configuration.recordWindow = .seconds(windowSeconds)
            configuration.callsPerDay = callsPerDay
            configuration.jobTaskProcessingTime = .milliseconds(max(jobTaskMilliseconds, 0))
            var logger = Logger(label: "rsc.linkedin-simulator") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = .warning
            let simulator = LinkedInSimulator(configuration: configuration, logger: logger)
            for application in applications {
                let parts = application.split(separator: ":", maxSplits: 2).map(String.init)
                guard parts.count == 3 else { throw ValidationError("--register takes CLIENT_ID:CLIENT_SECRET:ORGANIZATION_NUMBER") }
                await simulator.registerApplication(clientID: parts[0], clientSecret: parts[1], organization: parts[2])
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await simulator.run() }
                let bound = try await simulator.waitUntilListening()
                DevCommand.announce("LINKEDIN_API_URL=http://127.0.0.1:\(bound)")
                DevCommand.announce("LINKEDIN_OAUTH_URL=http://127.0.0.1:\(bound)/oauth/v2/accessToken")
                await DevCommand.waitForTermination()
                group.cancelAll()
            }
        }
    }

    struct Teamtailor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "teamtailor",
            abstract: "Start the Teamtailor API simulator on loopback; print TEAMTAILOR_API_URL=…; run until SIGTERM/SIGINT.",
            discussion: "Inspect and seed it under /_simulator/. See docs/teamtailor-simulator.md."
        )

        @Option(help: "Port (0: a free one).") var port = 0
        @Option(name: .customLong("company"), help: "COMPANY_ID:API_KEY — a company to create at start (repeatable).")
        var companies: [String] = []
        @Option(help: "Seed each company created at start with this many candidates (jobs, applications and the rest scale along).")
        var candidates = 0

        func run() async throws {
            var logger = Logger(label: "rsc.teamtailor-simulator") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = .warning
            let simulator = TeamtailorSimulator(configuration: .init(), logger: logger)
            let url = try await simulator.start(port: port)
            for company in companies {
                let parts = company.split(separator: ":", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--company takes COMPANY_ID:API_KEY") }
                if candidates > 0 {
                    try await simulator.state.seedCompany(
                        id: parts[0], apiKey: parts[1],
                        .init(jobs: max(candidates / 20, 2), candidates: candidates, applications: candidates * 3))
                } else {
                    try await simulator.state.createCompany(id: parts[0], apiKey: parts[1])
                }
            }
            DevCommand.announce("TEAMTAILOR_API_URL=\(url.absoluteString)")
            await DevCommand.waitForTermination()
            await simulator.stop()
        }
    }
}
