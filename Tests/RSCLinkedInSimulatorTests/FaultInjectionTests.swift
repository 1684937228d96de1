import Foundation
import Testing
@testable import RSCLinkedInSimulator

@Suite("Fault injection")
struct FaultInjectionTests {
    static let query = "/v2/atsCandidates?" + Keys.query(["C1"], field: "atsCandidateId")

    func statuses(_ h: Harness, token: String, calls: Int) async throws -> [Int] {
        var out: [Int] = []
        for _ in 0..<calls { out.append(try await h.call(.get, Self.query, token: token).status) }
        return out
    }

    @Test("a seeded 5xx rate fails roughly that share of calls, with 500/503, the same calls for the same seed")
    func serverErrors() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            let set = try await h.send(
                .put, "/_simulator/faults", headers: ["Content-Type": "application/json"],
                body: #"{"serverErrorRate": 0.25, "seed": 42}"#)
            #expect(set.status == 200)
            #expect(set.json?["serverErrorStatuses"] == [500, 503])
            let first = try await statuses(h, token: token, calls: 400)
            let failed = first.filter { $0 >= 500 }
            #expect(Set(failed).isSubset(of: [500, 503]))
            #expect(Set(failed) == [500, 503])
            #expect((60...140).contains(failed.count), "\(failed.count) of 400 failed")
            #expect(first.allSatisfy { $0 == 200 || $0 >= 500 })
            #expect(await h.state.injectedServerErrorCount() == failed.count)

            // Setting the same seed again replays the same sequence.
            await h.state.setFaults(FaultConfiguration(serverErrorRate: 0.25, seed: 42))
            #expect(try await statuses(h, token: token, calls: 400) == first)

            let error = try await h.send(.get, "/_simulator/faults")
            #expect(error.json?["seed"] == 42)
            await h.state.setFaults(FaultConfiguration())
            #expect(try await statuses(h, token: token, calls: 20).allSatisfy { $0 == 200 })
        }
    }

    @Test("an injected 5xx carries LinkedIn's error body and changes nothing")
    func serverErrorChangesNothing() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            await h.state.setFaults(FaultConfiguration(serverErrorRate: 1, serverErrorStatuses: [503]))
            let reply = try await h.putCandidates(["C1": Fixtures.candidate()], token: token)
            #expect(reply.status == 503)
            #expect(reply.isLinkedInError)
            #expect(await h.state.records(.atsCandidates, in: Harness.org).isEmpty)
        }
    }

    @Test("forced 429s hit the next N calls, with Retry-After, then calls pass")
    func forcedThrottle() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            let set = try await h.send(
                .post, "/_simulator/faults/throttle", headers: ["Content-Type": "application/json"],
                body: #"{"count": 2, "retryAfterSeconds": 7}"#)
            #expect(set.status == 204)
            let first = try await h.call(.get, Self.query, token: token)
            #expect(first.status == 429)
            #expect(first.header("Retry-After") == "7")
            #expect(try await h.call(.get, Self.query, token: token).status == 429)
            #expect(try await h.call(.get, Self.query, token: token).status == 200)
            #expect(await h.state.throttledCount() == 2)

            // Aimed at one client, others pass.
            await h.state.forceThrottle(nextCalls: 1, clientID: Harness.otherClientID)
            #expect(try await h.call(.get, Self.query, token: token).status == 200)
            let stats = try await h.send(.get, "/_simulator/stats")
            #expect(stats.json?["throttled"]?[Harness.clientID] == 2)
            #expect(stats.json?["throttledTotal"] == 2)
        }
    }

    @Test("added latency delays answers")
    func latency() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            await h.state.setFaults(FaultConfiguration(latency: .milliseconds(300)))
            let start = ContinuousClock.now
            #expect(try await h.call(.get, Self.query, token: token).status == 200)
            #expect(ContinuousClock.now - start >= .milliseconds(300))
        }
    }
}
