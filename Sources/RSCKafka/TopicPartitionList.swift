import CRdKafka

/// An owned `rd_kafka_topic_partition_list_t *`, destroyed with the value.
final class TopicPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(capacity: Int) {
        pointer = rd_kafka_topic_partition_list_new(Int32(clamping: capacity))
    }

    convenience init(_ entries: [(TopicPartition, Int64)]) {
        self.init(capacity: entries.count)
        for (tp, offset) in entries { add(tp, offset: offset) }
    }

    convenience init(_ partitions: [TopicPartition]) {
        self.init(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) })
    }

    deinit { rd_kafka_topic_partition_list_destroy(pointer) }

    func add(_ tp: TopicPartition, offset: Int64) {
        let element = rd_kafka_topic_partition_list_add(pointer, tp.topic, tp.partition)!
        element.pointee.offset = offset
    }

    var elements: [TopicPartitionList.Element] { TopicPartitionList.elements(of: pointer) }

    /// One entry as Swift values: the partition, its offset field and its per-partition error.
    struct Element {
        var topicPartition: TopicPartition
        var offset: Int64
        var error: rd_kafka_resp_err_t
    }

    static func elements(of list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [Element] {
        guard let list, let elems = list.pointee.elems else { return [] }
        return (0..<Int(list.pointee.cnt)).map { index in
            let elem = elems[index]
            return Element(
                topicPartition: TopicPartition(topic: String(cString: elem.topic), partition: elem.partition),
                offset: elem.offset,
                error: elem.err
            )
        }
    }
}
