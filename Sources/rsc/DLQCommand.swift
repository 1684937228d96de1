import ArgumentParser
import Foundation
import RSCChangeEvents
import RSCKafka
import RSCOutbound

struct DLQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "Dead letters of rsc-outbound (\(ChangeTopic.deadLetterTopic)): list them, and replay them after a fix.",
        subcommands: [List.self, Replay.self]
    )

    struct Filter: ParsableArguments {
        @Option(name: .customLong("error-class"), help: "Only this class: invalid_json, schema_violation, unknown_company.")
        var errorClass: String?
        @Option(help: "Only messages keyed by this company id.") var company: String?
        @Option(name: .customLong("from-offset"), help: "Skip dead letters below this offset (per partition).") var fromOffset: Int64 = 0

        func matches(_ message: KafkaMessage) -> Bool {
            message.offset >= fromOffset
                && (errorClass == nil || message.header(DeadLetterHeader.errorClass) == errorClass)
                && (company == nil || message.keyString == company)
        }
    }

    /// Every dead letter present now, read with a throwaway group that commits nothing.
    static func readAll(brokers: String) async throws -> [KafkaMessage] {
        let properties = CommandEnvironment.kafkaProperties()
        let admin = try KafkaAdmin(bootstrapServers: brokers, extraProperties: properties, logger: CommandEnvironment.logger)
        let ends = try await admin.consumerGroupLag(groupID: "rsc-dlq-reader-\(UUID().uuidString)", topics: [ChangeTopic.deadLetterTopic])
        await admin.close()
        var remaining = Dictionary(uniqueKeysWithValues: ends.filter { $0.highWatermark > 0 }.map { ($0.partition, $0.highWatermark) })
        guard !remaining.isEmpty else { return [] }
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: brokers, groupID: "rsc-dlq-reader-\(UUID().uuidString)", topics: [ChangeTopic.deadLetterTopic]
        )
        configuration.statisticsInterval = nil
        // A new group each time: dead letters retention deleted would be reported as lost on every listing.
        configuration.reportsOffsetGaps = false
        configuration.sessionTimeout = .seconds(6)
        configuration.heartbeatInterval = .milliseconds(500)
        configuration.maxPollInterval = .seconds(10)
        configuration.extraProperties = properties
        let consumer = try KafkaConsumer(configuration: configuration, logger: CommandEnvironment.logger)
        var messages: [KafkaMessage] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while !remaining.isEmpty, ContinuousClock.now < deadline {
            for message in try await consumer.poll(maxMessages: 500, timeout: .milliseconds(500)) {
                messages.append(message)
                if let end = remaining[message.partition], message.offset + 1 >= end { remaining[message.partition] = nil }
            }
        }
        await consumer.close()
        if !remaining.isEmpty { throw ValidationError("timed out reading the dead-letter topic; partitions left: \(remaining.keys.sorted())") }
        return messages.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per dead letter: where it came from and why.")
        @OptionGroup var filter: Filter

        func run() async throws {
            let letters = try await DLQCommand.readAll(brokers: CommandEnvironment.kafkaBrokers()).filter(filter.matches)
            guard !letters.isEmpty else {
                print("no dead letters")
                return
            }
            let rows = [["PARTITION/OFFSET", "COMPANY", "FROM", "CLASS", "REASON"]] + letters.map { letter in
                [
                    "\(letter.partition)/\(letter.offset)", letter.keyString ?? "-",
                    "\(letter.header(DeadLetterHeader.originalTopic) ?? "?")[\(letter.header(DeadLetterHeader.originalPartition) ?? "?")]@\(letter.header(DeadLetterHeader.originalOffset) ?? "?")",
                    letter.header(DeadLetterHeader.errorClass) ?? "?", letter.header(DeadLetterHeader.reason) ?? "",
                ]
            }
            print(TextTable.render(rows))
            print("\(letters.count) dead letters")
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish dead letters again to their original topic (after a fix, or once a missing company was added).",
            discussion: "Replays are safe to repeat: rsc-outbound ignores any event whose version it already has."
        )
        @OptionGroup var filter: Filter
        @Flag(name: .customLong("dry-run"), help: "Show what would be replayed, publish nothing.") var dryRun = false

        func run() async throws {
            let brokers = CommandEnvironment.kafkaBrokers()
            let letters = try await DLQCommand.readAll(brokers: brokers).filter(filter.matches)
            var replayable: [(KafkaMessage, String)] = []
            for letter in letters {
                guard let topic = letter.header(DeadLetterHeader.originalTopic), ChangeTopic(rawValue: topic) != nil else {
                    print("skipping \(letter.partition)/\(letter.offset): no original change topic in its headers")
                    continue
                }
                replayable.append((letter, topic))
            }
            if dryRun {
                for (letter, topic) in replayable { print("would replay \(letter.partition)/\(letter.offset) → \(topic)") }
                print("\(replayable.count) dead letters would be replayed")
                return
            }
            var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: brokers)
            producerConfiguration.extraProperties = CommandEnvironment.kafkaProperties()
            let producer = try KafkaProducer(configuration: producerConfiguration, logger: CommandEnvironment.logger)
            for (letter, topic) in replayable {
                let headers = letter.headers.filter { !$0.name.hasPrefix("rsc-dlq-") } + [
                    KafkaHeader(name: "rsc-replayed-from", value: Array("\(ChangeTopic.deadLetterTopic)/\(letter.partition)/\(letter.offset)".utf8)),
                ]
                try await producer.send(topic: topic, key: letter.key, value: letter.value, headers: headers)
            }
            await producer.close()
            print("replayed \(replayable.count) dead letters")
        }
    }
}
