import CRdKafka
import Synchronization

/// librdkafka's in-memory mock cluster: real Kafka protocol on loopback for development and tests.
public final class KafkaMockCluster: Sendable {
    private enum State {
        case running(owner: RdKafkaHandle, cluster: MockCluster)
        case closed
    }

    /// An `rd_kafka_mock_cluster_t *`; rd_kafka_mock_* calls are safe from any thread.
    private struct MockCluster: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private let state: Mutex<State>
    /// Comma-separated `host:port` of every mock broker, for `bootstrap.servers`.
    public let bootstrapServers: String

    public init(brokerCount: Int = 3) throws {
        // The cluster lives inside a client instance of its own that nothing else uses; its log
        // (which goes to stderr) is kept to errors, since the clients under test log for themselves.
        let owner = try RdKafkaHandle.make(.producer, properties: [("client.id", "rsc-mock-cluster"), ("log_level", "3")])
        guard let cluster = rd_kafka_mock_cluster_new(owner.pointer, Int32(clamping: brokerCount)) else {
            rd_kafka_destroy(owner.pointer)
            throw KafkaError(code: RD_KAFKA_RESP_ERR__FAIL.rawValue, message: "could not start a mock cluster with \(brokerCount) brokers")
        }
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        state = Mutex(.running(owner: owner, cluster: MockCluster(pointer: cluster)))
    }

    deinit { close() }

    /// The way to create topics here: librdkafka 2.0.2's mock names a controller (id 0) that is
    /// none of its brokers, so `KafkaAdmin.createTopics` against it times out. Topics that are merely
    /// asked about are auto-created with 4 partitions.
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws {
        try state.withLock { state in
            guard case .running(_, let cluster) = state else { throw KafkaError.closed("mock cluster") }
            let err = rd_kafka_mock_topic_create(cluster.pointer, name, partitions, replicationFactor)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "create mock topic \(name)") }
        }
    }

    /// Makes metadata responses report `code` (an `rd_kafka_resp_err_t`, e.g. 3 for
    /// UNKNOWN_TOPIC_OR_PART) for `topic`, as a real cluster would for a missing or broken topic;
    /// 0 clears it. The mock otherwise creates any topic a client asks about.
    public func setTopicError(_ topic: String, code: Int32) throws {
        try state.withLock { state in
            guard case .running(_, let cluster) = state else { throw KafkaError.closed("mock cluster") }
            rd_kafka_mock_topic_set_error(cluster.pointer, topic, rd_kafka_resp_err_t(rawValue: code))
        }
    }

    /// Stops the brokers; clients still connected see their connections refused. Safe to call more than once.
    public func close() {
        let running: (RdKafkaHandle, MockCluster)? = state.withLock { state in
            guard case .running(let owner, let cluster) = state else { return nil }
            state = .closed
            return (owner, cluster)
        }
        guard let (owner, cluster) = running else { return }
        rd_kafka_mock_cluster_destroy(cluster.pointer)
        rd_kafka_destroy(owner.pointer)
    }
}
