import Foundation
@testable import RSCKafka
import Testing

@Suite("Offset gaps: messages deleted before the group read them")
struct OffsetGapTests {
    @Test("A log that starts past the next offset to read is a gap; a hole in offsets inside the log is not")
    func positionRules() {
        var asked = 0
        var committed = PartitionReadPosition(next: .offset(10))
        #expect(committed.handOut(offset: 10, logStart: { asked += 1; return 0 }) == nil)
        #expect(asked == 0, "no skip, so the log start is not needed")
        // 11 missing but the log starts at 5: a transaction marker or a compacted record, not a deletion.
        #expect(committed.handOut(offset: 12, logStart: { asked += 1; return 5 }) == nil)
        #expect(asked == 1)
        #expect(committed.handOut(offset: 20, logStart: { 20 }) == .init(firstUnread: 13, logStart: 20))
        #expect(committed.next == .offset(21))
        #expect(committed.handOut(offset: 21, logStart: { 21 }) == nil, "reported once")

        var fresh = PartitionReadPosition(next: .noCommittedOffset)
        #expect(fresh.handOut(offset: 0, logStart: { 0 }) == nil, "a new group on a complete log")
        var expired = PartitionReadPosition(next: .noCommittedOffset)
        #expect(expired.handOut(offset: 7, logStart: { 7 }) == .init(firstUnread: nil, logStart: 7))
        #expect(expired.handOut(offset: 8, logStart: { 8 }) == nil)

        var unknown = PartitionReadPosition(next: .unknown)
        #expect(unknown.handOut(offset: 100, logStart: { 50 }) == nil, "nothing to compare the first message with")
        #expect(unknown.handOut(offset: 200, logStart: { 150 }) == .init(firstUnread: 101, logStart: 150))

        var unknownStart = PartitionReadPosition(next: .offset(3))
        #expect(unknownStart.handOut(offset: 9, logStart: { nil }) == nil, "an unknown log start is not a gap")
    }

    @Test("The position at assignment follows the committed offset and where a group without one starts")
    func assignedPositions() {
        #expect(PartitionReadPosition.assigned(committed: 42, startsFromEarliest: true).next == .offset(42))
        #expect(PartitionReadPosition.assigned(committed: 0, startsFromEarliest: false).next == .offset(0))
        #expect(PartitionReadPosition.assigned(committed: -1001, startsFromEarliest: true).next == .noCommittedOffset)
        #expect(PartitionReadPosition.assigned(committed: -1001, startsFromEarliest: false).next == .unknown)
        #expect(PartitionReadPosition.assigned(committed: nil, startsFromEarliest: true).next == .unknown)
    }

    @Test("Retention deleting what a group had not read is reported once, with the offsets lost; a new group sees the same log start")
    func retentionOvertakesTheGroup() async throws {
        let cluster = try KafkaMockCluster(brokerCount: 1)
        defer { cluster.close() }
        let topic = TestSupport.uniqueName("retention")
        let group = TestSupport.uniqueName("group")
        try cluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers), logger: TestSupport.logger("producer"))
        for index in 0..<10 {
            try await producer.send(topic: topic, key: nil, value: Array("small \(index)".utf8))
        }
        let configuration = TestSupport.consumerConfiguration(cluster, group: group, topics: [topic])

        // The group processes four of the ten; nothing is deleted yet, so nothing is reported.
        let first = try KafkaConsumer(configuration: configuration, logger: TestSupport.logger("first"))
        let read = try await TestSupport.consume(first, count: 10)
        #expect(first.takeOffsetGaps().isEmpty)
        try first.markProcessed(Array(read.prefix(4)))
        await first.close()

        // While the group is away, the broker's retention deletes the oldest messages: librdkafka's mock
        // cluster keeps 5 MiB per partition and drops whole message sets from the front beyond that.
        let large = [UInt8](repeating: UInt8(ascii: "x"), count: 100_000)
        for _ in 0..<60 {
            try await producer.send(topic: topic, key: nil, value: large)
        }
        await producer.close()

        let second = try KafkaConsumer(configuration: configuration, logger: TestSupport.logger("second"))
        let afterDeletion = try await TestSupport.consume(second, count: 1)
        let logStart = try #require(afterDeletion.first?.offset)
        #expect(logStart > 10, "the mock cluster deleted the small messages")
        let gaps = second.takeOffsetGaps()
        #expect(gaps == [OffsetGap(partition: TopicPartition(topic: topic, partition: 0), firstUnread: 4, logStart: logStart)])
        #expect(gaps.first?.lostMessages == logStart - 4)
        _ = try await TestSupport.consume(second, count: Int(70 - logStart) - afterDeletion.count)
        #expect(second.takeOffsetGaps().isEmpty, "reported once")
        try second.markProcessed([afterDeletion[0]])
        await second.close()

        // A group with no committed offset cannot tell what it missed, but the log no longer starts at 0.
        var newGroup = configuration
        newGroup.groupID = TestSupport.uniqueName("new-group")
        let third = try KafkaConsumer(configuration: newGroup, logger: TestSupport.logger("third"))
        let fromStart = try await TestSupport.consume(third, count: 1)
        #expect(fromStart.first?.offset == logStart)
        #expect(third.takeOffsetGaps() == [OffsetGap(partition: TopicPartition(topic: topic, partition: 0), firstUnread: nil, logStart: logStart)])
        await third.close()

        // A reader with a throwaway group (`rsc dlq list`) asks not to be told: old messages aged out are no news to it.
        var throwaway = newGroup
        throwaway.groupID = TestSupport.uniqueName("throwaway")
        throwaway.reportsOffsetGaps = false
        let reader = try KafkaConsumer(configuration: throwaway, logger: TestSupport.logger("reader"))
        #expect(try await TestSupport.consume(reader, count: 1).first?.offset == logStart)
        #expect(reader.takeOffsetGaps().isEmpty)
        await reader.close()

        // The group that kept up: back where it committed, nothing missing.
        let fourth = try KafkaConsumer(configuration: configuration, logger: TestSupport.logger("fourth"))
        let resumed = try await TestSupport.consume(fourth, count: 1)
        #expect(resumed.first?.offset == logStart + 1)
        #expect(fourth.takeOffsetGaps().isEmpty)
        await fourth.close()
    }
}
