import ArgumentParser
import Foundation
import RSCSandbox
import UnixSignals

struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "The embedded stack for development, the demo, tests and benchmarks (loopback only).",
        subcommands: [Kafka.self, Postgres.self]
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
}
