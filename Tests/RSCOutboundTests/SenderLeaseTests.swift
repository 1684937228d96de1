import Foundation
import PostgresNIO
import RSCChangeEvents
import RSCLinkedInSimulator
@testable import RSCOutbound
import RSCTestSupport
import ServiceLifecycle
import Synchronization
import Testing

/// One call at a time per company across replicas rests on the lease: taken before the company is marked
/// running, and a round stops as soon as the lease is lost.
@Suite("the sender's lease on a company")
struct SenderLeaseTests {
    /// A clock that moves on by `step` every time it is read: each renewal check finds the lease due.
    final class JumpingClock: Sendable {
        private let current = Mutex(Date())
        let step: TimeInterval
        init(step: TimeInterval) { self.step = step }
        func now() -> Date { current.withLock { date in defer { date += step }; return date } }
    }

    static func candidates(_ count: Int) -> [ChangeEvent] {
        let events = EventFactory()
        return (1...count).map { events.candidate("c-\($0)", email: "c\($0)@example.com") }
    }

    static func sender(_ harness: SyncHarness) -> LinkedInSender {
        LinkedInSender(postgres: harness.client, linkedIn: harness.sender.linkedIn, companies: harness.sender.companies, logger: harness.logger)
    }

    /// Another replica holds the company now, as when this one's lease ran out under a long round.
    static func takeOver(_ harness: SyncHarness) async throws {
        try await harness.client.query(
            "UPDATE sender_leases SET owner = 'replica-b', expires_at = now() + interval '1 hour' WHERE company_id = '1842'",
            logger: harness.logger)
    }

    @Test("a lease claim that fails leaves the company neither running nor holding a sending slot")
    func failedClaimLeavesNothingBehind() async throws {
        try await SyncHarness.run { harness in
            let sender = Self.sender(harness)
            let busy = BusyCompanies()
            try await harness.client.query("ALTER TABLE sender_leases RENAME TO sender_leases_away", logger: harness.logger)
            await #expect(throws: (any Error).self) { _ = try await sender.start("1842", busy: busy) }
            #expect(await busy.count == 0, "a sending slot is held by a company that never started")
            #expect(await !busy.isRunning("1842"))

            try await harness.client.query("ALTER TABLE sender_leases_away RENAME TO sender_leases", logger: harness.logger)
            #expect(try await sender.start("1842", busy: busy) != nil, "the company can start once the database is back")
            #expect(await busy.isRunning("1842"))
        }
    }

    @Test("a lease lost between rounds stops the company's sending: the next round never runs")
    func leaseLostBetweenRounds() async throws {
        try await SyncHarness.run { harness in
            try await harness.apply(Self.candidates(600))  // two rounds' worth: 500, then 100
            let sender = Self.sender(harness)
            let busy = BusyCompanies()
            let lease = try #require(try await sender.start("1842", busy: busy))
            try await Self.takeOver(harness)
            await sender.drain(lease, busy: busy)
            #expect(await harness.held(.atsCandidates).count == 500, "the second round ran without the lease")
            #expect(try await harness.dueRecords("1842") == 100)
            #expect(await !busy.isRunning("1842"))
            let owner = try await harness.client.query("SELECT owner FROM sender_leases WHERE company_id = '1842'", logger: harness.logger)
                .decode(String.self).reduce(into: []) { $0.append($1) }
            #expect(owner == ["replica-b"], "the other replica's lease is left alone")
        }
    }

    @Test("a lease lost during a round stops it before its next call to LinkedIn")
    func leaseLostMidRound() async throws {
        try await SyncHarness.run { harness in
            try await harness.apply(Self.candidates(250))  // three calls' worth
            let clock = JumpingClock(step: 25)  // a third of the 60-s lease passes between any two reads
            let lease = SenderLease(
                company: "1842", owner: "replica-a", ttl: .seconds(60), store: harness.sender.store, now: { clock.now() })
            #expect(try await lease.renew())
            try await Self.takeOver(harness)
            #expect(try await harness.sender.runRound(company: "1842", lease: lease) == .leaseLost)
            #expect(await harness.held(.atsCandidates).isEmpty, "a call was made without the lease")
            #expect(try await harness.dueRecords("1842") == 250)
        }
    }

    @Test("a lease still held is renewed within a long round, and the round sends everything")
    func leaseKeptMidRound() async throws {
        try await SyncHarness.run { harness in
            try await harness.apply(Self.candidates(250))
            let clock = JumpingClock(step: 25)
            let lease = SenderLease(
                company: "1842", owner: "replica-a", ttl: .seconds(60), store: harness.sender.store, now: { clock.now() })
            #expect(try await lease.renew())
            // Nothing left to send; what may remain is reading back the last candidates' members.
            let result = try await harness.sender.runRound(company: "1842", lease: lease)
            #expect(result != .leaseLost && result != .progressed, "\(result)")
            #expect(await harness.held(.atsCandidates).count == 250)
        }
    }

    @Test("members of candidates just accepted are read back before the sender stops, not lost with its memory")
    func readBackBeforeStopping() async throws {
        try await SyncHarness.run { harness in
            var settings = LinkedInSender.Settings()
            settings.memberReadBackDelay = 3_600  // nothing is read back while it runs
            let sender = LinkedInSender(
                postgres: harness.client, linkedIn: harness.sender.linkedIn, companies: harness.sender.companies, settings: settings,
                logger: harness.logger)
            try await harness.apply(Self.candidates(3))
            let group = ServiceGroup(services: [sender], gracefulShutdownSignals: [], cancellationSignals: [], logger: harness.logger)
            let running = Task { try await group.run() }
            // Until the round has recorded the three as sent: LinkedIn holding them is not enough, since a shutdown
            // between LinkedIn's answer and the round's bookkeeping abandons the round (they are sent again later).
            let deadline = ContinuousClock.now + .seconds(30)
            while try await sentCandidates(harness) < 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(try await sentCandidates(harness) == 3)
            #expect(try await members(harness) == 0, "read back before its wait was over")

            await group.triggerGracefulShutdown()
            try await running.value
            #expect(try await members(harness) == 3, "the gathered read-backs were lost with the stopping sender")
            let leases = try await harness.client.query("SELECT count(*)::int FROM sender_leases", logger: harness.logger).decode(Int.self).reduce(0, +)
            #expect(leases == 0, "the lease taken to read them back is released")
        }
    }

    func sentCandidates(_ harness: SyncHarness) async throws -> Int {
        try await harness.client.query(
            "SELECT count(*)::int FROM linkedin_records WHERE company_id = '1842' AND resource = 'candidate' AND state = 'synced'",
            logger: harness.logger
        ).decode(Int.self).reduce(0, +)
    }

    func members(_ harness: SyncHarness) async throws -> Int {
        try await harness.client.query("SELECT count(*)::int FROM candidate_members WHERE company_id = '1842'", logger: harness.logger)
            .decode(Int.self).reduce(0, +)
    }
}
