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
        let now = Date()
        let gauges: [(Gauge, Int64, Gauge, Double)] = bookkeeping.withLock { book in
            lags.compactMap { tp, lag in
                // librdkafka keeps reporting partitions it once fetched; only the owner's numbers are current.
                guard book.assignment.contains(tp) else { return nil }
                let dimensions = [("topic", tp.topic), ("partition", "\(tp.partition)")]
                let gauge = book.lagGauges[tp] ?? Gauge(label: "rsc_kafka_consumer_lag", dimensions: dimensions, factory: metricsFactory)
                book.lagGauges[tp] = gauge
                let ageGauge = book.lagAgeGauges[tp]
                    ?? Gauge(label: "rsc_kafka_consumer_lag_seconds", dimensions: dimensions, factory: metricsFactory)
                book.lagAgeGauges[tp] = ageGauge
                // Behind means the oldest unconsumed message is just after the newest consumed one: its age is
                // how long the partition has waited. Caught up is 0, however old the last message is.
                let age = lag > 0 ? book.newestTimestamps[tp].map { max(0, now.timeIntervalSince($0)) } ?? 0 : 0
                return (gauge, lag, ageGauge, age)
            }
        }
        for (gauge, lag, ageGauge, age) in gauges {
            gauge.record(lag)
            ageGauge.record(age)
        }
    }
}
