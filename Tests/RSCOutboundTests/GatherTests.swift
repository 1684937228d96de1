import Foundation
import PostgresNIO
@testable import RSCOutbound
import Testing

/// `LINKEDIN_GATHER_MILLISECONDS`: a company's live changes wait a moment so that changes close together share
/// LinkedIn calls (each is one of the company's 100,000 a day); history, already batched, never waits.
@Suite("Live changes gather before they are sent")
struct GatherTests {
    static func waitUntilSent(_ harness: SyncHarness, candidates: Int, within timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await harness.held(.atsCandidates).count >= candidates { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    static func candidateCalls(_ harness: SyncHarness) async -> [Int] {
        await harness.simulator.state.requestLog()
            .filter { $0.method == "PUT" && $0.path == "/v2/atsCandidates" }
            .map(\.recordCount)
    }

    @Test("two changes a moment apart go in one call, and the first waits for the second rather than going alone")
    func liveChangesShareACall() async throws {
        try await SyncHarness.run { harness in
            let events = EventFactory()
            try await harness.withSender({ $0.gatherLiveChanges = .seconds(2) }) {
                try await harness.apply([events.candidate("c-1", email: "c1@example.com")])
                try await Task.sleep(for: .milliseconds(300))
                try await harness.apply([events.candidate("c-2", email: "c2@example.com")])
                #expect(try await Self.waitUntilSent(harness, candidates: 2, within: .seconds(30)))
            }
            // Without gathering, c-1 went as soon as it was stored and c-2 in a call of its own.
            #expect(await Self.candidateCalls(harness) == [2])
        }
    }

    @Test("history is not held: a first sync's record goes at once, however long live changes gather")
    func historyIsNotHeld() async throws {
        try await SyncHarness.run { harness in
            let events = EventFactory()
            try await harness.withSender({ $0.gatherLiveChanges = .seconds(60) }) {
                _ = try await harness.store.apply([events.candidate("c-1")], priority: 1)
                #expect(try await Self.waitUntilSent(harness, candidates: 1, within: .seconds(20)), "the history record waited for the gather")
            }
        }
    }

    @Test("a change that took long to arrive is not held again: its age counts from when it happened")
    func lateChangeIsNotHeld() async throws {
        try await SyncHarness.run { harness in
            let events = EventFactory()
            var late = events.candidate("c-1")
            late.occurredAt = Date().addingTimeInterval(-120)  // two minutes on its way (consumer lag, a replay)
            try await harness.withSender({ $0.gatherLiveChanges = .seconds(60) }) {
                try await harness.apply([late])
                #expect(try await Self.waitUntilSent(harness, candidates: 1, within: .seconds(20)), "the late change was held for the gather")
            }
        }
    }
}
