/// Settings for a `KafkaProducer`; `extraProperties` reach librdkafka last and so override everything.
public struct KafkaProducerConfiguration: Sendable {
    public var bootstrapServers: String
    public var clientID: String = "rsc"
    public var extraProperties: [String: String] = [:]

    public init(bootstrapServers: String) {
        self.bootstrapServers = bootstrapServers
    }

    var librdkafkaProperties: [(String, String)] {
        var properties: [(String, String)] = [
            ("bootstrap.servers", bootstrapServers),
            ("client.id", clientID),
            ("enable.idempotence", "true"),
            ("acks", "all"),
        ]
        properties += extraProperties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return properties
    }
}
