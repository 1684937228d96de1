import Logging
import RSCChangeEvents
import RSCKafka

/// librdkafka's mock cluster with the contract's six topics and the dead-letter topic already created:
/// real Kafka protocol on loopback that kcat and our own clients use alike. Everything is in memory.
public final class EmbeddedKafka: Sendable {
    public let cluster: KafkaMockCluster
    public let partitionCount: Int32

    public init(
        brokerCount: Int = 3,
        partitionCount: Int32 = ChangeTopic.embeddedPartitionCount,
        extraTopics: [String] = []
    ) throws {
        cluster = try KafkaMockCluster(brokerCount: brokerCount)
        self.partitionCount = partitionCount
        for topic in ChangeTopic.allTopicNames + [ChangeTopic.deadLetterTopic] + extraTopics {
            try cluster.createTopic(topic, partitions: partitionCount, replicationFactor: Int32(min(brokerCount, 3)))
        }
    }

    /// `host:port,host:port,…` for `KAFKA_BROKERS`.
    public var bootstrapServers: String { cluster.bootstrapServers }

    public func close() { cluster.close() }
}
