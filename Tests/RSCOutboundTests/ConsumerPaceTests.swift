import Foundation
import PostgresNIO
import RSCLinkedInSimulator
@testable import RSCOutbound
import Testing

/// While the consumer catches up, the sender starts fewer companies at once and leaves it the cores.
@Suite("The sender yields to a consumer catching up")
struct ConsumerPaceTests {
    static let companies = ["1842", "1843", "1844", "1845"]

    @Test("a full poll means catching up; one with room to spare means caught up")
    func pollDecides() {
        let pace = ConsumerPace()
        #expect(!pace.isCatchingUp)
        pace.polled(2_000, batchLimit: 2_000)
        #expect(pace.isCatchingUp)
        pace.polled(1_999, batchLimit: 2_000)
        #expect(!pace.isCatchingUp)
    }

    @Test("while the consumer catches up, one company is sent for at a time; once it has caught up, all four at once")
    func fewerCompaniesWhileCatchingUp() async throws {
        try await SyncHarness.run(companies: Self.companies) { harness in
            // Each call takes a while, so a company's round holds its lease long enough to be seen.
            await harness.simulator.state.setFaults(FaultConfiguration(latency: .milliseconds(300)))
            let pace = ConsumerPace()
            pace.polled(10, batchLimit: 10)
            try await harness.withSender({ $0.concurrentCompaniesWhileConsumerCatchesUp = 1 }, pace: pace) {
                try await apply(harness, candidate: "c-1")
                let whileCatchingUp = try await mostCompaniesAtOnce(harness, until: { try await queued(harness) == 0 })
                #expect(whileCatchingUp == 1, "companies sent for at once while the consumer was catching up")

                pace.polled(3, batchLimit: 10)
                try await apply(harness, candidate: "c-2")
                let caughtUp = try await mostCompaniesAtOnce(harness, until: { try await queued(harness) == 0 })
                #expect(caughtUp == Self.companies.count, "companies sent for at once after it caught up")
            }
        }
    }

    func apply(_ harness: SyncHarness, candidate: String) async throws {
        for company in Self.companies {
            _ = try await harness.store.apply([EventFactory(company: company).candidate(candidate, email: "\(candidate)@example.com")])
        }
    }

    func queued(_ harness: SyncHarness) async throws -> Int {
        try await harness.client.query("SELECT count(*)::int FROM linkedin_send_queue", logger: harness.logger)
            .decode(Int.self).reduce(0, +)
    }

    /// The most sender leases held at once, sampled until `done` (within 60 s).
    func mostCompaniesAtOnce(_ harness: SyncHarness, until done: () async throws -> Bool) async throws -> Int {
        var most = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let held = try await harness.client.query("SELECT count(*)::int FROM sender_leases", logger: harness.logger)
                .decode(Int.self).reduce(0, +)
            most = max(most, held)
            if try await done() { return most }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the queue did not drain within a minute")
        return most
    }
}
