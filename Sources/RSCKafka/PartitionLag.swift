/// How far a consumer group's committed offset trails the end of one partition.
public struct PartitionLag: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    /// Nil when the group has never committed on this partition.
    public var committedOffset: Int64?
    public var highWatermark: Int64
    /// highWatermark - committedOffset, or highWatermark - low watermark when nothing is committed.
    public var lag: Int64

    public init(topic: String, partition: Int32, committedOffset: Int64?, highWatermark: Int64, lag: Int64) {
        self.topic = topic
        self.partition = partition
        self.committedOffset = committedOffset
        self.highWatermark = highWatermark
        self.lag = lag
    }
}
