/// Messages a consumer group will never read: the broker deleted them (retention) before the group got to them.
///
/// librdkafka handles the moment itself: the group's position is "out of range", `auto.offset.reset` moves it to
/// the first message the broker still has, and the application is told nothing it can act on. So the consumer
/// compares where the group stood with where the partition's log now starts, whenever the offsets it hands out
/// skip ahead.
public struct OffsetGap: Sendable, Equatable, CustomStringConvertible {
    public var partition: TopicPartition
    /// The first offset the group never read; nil when the group had no committed offset (a new group, or one
    /// whose offsets the broker expired after `offsets.retention.minutes` without a member) yet the log no
    /// longer starts at 0 — messages were deleted that this group may never have read.
    public var firstUnread: Int64?
    /// The partition's first retained offset when the gap was found: everything before it is gone.
    public var logStart: Int64

    public init(partition: TopicPartition, firstUnread: Int64?, logStart: Int64) {
        self.partition = partition
        self.firstUnread = firstUnread
        self.logStart = logStart
    }

    /// How many messages were lost, when the group's position was known.
    public var lostMessages: Int64? { firstUnread.map { logStart - $0 } }

    public var description: String {
        if let firstUnread {
            return "\(partition): offsets \(firstUnread)..<\(logStart) were deleted before this group read them"
        }
        return "\(partition): no committed offset, and offsets before \(logStart) were deleted"
    }
}

/// Where a partition this member owns stands, to tell a gap from the ordinary holes in offsets (transaction
/// markers, compaction): only a log that now starts past the next offset to read is a gap.
struct PartitionReadPosition: Equatable {
    enum Next: Equatable {
        /// The next offset to read: the committed offset at assignment, then the offset after the last message
        /// handed out.
        case offset(Int64)
        /// The group had no committed offset and starts from the earliest message.
        case noCommittedOffset
        /// Nothing to compare with (the committed offset could not be fetched, or the group starts from the end
        /// on purpose): no gap is reported until a message has been handed out.
        case unknown
    }

    var next: Next

    /// Records that `offset` is being handed out; answers the gap before it, if any. `logStart` is asked for only
    /// when the offset skips ahead of `next` (it is the partition's first retained offset as last fetched).
    mutating func handOut(offset: Int64, logStart: () -> Int64?) -> OffsetGap.Found? {
        defer { next = .offset(offset + 1) }
        switch next {
        case .offset(let expected):
            guard offset > expected, let start = logStart(), start > expected else { return nil }
            return .init(firstUnread: expected, logStart: start)
        case .noCommittedOffset:
            guard let start = logStart(), start > 0 else { return nil }
            return .init(firstUnread: nil, logStart: start)
        case .unknown:
            return nil
        }
    }

    /// The position at assignment, from the offset `rd_kafka_committed` answered (negative: none committed).
    static func assigned(committed: Int64?, startsFromEarliest: Bool) -> PartitionReadPosition {
        guard let committed else { return PartitionReadPosition(next: .unknown) }
        if committed >= 0 { return PartitionReadPosition(next: .offset(committed)) }
        // Starting at the end skips what is there by choice: nothing to report.
        return PartitionReadPosition(next: startsFromEarliest ? .noCommittedOffset : .unknown)
    }
}

extension OffsetGap {
    /// A gap before the partition is attached.
    struct Found: Equatable {
        var firstUnread: Int64?
        var logStart: Int64
    }
}
