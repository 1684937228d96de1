import CRdKafka
import Logging
import Metrics

extension ConsumerCore {
    /// How long an assignment waits for the group's committed offsets; past it the partitions' gaps go unnoticed
    /// until their next message has been handed out (logged).
    static let committedOffsetsTimeoutMs: Int32 = 10_000

    /// Where newly assigned partitions stand: the group's committed offsets, asked of the coordinator (one
    /// round trip per assignment, inside the rebalance callback on the consumer's thread).
    func recordReadPositions(of partitions: [TopicPartition], _ rk: OpaquePointer) {
        guard !partitions.isEmpty else { return }
        let list = TopicPartitionList(partitions)
        let err = rd_kafka_committed(rk, list.pointer, Self.committedOffsetsTimeoutMs)
        var positions: [TopicPartition: PartitionReadPosition] = [:]
        if err == RD_KAFKA_RESP_ERR_NO_ERROR {
            for element in list.elements {
                let committed = element.error == RD_KAFKA_RESP_ERR_NO_ERROR ? element.offset : nil
                positions[element.topicPartition] = .assigned(committed: committed, startsFromEarliest: startsFromEarliest)
            }
        } else {
            logger.warning(
                "Committed offsets unavailable at assignment; messages deleted before this group read them go unnoticed on these partitions",
                metadata: ["kafka.partitions": "\(partitions)", "error": "\(KafkaError.from(err, handle: rk, "committed"))"]
            )
            for tp in partitions { positions[tp] = PartitionReadPosition(next: .unknown) }
        }
        bookkeeping.withLock { book in book.readPositions.merge(positions) { _, new in new } }
    }

    /// Moves each partition's position past `batch` (in offset order per partition) and keeps the gaps found.
    func findGaps(before batch: [KafkaMessage], _ rk: OpaquePointer) {
        var offsets: [TopicPartition: [Int64]] = [:]
        for message in batch { offsets[message.topicPartition, default: []].append(message.offset) }
        var positions = bookkeeping.withLock { book in
            offsets.keys.reduce(into: [TopicPartition: PartitionReadPosition]()) { $0[$1] = book.readPositions[$1] }
        }
        var gaps: [OffsetGap] = []
        for (tp, partitionOffsets) in offsets {
            var position = positions[tp] ?? PartitionReadPosition(next: .unknown)
            for offset in partitionOffsets {
                if let found = position.handOut(offset: offset, logStart: { Self.cachedLogStart(of: tp, rk) }) {
                    gaps.append(OffsetGap(partition: tp, firstUnread: found.firstUnread, logStart: found.logStart))
                }
            }
            positions[tp] = position
        }
        bookkeeping.withLock { book in
            // Only partitions still owned: a revocation in the meantime forgot the others.
            for (tp, position) in positions where book.assignment.contains(tp) { book.readPositions[tp] = position }
            book.offsetGaps += gaps
        }
        for gap in gaps {
            logger.error("Messages were deleted before this consumer group read them", metadata: [
                "kafka.partition": "\(gap.partition)", "kafka.firstUnread": "\(gap.firstUnread.map(String.init) ?? "none committed")",
                "kafka.logStart": "\(gap.logStart)", "kafka.lostMessages": "\(gap.lostMessages.map(String.init) ?? "unknown")",
            ])
            Counter(label: "rsc_kafka_consumer_offset_gaps_total", dimensions: [("topic", gap.partition.topic)], factory: metricsFactory)
                .increment()
        }
    }

    /// The partition's first retained offset as the last fetch response said (no round trip); nil if unknown.
    static func cachedLogStart(of tp: TopicPartition, _ rk: OpaquePointer) -> Int64? {
        var low: Int64 = -1
        var high: Int64 = -1
        let err = rd_kafka_get_watermark_offsets(rk, tp.topic, tp.partition, &low, &high)
        return err == RD_KAFKA_RESP_ERR_NO_ERROR && low >= 0 ? low : nil
    }
}
