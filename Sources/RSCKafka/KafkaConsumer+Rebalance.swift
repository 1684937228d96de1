import CRdKafka
import Logging
import Metrics

extension ConsumerCore {
    /// librdkafka's rebalance_cb, served inside rd_kafka_consumer_poll / rd_kafka_consumer_close on
    /// the consumer's thread. With a callback installed, librdkafka leaves (un)assigning to us.
    func rebalance(_ rk: OpaquePointer, _ err: rd_kafka_resp_err_t, _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        let changed = TopicPartitionList.elements(of: partitions).map(\.topicPartition)
        let cooperative = rd_kafka_rebalance_protocol(rk).map { String(cString: $0) } == "COOPERATIVE"

        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            logger.info("Partitions assigned", metadata: ["kafka.partitions": "\(changed)", "kafka.cooperative": "\(cooperative)"])
            if cooperative {
                if let error = rd_kafka_incremental_assign(rk, partitions) {
                    logger.error("Incremental assign failed", metadata: ["error": "\(KafkaError(consuming: error))"])
                }
            } else {
                let assignErr = rd_kafka_assign(rk, partitions)
                if assignErr != RD_KAFKA_RESP_ERR_NO_ERROR {
                    logger.error("Assign failed", metadata: ["error": "\(KafkaError.from(assignErr, handle: rk, "assign"))"])
                }
            }
            bookkeeping.withLock { book in
                if !cooperative { book.assignment.removeAll() }
                book.assignment.formUnion(changed)
            }
            if reportsOffsetGaps { recordReadPositions(of: changed, rk) }

        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(rk) != 0
            logger.info("Partitions revoked", metadata: ["kafka.partitions": "\(changed)", "kafka.lost": "\(lost)"])
            // The caller flushes (and marks processed) first, so what it finished is committed below.
            onPartitionsRevoked(changed)
            if lost {
                // Another member may already own them; a commit would fail or, worse, rewind its progress.
                logger.warning("Assignment lost; uncommitted progress on these partitions will be redelivered")
            } else {
                commitStoredOffsets(for: changed, rk)
            }
            if cooperative {
                if let error = rd_kafka_incremental_unassign(rk, partitions) {
                    logger.error("Incremental unassign failed", metadata: ["error": "\(KafkaError(consuming: error))"])
                }
            } else {
                _ = rd_kafka_assign(rk, nil)
            }
            forget(changed)

        default:
            let error = KafkaError.from(err, handle: rk, "rebalance")
            logger.error("Rebalance failed; dropping the assignment", metadata: ["error": "\(error)"])
            let current = Array(bookkeeping.withLock { $0.assignment })
            if !current.isEmpty { onPartitionsRevoked(current) }
            _ = rd_kafka_assign(rk, nil)
            forget(current)
        }
    }

    private func commitStoredOffsets(for partitions: [TopicPartition], _ rk: OpaquePointer) {
        let offsets: [(TopicPartition, Int64)] = bookkeeping.withLock { book in
            partitions.compactMap { tp in book.storedOffsets[tp].map { (tp, $0) } }
        }
        guard !offsets.isEmpty else { return }
        let list = TopicPartitionList(offsets)
        let err = rd_kafka_commit(rk, list.pointer, 0)
        if err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET {
            logger.debug("Committed offsets of revoked partitions", metadata: ["kafka.offsets": "\(offsets.map { "\($0.0)@\($0.1)" })"])
        } else {
            logger.warning(
                "Committing offsets of revoked partitions failed; their messages will be redelivered",
                metadata: ["error": "\(KafkaError.from(err, handle: rk, "commit"))"]
            )
        }
    }

    private func forget(_ partitions: [TopicPartition]) {
        let released: [Gauge] = bookkeeping.withLock { book in
            book.assignment.subtract(partitions)
            book.revokedDuringPoll.formUnion(partitions)
            for tp in partitions {
                book.storedOffsets[tp] = nil
                book.newestTimestamps[tp] = nil
                book.readPositions[tp] = nil
            }
            return partitions.compactMap { book.lagGauges.removeValue(forKey: $0) }
                + partitions.compactMap { book.lagAgeGauges.removeValue(forKey: $0) }
        }
        // A partition given away reads 0 here: its new owner reports the real lag, and a stale figure from
        // this replica must not keep a lag alert firing (alerts take the max per partition).
        for gauge in released { gauge.record(0) }
    }
}
