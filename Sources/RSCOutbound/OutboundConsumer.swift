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
        /// How long a batch failing for an unexpected reason is retried whole before it is narrowed to the
        /// messages causing it (docs/operations.md, "Outbound batch not stored").
        public var unexpectedFailureBound: Duration = .seconds(60)
        public init() {}
    }

    let consumer: KafkaConsumer
    let intake: ChangeEventIntake
    let states: EntityStateStore
    let deadLetters: DeadLetterPublisher
    let companies: KnownCompanies
    let settings: Settings
    let doorbell: WakeUp?
    /// Told after each poll whether the consumer is catching up, for the sender in this process.
    let pace: ConsumerPace?
    /// Where a company's lost events are reported, so a reconciliation pass repairs what they carried.
    let lostEvents: ReconciliationRequests?
    let logger: Logger

    /// - Parameter doorbell: rung after a batch marked LinkedIn records, for the sender in this process.
    public init(
        consumer: KafkaConsumer, intake: ChangeEventIntake, states: EntityStateStore, deadLetters: DeadLetterPublisher,
        companies: KnownCompanies, settings: Settings = Settings(), doorbell: WakeUp? = nil, pace: ConsumerPace? = nil,
        lostEvents: ReconciliationRequests? = nil, logger: Logger
    ) {
        self.consumer = consumer
        self.intake = intake
        self.states = states
        self.deadLetters = deadLetters
        self.companies = companies
        self.settings = settings
        self.doorbell = doorbell
        self.pace = pace
        self.lostEvents = lostEvents
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
        /// Messages the broker deleted before this group read them, found while polling this batch.
        var gaps: [OffsetGap] = []
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
            pace?.polled(messages.count, batchLimit: settings.maxBatchSize)
        } catch let error as KafkaError where error.isRetriable && !error.isFatal {
            logger.warning("poll failed; polling again", metadata: ["error": "\(error)"])
            return nil
        }
        let gaps = consumer.takeOffsetGaps()
        guard !messages.isEmpty || !gaps.isEmpty else { return nil }
        var batch = read(messages)
        batch.gaps = gaps
        return batch
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

    /// Stores the batch, whatever it takes short of losing a message. Returns false if shutdown began first:
    /// the batch stays uncommitted and is consumed again later.
    ///
    /// - An outage (`StorageFailure.transient`) is waited out with backoff: nothing can be stored anyway.
    /// - Refused data (`.dataRejected`: a NUL, an over-long key) is narrowed at once to the messages that cause
    ///   it; they are dead-lettered with the SQLSTATE and the rest is stored.
    /// - Any other failure is retried for `settings.unexpectedFailureBound`, then narrowed the same way, so one
    ///   message can hold up this consumer's partitions — every company on them — for at most that long.
    func processRetrying(_ batch: ReadBatch) async throws -> Bool {
        let clock = ContinuousClock()
        var attempt = 0
        var failingSince: ContinuousClock.Instant?
        defer { Gauge(label: "rsc_outbound_store_failing_seconds").record(0) }
        while true {
            do {
                let narrow = failingSince.map { clock.now - $0 >= settings.unexpectedFailureBound } ?? false
                try await store(batch, isolating: narrow ? [.dataRejected, .unexpected] : [.dataRejected])
                return true
            } catch is CancellationError {
                return false
            } catch {
                let failure = Self.classify(error)
                let since = failingSince ?? clock.now
                failingSince = since
                attempt += 1
                Counter(label: "rsc_outbound_store_failures_total", dimensions: [("kind", failure.rawValue)]).increment()
                let failingFor = clock.now - since
                Gauge(label: "rsc_outbound_store_failing_seconds").record(Double(failingFor.components.seconds))
                let delay = settings.retryBackoff.delay(attempt: attempt)
                logger.error(
                    "batch not stored; retrying",
                    metadata: [
                        "error": "\(loggable(error))", "failure": "\(failure.rawValue)", "attempt": "\(attempt)",
                        "retryInMs": "\(delay.milliseconds)", "failingForMs": "\(failingFor.milliseconds)",
                        "partitions": "\(Self.partitions(of: batch))",
                    ]
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

    /// PostgreSQL's failures by their SQLSTATE; the dead-letter topic's by librdkafka's verdict.
    static func classify(_ error: any Error) -> StorageFailure {
        if let kafka = error as? KafkaError { return kafka.isRetriable && !kafka.isFatal ? .transient : .unexpected }
        return StorageFailure(classifying: error)
    }

    /// `topic[partition]` of every message in the batch, for the log line of a batch that does not store.
    static func partitions(of batch: ReadBatch) -> String {
        Set(batch.messages.map { "\($0.topic)[\($0.partition)]" }).sorted().joined(separator: ",")
    }

    /// Everything in `batch` is either stored or dead-lettered when this returns; a throw means neither
    /// is certain, so the offsets stay where they are and the batch is consumed again.
    ///
    /// - Parameter isolating: failures narrowed to the messages causing them (dead-lettered as
    ///   `storage_refused`) instead of failing the batch.
    func store(_ batch: ReadBatch, isolating: Set<StorageFailure>) async throws {
        let clock = ContinuousClock()
        let started = clock.now
        try await requestReconciliation(after: batch.gaps)
        var rejected = batch.rejected
        var outcome = StoredEvents()
        let refused = try await storeIsolatingFailures(
            batch.events, isIsolatable: { isolating.contains(Self.classify($0)) }
        ) { events in
            outcome.add(try await storeEvents(events))
        }
        for ((event, message), error) in refused {
            rejected.append((DeadLetter(
                topic: message.topic, partition: message.partition, offset: message.offset,
                errorClass: .storageRefused,
                reason: "\(StorageFailure.reason(error)) storing \(event.data.type)/\(shownIdentifier(event.data.id)) of company \(shownIdentifier(event.companyID))"
            ), message))
        }
        rejected += outcome.unknownCompany
        let stored = clock.now
        if outcome.markedRecords > 0 { doorbell?.ring() }
        for (step, duration) in [("read", batch.readDuration), ("companies", outcome.companiesDuration), ("store", outcome.storeDuration)] {
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
        await requestReconciliation(after: rejected)
        for (topic, count) in outcome.storedByType {
            Counter(label: "rsc_outbound_events_total", dimensions: [("topic", topicName(type: topic)), ("outcome", "stored")])
                .increment(by: count)
        }
        logger.debug("batch stored", metadata: [
            "messages": "\(batch.messages.count)", "changed": "\(outcome.changed)", "marked": "\(outcome.markedRecords)",
            "deadLettered": "\(rejected.count)", "readMs": "\(batch.readDuration.milliseconds)",
            "companiesMs": "\(outcome.companiesDuration.milliseconds)", "storeMs": "\((stored - started).milliseconds)",
        ])
    }

    /// A dead-lettered event of a connected company is a change LinkedIn will not get from the topic: its
    /// company's next reconciliation pass is requested now, which reads the record's current state from
    /// Teamtailor. (Unknown companies' events are not lost: they are replayed once the company is added.)
    /// Best effort: the dead letter is already written, so a failure here is logged, not retried.
    func requestReconciliation(after rejected: [(DeadLetter, KafkaMessage)]) async {
        guard let lostEvents else { return }
        let companies = Set(rejected.compactMap { letter, message -> String? in
            guard letter.errorClass != .unknownCompany, let key = message.keyString,
                  key.wholeMatch(of: /[0-9A-Za-z_-]{1,64}/) != nil else { return nil }
            return key
        })
        guard !companies.isEmpty else { return }
        do {
            let requested = try await lostEvents.request(companyIDs: companies)
            if requested > 0 {
                logger.info("reconciliation requested for companies whose events were dead-lettered", metadata: [
                    "companies": "\(companies.sorted().joined(separator: ","))",
                ])
            }
        } catch {
            logger.warning("could not request a reconciliation after dead letters", metadata: ["error": "\(loggable(error))"])
        }
    }

    /// Events deleted by the broker before this group read them are changes LinkedIn will never get from the
    /// topics, and their companies cannot be told apart (the contract keys messages by company but leaves the
    /// partitioner to Teamtailor's producer), so every active company gets a full pass: updates and deletes
    /// alike may be among the lost. Thrown, not just logged: the batch's offsets — which would move past the
    /// gap for good — are committed only once the passes are requested.
    func requestReconciliation(after gaps: [OffsetGap]) async throws {
        guard !gaps.isEmpty else { return }
        let lost = gaps.map(\.description).joined(separator: "; ")
        guard let lostEvents else {
            logger.error("change events lost to the topics' retention; no reconciliation is wired to repair them", metadata: ["gaps": "\(lost)"])
            return
        }
        let requested = try await lostEvents.requestAll(full: true)
        logger.error("change events lost to the topics' retention; full reconciliation requested for every active company", metadata: [
            "gaps": "\(lost)", "companies": "\(requested)",
        ])
    }

    /// What storing some of a batch's events did (summed over the parts when the batch was narrowed).
    struct StoredEvents: Sendable {
        var changed = 0
        var markedRecords = 0
        var storedByType: [String: Int] = [:]
        var unknownCompany: [(DeadLetter, KafkaMessage)] = []
        var companiesDuration: Duration = .zero
        var storeDuration: Duration = .zero

        mutating func add(_ other: StoredEvents) {
            changed += other.changed
            markedRecords += other.markedRecords
            storedByType.merge(other.storedByType, uniquingKeysWith: +)
            unknownCompany += other.unknownCompany
            companiesDuration += other.companiesDuration
            storeDuration += other.storeDuration
        }
    }

    /// Stores `events` in one transaction, after sorting out those of companies not connected: a disconnected
    /// company's are dropped, an unknown company's come back as dead letters (replayable once it is added).
    func storeEvents(_ events: [(ChangeEvent, KafkaMessage)]) async throws -> StoredEvents {
        let clock = ContinuousClock()
        let started = clock.now
        var outcome = StoredEvents()
        let known = try await companies.lookup(among: Set(events.map(\.0.companyID)))
        var accepted: [ChangeEvent] = []
        var ignored = 0
        for (event, message) in events {
            if known.connected.contains(event.companyID) {
                accepted.append(event)
            } else if known.disconnected.contains(event.companyID) {
                ignored += 1
            } else {
                outcome.unknownCompany.append((DeadLetter(
                    topic: message.topic, partition: message.partition, offset: message.offset,
                    errorClass: .unknownCompany,
                    reason: "company \(event.companyID) is not connected (record \(event.data.type)/\(event.data.id)); replay after adding it"
                ), message))
            }
        }
        let checked = clock.now
        let changed = try await states.apply(accepted)
        if ignored > 0 {
            Counter(label: "rsc_outbound_events_total", dimensions: [("topic", "all"), ("outcome", "ignored_disconnected")]).increment(by: ignored)
            logger.debug("events of disconnected companies dropped", metadata: ["count": "\(ignored)"])
        }
        outcome.changed = changed.changed
        outcome.markedRecords = changed.markedRecords
        outcome.storedByType = Dictionary(grouping: accepted, by: { $0.data.type }).mapValues(\.count)
        outcome.companiesDuration = checked - started
        outcome.storeDuration = clock.now - checked
        return outcome
    }

    func topicName(type: String) -> String {
        ChangeTopic.allCases.first { $0.resourceType == type }?.rawValue ?? type
    }
}
