import Foundation

/// A consumed record, copied out of librdkafka so it outlives the poll that returned it.
public struct KafkaMessage: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    /// Empty for a null (tombstone) value.
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    public var timestamp: Date?

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8],
        headers: [KafkaHeader] = [], timestamp: Date? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }

    /// The key as UTF-8, or nil when absent or not valid UTF-8.
    public var keyString: String? {
        key.flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// The first header with this name as UTF-8; nil when absent, null or not valid UTF-8.
    public func header(_ name: String) -> String? {
        guard let header = headers.first(where: { $0.name == name }), let value = header.value else { return nil }
        return String(validating: value, as: UTF8.self)
    }
}

// Interpolating a message into a log line must not leak the payload (it carries personal data).
extension KafkaMessage: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "KafkaMessage(\(topic)[\(partition)]@\(offset), key: \(key.map { "\($0.count) bytes" } ?? "nil"), value: \(value.count) bytes, headers: \(headers.map(\.name)))"
    }

    public var debugDescription: String { description }
}
