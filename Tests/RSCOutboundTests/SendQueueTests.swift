import Foundation
import PostgresNIO
import Synchronization
@testable import RSCOutbound
import Testing

/// The queue of records LinkedIn has not seen, between the consumer's marking and the sender's outcome write:
/// a newer change is never lost to a send that finishes after it, and neither side waits for the other.
@Suite("Send queue")
struct SendQueueTests {
    static let candidate = ChangedEntity(
        companyID: "1842", type: "candidates", id: "c-1", occurredAt: Date(), rejected: false, applicationID: "", candidateID: "")

    @Test("a record marked again while it is being sent stays queued, and its newer content goes next")
    func markedWhileSending() async throws {
        try await SyncHarness.run { harness in
            let events = EventFactory()
            try await harness.apply([events.candidate("c-1", first: "Åsa")])
            let store = harness.sender.store
            let read = try await store.dirtyRecords(company: "1842", limit: 100)
            #expect(read.map(\.key.description) == ["candidate/c-1"])
            // The consumer stores a newer version while that read is being sent.
            try await harness.apply([events.candidate("c-1", first: "Åse")])
            try await store.record(company: "1842", outcomes: read.map { ($0, .synced(hash: "sent-before-the-change")) })

            #expect(try await harness.dueRecords("1842") == 1, "the newer change is still queued")
            #expect(try await synced(harness, "c-1") == "sent-before-the-change", "what LinkedIn holds is written all the same")
            try await harness.drain()
            #expect(await harness.held(.atsCandidates).values.first?["firstName"]?.stringValue == "Åse")
            #expect(try await harness.dueRecords("1842") == 0)
        }
    }

    @Test("the sender's outcome write does not wait for a marking in progress; the record stays queued after it commits")
    func outcomeSkipsAMarkingInProgress() async throws {
        try await SyncHarness.run { harness in
            try await harness.apply([EventFactory().candidate("c-1")])
            let store = harness.sender.store
            let read = try await store.dirtyRecords(company: "1842", limit: 100)
            let write = try await harness.client.withTransaction(logger: harness.logger) { connection in
                // The consumer's transaction holds the queue row it marks until it commits.
                _ = try await DirtyMarking.mark(
                    changed: [Self.candidate], enteredStages: [], priority: 0, connection: connection, logger: harness.logger)
                // Before the two tables, this write waited for that commit.
                let write = await start(waitingUpTo: .seconds(10)) {
                    try await store.record(company: "1842", outcomes: read.map { ($0, .synced(hash: "h-1")) })
                }
                #expect(write.finished, "the outcome write finished while the marking was still open")
                return write.task
            }
            try await write.value
            #expect(try await synced(harness, "c-1") == "h-1")
            let queued = try await harness.client.query(
                "SELECT change_seq FROM linkedin_send_queue WHERE company_id = '1842' AND record_id = 'c-1'", logger: harness.logger
            ).decode(Int64.self).reduce(into: [Int64]()) { $0.append($1) }
            #expect(queued == [read[0].changeSeq + 1], "the marking's change is queued, under its new number")
        }
    }

    @Test("a marking that rolls back leaves the record queued once more; the resend finds nothing new and calls nobody")
    func markingRolledBack() async throws {
        try await SyncHarness.run { harness in
            try await harness.apply([EventFactory().candidate("c-1")])
            struct RolledBack: Error {}
            var round: Task<Void, Error>?
            do {
                try await harness.client.withTransaction(logger: harness.logger) { connection in
                    _ = try await DirtyMarking.mark(
                        changed: [Self.candidate], enteredStages: [], priority: 0, connection: connection, logger: harness.logger)
                    let sent = await start(waitingUpTo: .seconds(10)) { _ = try await harness.sender.runRound(company: "1842") }
                    #expect(sent.finished, "the round finished while the marking was still open")
                    round = sent.task
                    throw RolledBack()
                }
                Issue.record("the marking was meant to roll back")
            } catch let error as PostgresTransactionError {
                #expect(error.closureError is RolledBack)
            }
            try await round?.value
            #expect(try await synced(harness, "c-1") != nil, "the candidate went to LinkedIn")
            #expect(try await harness.dueRecords("1842") == 1, "the row the marking held was skipped, not taken away")
            let upserts = await harness.simulator.state.requestLog().filter { $0.method == "PUT" }.count
            try await harness.drain()
            #expect(try await harness.dueRecords("1842") == 0)
            #expect(await harness.simulator.state.requestLog().filter { $0.method == "PUT" }.count == upserts, "the same content is not sent twice")
        }
    }

    @Test("a record with two outcomes in one round is written once, with the last")
    func lastOutcomeWins() async throws {
        try await SyncHarness.run { harness in
            try await harness.apply([EventFactory().candidate("c-1")])
            let store = harness.sender.store
            let read = try #require(try await store.dirtyRecords(company: "1842", limit: 100).first)
            try await store.record(company: "1842", outcomes: [
                (read, .retryLater(after: .seconds(60), reason: "LinkedIn did not answer")), (read, .synced(hash: "h-2")),
            ])
            #expect(try await synced(harness, "c-1") == "h-2")
            #expect(try await harness.dueRecords("1842") == 0)
        }
    }

    func synced(_ harness: SyncHarness, _ candidate: String) async throws -> String? {
        let rows = try await harness.client.query(
            "SELECT synced_hash FROM linkedin_records WHERE company_id = '1842' AND resource = 'candidate' AND record_id = \(candidate)",
            logger: harness.logger)
        for try await hash in rows.decode(String?.self) { return hash }
        return nil
    }
}

/// Starts `operation` and waits up to `limit` for it to finish. It goes on either way — a write blocked on a
/// lock cannot be cancelled — so the caller releases that lock and then awaits `task`.
func start(
    waitingUpTo limit: Duration, _ operation: @escaping @Sendable () async throws -> Void
) async -> (finished: Bool, task: Task<Void, Error>) {
    let done = Mutex(false)
    let task = Task {
        defer { done.withLock { $0 = true } }
        try await operation()
    }
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if done.withLock({ $0 }) { return (true, task) }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return (false, task)
}
