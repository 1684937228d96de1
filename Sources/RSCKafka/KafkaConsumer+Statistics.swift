import Foundation
import Logging
import Metrics

extension ConsumerCore {
    /// The part of librdkafka's statistics JSON the lag gauge needs.
    private struct Statistics: Decodable {
        var topics: [String: Topic]?

        struct Topic: Decodable {
            var partitions: [String: Partition]?
        }

        struct Partition: Decodable {
            var partition: Int32
            var consumerLag: Int64?

            enum CodingKeys: String, CodingKey {
                case partition
                case consumerLag = "consumer_lag"
            }
        }
    }

    /// librdkafka's stats_cb, served inside rd_kafka_consumer_poll on the consumer's thread.
    func recordStatistics(_ json: Data) {
        let statistics: Statistics
        do {
            statistics = try JSONDecoder().decode(Statistics.self, from: json)
        } catch {
            logger.debug("Unreadable librdkafka statistics", metadata: ["error": "\(error)"])
            return
        }
        var lags: [(TopicPartition, Int64)] = []
        for (topic, topicStatistics) in statistics.topics ?? [:] {
            for partition in (topicStatistics.partitions ?? [:]).values {
                // -1 is librdkafka's internal "unassigned" partition; a lag of -1 means unknown.
                guard partition.partition >= 0, let lag = partition.consumerLag, lag >= 0 else { continue }
                lags.append((TopicPartition(topic: topic, partition: partition.partition), lag))
            }
        }
        let gauges: [(Gauge, Int64)] = bookkeeping.withLock { book in
            lags.compactMap { tp, lag in
                // librdkafka keeps reporting partitions it once fetched; only the owner's numbers are current.
                guard book.assignment.contains(tp) else { return nil }
                if let gauge = book.lagGauges[tp] { return (gauge, lag) }
                let gauge = Gauge(
                    label: "rsc_kafka_consumer_lag",
                    dimensions: [("topic", tp.topic), ("partition", "\(tp.partition)")],
                    factory: metricsFactory
                )
                book.lagGauges[tp] = gauge
                return (gauge, lag)
            }
        }
        for (gauge, lag) in gauges { gauge.record(lag) }
    }
}
