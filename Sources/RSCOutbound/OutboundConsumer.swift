import Foundation
import Logging
import Metrics
import PostgresNIO
import RSCChangeEvents
import RSCKafka
import RSCRetry
import RSCStore
import ServiceLifecycle

/// The outbound worker's consume loop: poll a batch → read each message (dead-letter the bad ones) →
/// store the newest entity states in one transaction → only then commit the offsets (at least once).
/// The next batch is polled and read while the current one is stored.
///
/// On graceful shutdown it finishes the batch in hand, commits, and leaves the consumer group.
public struct OutboundConsumer: Service {
    public struct Settings: Sendable {
        public var maxBatchSize = 2_000
        public var pollTimeout: Duration = .milliseconds(250)
        public var retryBackoff = ExponentialBackoff(initial: .milliseconds(200), maximum: .seconds(30))
        public init() {}
    }

    let consumer: KafkaConsumer
    let intake: ChangeEventIntake
    let states: EntityStateStore
    let deadLetters: DeadLetterPublisher
    let companies: KnownCompanies
    let settings: Settings
    let doorbell: WakeUp?
    let logger: Logger

    /// - Parameter doorbell: rung after a batch marked LinkedIn records, for the sender in this process.
    public init(
        consumer: KafkaConsumer, intake: ChangeEventIntake, states: EntityStateStore, deadLetters: DeadLetterPublisher,
        companies: KnownCompanies, settings: Settings = Settings(), doorbell: WakeUp? = nil, logger: Logger
    ) {
        self.consumer = consumer
        self.intake = intake
        self.states = states
        self.deadLetters = deadLetters
        self.companies = companies
        self.settings = settings
        self.doorbell = doorbell
        self.logger = logger
    }

    public func run() async throws {
        defer { logger.info("outbound consumer stopped") }
        do {
            try await consumeUntilShutdown()
        } catch {
            await consumer.close()
            await deadLetters.close()
            throw error
        }
        await consumer.close()
        await deadLetters.close()
    }

    /// A polled batch, read: the events to store and the messages to dead-letter.
    struct ReadBatch: Sendable {
        var messages: [KafkaMessage]
        var events: [(ChangeEvent, KafkaMessage)] = []
        var rejected: [(DeadLetter, KafkaMessage)] = []
        var readDuration: Duration = .zero
    }

    // Batch N is stored while batch N+1 is polled and read (schema validation is this process's CPU, the
    // transaction mostly PostgreSQL's), so the two overlap. Stores still run one after another, and a
    // batch's offsets are committed only after its own transaction — never for a batch not yet stored.
    func consumeUntilShutdown() async throws {
        var inHand: ReadBatch?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            guard let current = inHand else {
                inHand = try await pollAndRead()
                continue
            }
            async let next = pollAndRead()
            let stored = try await processRetrying(current)
            let following = try await next
            guard stored else { return }
            try consumer.markProcessed(current.messages)
            do {
                try await consumer.commit()
            } catch let error as KafkaError where error.isRetriable && !error.isFatal {
                // A rebalance took the partitions mid-commit: their new owner re-reads from the last commit,
                // and storing is idempotent (the version rule), so nothing is lost or applied twice.
                logger.warning("commit failed during a rebalance; the batch will be redelivered", metadata: ["error": "\(error)"])
            }
            inHand = following
        }
    }

    /// The next batch, read; nil when the poll found nothing (or failed retriably).
    func pollAndRead() async throws -> ReadBatch? {
        let messages: [KafkaMessage]
        do {
            messages = try await consumer.poll(maxMessages: settings.maxBatchSize, timeout: settings.pollTimeout)
        } catch let error as KafkaError where error.isRetriable && !error.isFatal {
            logger.warning("poll failed; polling again", metadata: ["error": "\(error)"])
            return nil
        }
        guard !messages.isEmpty else { return nil }
        return read(messages)
    }

    /// Pure: each message becomes an event or a dead letter.
    func read(_ messages: [KafkaMessage]) -> ReadBatch {
        let clock = ContinuousClock()
        let started = clock.now
        var batch = ReadBatch(messages: messages)
        for message in messages {
            switch intake.read(message) {
            case .event(let event): batch.events.append((event, message))
            case .deadLetter(let letter): batch.rejected.append((letter, message))
            }
        }
        batch.readDuration = clock.now - started
        return batch
    }

    /// Retries the batch until it is stored (PostgreSQL or the dead-letter topic may be briefly away).
    /// Returns false if shutdown began first: the batch stays uncommitted and is consumed again later.
    func processRetrying(_ batch: ReadBatch) async throws -> Bool {
        var attempt = 0
        while true {
            do {
                try await store(batch)
                return true
            } catch is CancellationError {
                return false
            } catch {
                attempt += 1
                let delay = settings.retryBackoff.delay(attempt: attempt)
                logger.error(
                    "batch not stored; retrying",
                    metadata: ["error": "\(loggable(error))", "attempt": "\(attempt)", "retryInMs": "\(delay.milliseconds)"]
                )
                if Task.isShuttingDownGracefully { return false }
                do {
                    // Shutdown must not wait out a 30 s backoff.
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
                } catch {
                    return false
                }
            }
        }
    }

    /// Everything in `batch` is either stored or dead-lettered when this returns; a throw means neither
    /// is certain, so the offsets stay where they are and the batch is consumed again.
    func store(_ batch: ReadBatch) async throws {
        let clock = ContinuousClock()
        let started = clock.now
        var rejected = batch.rejected
        let known = try await companies.lookup(among: Set(batch.events.map(\.0.companyID)))
        var accepted: [ChangeEvent] = []
        var ignored = 0
        for (event, message) in batch.events {
            if known.connected.contains(event.companyID) {
                accepted.append(event)
            } else if known.disconnected.contains(event.companyID) {
                ignored += 1
            } else {
                rejected.append((DeadLetter(
                    topic: message.topic, partition: message.partition, offset: message.offset,
                    errorClass: .unknownCompany,
                    reason: "company \(event.companyID) is not connected (record \(event.data.type)/\(event.data.id)); replay after adding it"
                ), message))
            }
        }
        if ignored > 0 {
            Counter(label: "rsc_outbound_events_total", dimensions: [("topic", "all"), ("outcome", "ignored_disconnected")]).increment(by: ignored)
            logger.debug("events of disconnected companies dropped", metadata: ["count": "\(ignored)"])
        }
        let checked = clock.now
        let changed = try await states.apply(accepted)
        let stored = clock.now
        if changed.markedRecords > 0 { doorbell?.ring() }
        for (step, duration) in [("read", batch.readDuration), ("companies", checked - started), ("store", stored - checked)] {
            Timer(label: "rsc_outbound_batch_step_seconds", dimensions: [("step", step)]).recordNanoseconds(
                duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
            )
        }
        for (letter, message) in rejected {
            try await deadLetters.publish(letter, original: message)
            logger.warning(
                "message dead-lettered",
                metadata: [
                    "topic": "\(letter.topic)", "partition": "\(letter.partition)", "offset": "\(letter.offset)",
                    "errorClass": "\(letter.errorClass.rawValue)", "reason": "\(letter.reason)",
                ]
            )
            Counter(label: "rsc_outbound_events_total", dimensions: [("topic", letter.topic), ("outcome", "dead_lettered")])
                .increment()
        }
        for (topic, count) in Dictionary(grouping: accepted, by: { $0.data.type }).mapValues(\.count) {
            Counter(label: "rsc_outbound_events_total", dimensions: [("topic", topicName(type: topic)), ("outcome", "stored")])
                .increment(by: count)
        }
        logger.debug("batch stored", metadata: [
            "messages": "\(batch.messages.count)", "changed": "\(changed.changed)", "marked": "\(changed.markedRecords)",
            "deadLettered": "\(rejected.count)",
            "readMs": "\(batch.readDuration.milliseconds)", "companiesMs": "\((checked - started).milliseconds)",
            "storeMs": "\((stored - checked).milliseconds)",
        ])
    }

    func topicName(type: String) -> String {
        ChangeTopic.allCases.first { $0.resourceType == type }?.rawValue ?? type
    }
}
