import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCConfiguration
import RSCKafka
import RSCOutbound
import RSCSandbox
import RSCSecrets
import RSCStore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the chain on the embedded stack: Teamtailor changes → Kafka → rsc-outbound → PostgreSQL."
    )

    @Option(help: "Seconds to wait for the worker to drain before giving up.") var timeout = 60

    func run() async throws {
        let logger = CommandEnvironment.logger
        say("starting the embedded stack (PostgreSQL, a 3-broker Kafka mock cluster)")
        let postgres = try await EmbeddedPostgres.start(logger: logger)
        defer { postgres.stop() }
        let kafka = try EmbeddedKafka()
        defer { kafka.close() }
        say("  DATABASE_URL=\(postgres.url)")
        say("  KAFKA_BROKERS=\(kafka.bootstrapServers)")

        let secretKey = SecretBox.generateKeyBase64()
        let secrets = try SecretBox(currentKeyBase64: secretKey)
        let settings = try DatabaseSettings(url: postgres.url)
        var poolLogger = logger
        poolLogger.logLevel = .error
        let client = PostgresClient(settings: settings, applicationName: "rsc-demo", backgroundLogger: poolLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }

            let applied = try await Migrator(migrations: MigrationCatalog.loadDefault()).migrate(client, logger: logger)
            say("migrated: \(applied.map { "\($0.version)_\($0.name)" }.joined(separator: ", "))")
            let companies = CompanyStore(client: client, secrets: secrets, logger: logger)
            for (id, organization) in DemoScenario.companies {
                try await companies.add(NewCompany(
                    id: id, teamtailorToken: "demo-token-\(id)", linkedInClientID: "demo-client-\(id)",
                    linkedInClientSecret: "demo-secret-\(id)", organizationURN: organization,
                    contractURNs: ["urn:li:contract:\(id)00"], jobsPrivate: id == "2077"
                ))
            }
            say("companies: \(DemoScenario.companies.map(\.0).joined(separator: ", ")) (secrets sealed under key \(secrets.currentKeyID))")

            let worker = try launchWorker(databaseURL: postgres.url, brokers: kafka.bootstrapServers, secretKey: secretKey)
            defer { if worker.isRunning { worker.terminate() } }

            let producer = try KafkaProducer(configuration: .init(bootstrapServers: kafka.bootstrapServers), logger: logger)
            let messages = DemoScenario.messages()
            for message in messages {
                try await producer.send(topic: message.topic, key: Array(message.key.utf8), value: Array(message.value.utf8), headers: [
                    KafkaHeader(name: "tt-event", value: Array(message.event.utf8)), KafkaHeader(name: "tt-schema", value: Array("v1".utf8)),
                ])
            }
            await producer.close()
            say("published \(messages.count) Teamtailor change events (with duplicates, an out-of-order version, a poison message and an unknown company)")

            let expected = DemoScenario.expectedEntities
            let deadline = ContinuousClock.now + .seconds(timeout)
            var stored = 0
            while ContinuousClock.now < deadline {
                stored = try await client.query("SELECT count(*)::int FROM entity_states", logger: logger).decode(Int.self).reduce(0, +)
                say("  rsc-outbound has stored \(stored)/\(expected) entities")
                if stored >= expected { break }
                try await Task.sleep(for: .seconds(1))
            }
            try await Task.sleep(for: .seconds(1))  // let the last commit land before reading the lag

            say("\nper company (entity states in PostgreSQL):")
            let rows = try await client.query(
                """
                SELECT company_id, entity_type, count(*)::int, sum(CASE WHEN deleted THEN 1 ELSE 0 END)::int, max(version)
                FROM entity_states GROUP BY company_id, entity_type ORDER BY company_id, entity_type
                """,
                logger: logger
            )
            var table = [["COMPANY", "TYPE", "ENTITIES", "DELETED", "NEWEST VERSION"]]
            for try await (company, type, count, deleted, version) in rows.decode((String, String, Int, Int, Int64).self) {
                table.append([company, type, "\(count)", "\(deleted)", "\(version)"])
            }
            say(TextTable.render(table))
            let name = try await client.query(
                "SELECT attributes->>'first-name' FROM entity_states WHERE company_id = '1842' AND entity_id = 'c-1'", logger: logger
            ).decode(String?.self).reduce("") { $0 + ($1 ?? "") }
            say("candidate c-1 of 1842 ended at its newest version: first name \"\(name)\" (an older version arrived last and changed nothing)")

            let admin = try KafkaAdmin(bootstrapServers: kafka.bootstrapServers, logger: logger)
            let lag = try await admin.consumerGroupLag(groupID: "rsc-outbound", topics: ChangeTopic.allTopicNames)
            let dead = try await admin.consumerGroupLag(groupID: "nobody", topics: [ChangeTopic.deadLetterTopic])
            await admin.close()
            say("dead letters: \(dead.reduce(0) { $0 + $1.highWatermark }) (see headers rsc-dlq-error-class / rsc-dlq-reason)")
            say("consumer group rsc-outbound: total lag \(lag.reduce(0) { $0 + $1.lag })")

            worker.interrupt()
            worker.waitUntilExit()
            say("rsc-outbound stopped on SIGINT with exit code \(worker.terminationStatus)")
            guard stored >= expected else { throw ExitCode.failure }
        }
    }

    func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    func launchWorker(databaseURL: String, brokers: String, secretKey: String) throws -> Process {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("rsc-outbound")
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("rsc-demo-outbound.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.environment = [
            "DATABASE_URL": databaseURL, "KAFKA_BROKERS": brokers, "RSC_SECRET_KEY": secretKey,
            "METRICS_PORT": "0", "SHUTDOWN_GRACE_SECONDS": "10",
            "KAFKA_PROPERTIES": "session.timeout.ms=6000,heartbeat.interval.ms=500,max.poll.interval.ms=10000",
        ]
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        say("started rsc-outbound (pid \(process.processIdentifier), JSON logs in \(logURL.path))")
        return process
    }
}
