import ArgumentParser
import RSCChangeEvents
import RSCKafka

struct LagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lag",
        abstract: "A consumer group's committed offset, high watermark and lag per partition (KAFKA_BROKERS)."
    )

    @Option(help: "Consumer group id.") var group = "rsc-outbound"
    @Option(help: "Topics (default: the six change topics).") var topic: [String] = []
    @Flag(help: "Show partitions with no lag too.") var all = false

    func run() async throws {
        let admin = try KafkaAdmin(
            bootstrapServers: CommandEnvironment.kafkaBrokers(), extraProperties: CommandEnvironment.kafkaProperties(),
            logger: CommandEnvironment.logger)
        let lags = try await admin.consumerGroupLag(groupID: group, topics: topic.isEmpty ? ChangeTopic.allTopicNames : topic)
        await admin.close()
        let shown = lags.filter { all || $0.lag > 0 }.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        let rows = [["TOPIC", "PARTITION", "COMMITTED", "HIGH", "LAG"]] + shown.map {
            [$0.topic, "\($0.partition)", $0.committedOffset.map { "\($0)" } ?? "-", "\($0.highWatermark)", "\($0.lag)"]
        }
        print(TextTable.render(rows))
        print("group \(group): total lag \(lags.reduce(0) { $0 + $1.lag }) over \(lags.count) partitions")
    }
}
