import Metrics

/// Settings for a `KafkaConsumer`; `extraProperties` reach librdkafka last and so override everything.
public struct KafkaConsumerConfiguration: Sendable {
    public var bootstrapServers: String
    public var groupID: String
    public var topics: [String]
    public var clientID: String = "rsc"
    public var sessionTimeout: Duration = .seconds(45)
    public var heartbeatInterval: Duration = .seconds(3)
    public var maxPollInterval: Duration = .seconds(300)
    /// How often librdkafka reports statistics, which feed the `rsc_kafka_consumer_lag` gauge; nil disables it.
    public var statisticsInterval: Duration? = .seconds(15)
    /// Where a partition without a committed offset starts (`auto.offset.reset`): earliest, else latest.
    public var startFromEarliest: Bool = true
    /// How much librdkafka may fetch ahead of the application (`queued.max.messages.kbytes`). Its default, 64 MiB,
    /// let a consumer with a backlog hold most of it in memory — the largest part of `rsc-outbound`'s peak RSS —
    /// while a batch is 2,000 messages (~1.5 MiB); 8 MiB is still several batches ahead.
    public var prefetchLimitKiB = 8_192
    /// Whether messages deleted before this group read them are reported (logged, counted, handed to
    /// `takeOffsetGaps`): on for a group that must read everything (`rsc-outbound`); off for a reader with a
    /// throwaway group, to which old messages aged out are no news (`rsc dlq list`).
    public var reportsOffsetGaps = true
    public var extraProperties: [String: String] = [:]
    /// Where the lag gauge is recorded; nil means the process-wide `MetricsSystem.factory`.
    public var metricsFactory: (any MetricsFactory)? = nil

    public init(bootstrapServers: String, groupID: String, topics: [String]) {
        self.bootstrapServers = bootstrapServers
        self.groupID = groupID
        self.topics = topics
    }

    var librdkafkaProperties: [(String, String)] {
        var properties: [(String, String)] = [
            ("bootstrap.servers", bootstrapServers),
            ("group.id", groupID),
            ("client.id", clientID),
            ("enable.auto.commit", "false"),
            ("enable.auto.offset.store", "false"),
            ("partition.assignment.strategy", "cooperative-sticky"),
            ("auto.offset.reset", startFromEarliest ? "earliest" : "latest"),
            ("session.timeout.ms", "\(sessionTimeout.milliseconds)"),
            ("heartbeat.interval.ms", "\(heartbeatInterval.milliseconds)"),
            ("max.poll.interval.ms", "\(maxPollInterval.milliseconds)"),
            ("statistics.interval.ms", "\(statisticsInterval?.milliseconds ?? 0)"),
            ("queued.max.messages.kbytes", "\(prefetchLimitKiB)"),
        ]
        properties += extraProperties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return properties
    }
}
