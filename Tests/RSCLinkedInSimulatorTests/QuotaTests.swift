import Foundation
import Testing
@testable import RSCLinkedInSimulator

@Suite("Quotas")
struct QuotaTests {
    static func batch(_ start: Int) -> [String: SimulatedJSON] {
        Dictionary(uniqueKeysWithValues: (start..<start + 100).map { ("C\($0)", Fixtures.candidate(email: nil)) })
    }

    @Test("10,000 records in a window pass, the next batch is 429 with Retry-After and changes nothing, the next window works")
    func recordQuota() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            for start in stride(from: 0, to: 10_000, by: 100) {
                let reply = try await h.putCandidates(Self.batch(start), token: token)
                try #require(reply.status == 200, "batch at \(start): \(reply.text)")
            }
            h.clock.advance(by: .seconds(15))
            let over = try await h.putCandidates(Self.batch(10_000), token: token)
            #expect(over.status == 429)
            #expect(over.isLinkedInError)
            #expect(over.header("Retry-After") == "45")
            #expect(await h.state.recordCounts(in: Harness.org)[.atsCandidates] == 10_000)
            #expect(await h.state.throttledCount(clientID: Harness.clientID) == 1)
            // Reads are not records: a GET still works in the full window.
            let read = try await h.call(.get, "/v2/atsCandidates?" + Keys.query(["C1"], field: "atsCandidateId"), token: token)
            #expect(read.status == 200)
            // Another application has its own quota.
            let other = try await h.token(clientID: Harness.otherClientID, secret: Harness.otherSecret)
            #expect(try await h.putCandidates(Self.batch(0), token: other, org: Harness.otherOrg).status == 200)

            h.clock.advance(by: .seconds(45))
            let again = try await h.putCandidates(Self.batch(10_000), token: token)
            #expect(again.status == 200)
            #expect(await h.state.recordCounts(in: Harness.org)[.atsCandidates] == 10_100)
            #expect(await h.state.quotaUsage(clientID: Harness.clientID).recordsInWindow == 100)
        }
    }

    @Test("the call quota in a short window: over the limit is 429 until the window passes")
    func callQuota() async throws {
        try await withSimulator({ $0.callsPerDay = 5; $0.callWindow = .seconds(10) }) { h in
            let token = try await h.token()
            let query = "/v2/atsCandidates?" + Keys.query(["C1"], field: "atsCandidateId")
            for _ in 0..<5 { #expect(try await h.call(.get, query, token: token).status == 200) }
            h.clock.advance(by: .milliseconds(2500))
            let over = try await h.call(.get, query, token: token)
            #expect(over.status == 429)
            #expect(over.header("Retry-After") == "8")
            // Token requests are not API calls.
            _ = try await h.token()
            h.clock.advance(by: .milliseconds(7500))
            #expect(try await h.call(.get, query, token: token).status == 200)
            #expect(await h.state.quotaUsage(clientID: Harness.clientID).callsInWindow == 1)
        }
    }

    @Test("a day-long call window resets at UTC midnight")
    func dailyWindow() async throws {
        try await withSimulator({ $0.callsPerDay = 2 }) { h in
            h.clock.advance(by: .seconds(86_400 - 30))  // 23:59:30Z
            let token = try await h.token()
            let query = "/v2/atsCandidates?" + Keys.query(["C1"], field: "atsCandidateId")
            #expect(try await h.call(.get, query, token: token).status == 200)
            #expect(try await h.call(.get, query, token: token).status == 200)
            let over = try await h.call(.get, query, token: token)
            #expect(over.status == 429)
            #expect(over.header("Retry-After") == "30")
            h.clock.advance(by: .seconds(30))
            #expect(try await h.call(.get, query, token: token).status == 200)
        }
    }

    @Test("quotas off: nothing is refused")
    func quotasOff() async throws {
        try await withSimulator({ $0.callsPerDay = 1; $0.quotasEnabled = false }) { h in
            let token = try await h.token()
            let query = "/v2/atsCandidates?" + Keys.query(["C1"], field: "atsCandidateId")
            for _ in 0..<3 { #expect(try await h.call(.get, query, token: token).status == 200) }
            #expect(await h.state.quotaUsage(clientID: Harness.clientID).callsInWindow == 3)
        }
    }
}
