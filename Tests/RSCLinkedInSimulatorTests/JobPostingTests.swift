import Foundation
import Testing
@testable import RSCLinkedInSimulator

@Suite("Job postings and their tasks")
struct JobPostingTests {
    func post(_ h: Harness, _ jobs: [SimulatedJSON], token: String) async throws -> Reply {
        try await h.call(.post, "/v2/simpleJobPostings", token: token, restli: "batch_create", json: ["elements": .array(jobs)])
    }

    @Test("each element is validated in order: short description and future listedAt are 422s naming the field")
    func validation() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            let now = h.clock.now().epochMilliseconds
            let reply = try await post(
                h,
                [
                    Fixtures.job(id: "J1"),
                    Fixtures.job(id: "J2", extra: ["description": .string(String(repeating: "x", count: 99))]),
                    Fixtures.job(id: "J3", listedAt: now + 60_000),
                    Fixtures.job(id: "J4", extra: ["availability": "SECRET"]),
                    Fixtures.job(id: "J5", listedAt: now, extra: ["availability": "PRIVATE_TO_ATS_INTEGRATION"]),
                ], token: token)
            #expect(reply.status == 200)
            let elements = try #require(reply.json?["elements"]?.arrayValue)
            #expect(elements.count == 5)
            #expect(elements[0]["status"] == 202)
            #expect(elements[0]["id"]?.stringValue?.hasPrefix("urn:li:simpleJobPostingTask:") == true)
            #expect(elements[1]["status"] == 422)
            #expect(elements[1]["message"]?.stringValue?.contains("description") == true)
            #expect(elements[2]["status"] == 422)
            #expect(elements[2]["message"]?.stringValue?.contains("listedAt") == true)
            #expect(elements[3]["message"]?.stringValue?.contains("availability") == true)
            #expect(elements[4]["status"] == 202)
            let stored = await h.state.records(.simpleJobPostings, in: Harness.org)
            #expect(Set(stored.keys) == ["J1", "J5"])
        }
    }

    @Test("a create with an existing externalJobPostingId replaces the job")
    func replace() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            _ = try await post(h, [Fixtures.job(id: "J1")], token: token)
            let closed = Fixtures.job(id: "J1", extra: ["state": "CLOSED", "title": "Engineer (closed)"])
            _ = try await post(h, [closed], token: token)
            #expect(await h.state.records(.simpleJobPostings, in: Harness.org) == ["J1": closed])
        }
    }

    @Test("tasks poll as SUCCEEDED or FAILED, are private to their application, and are gone after 24 hours")
    func taskPolling() async throws {
        try await withSimulator({ $0.jobTaskProcessingTime = .zero }) { h in
            let token = try await h.token()
            let reply = try await post(
                h, [Fixtures.job(id: "J1"), Fixtures.job(id: "J2", extra: ["location": "Nowhere"])], token: token)
            let ids = try #require(reply.json?["elements"]?.arrayValue?.compactMap { $0["id"]?.stringValue })
            #expect(ids.count == 2)
            let query = "/v2/simpleJobPostingTasks?" + ids.map { "ids=\(Keys.encode($0))" }.joined(separator: "&")
                + "&ids=urn%3Ali%3AsimpleJobPostingTask%3Aunknown"
            let poll = try await h.call(.get, query, token: token)
            #expect(poll.status == 200)
            #expect(poll.json?["results"]?[ids[0]]?["status"] == "SUCCEEDED")
            #expect(poll.json?["results"]?[ids[0]]?["externalJobPostingId"] == "J1")
            #expect(poll.json?["results"]?[ids[1]]?["status"] == "FAILED")
            #expect(poll.json?["results"]?[ids[1]]?["errorMessage"]?.stringValue?.contains("location") == true)
            #expect(poll.errorStatus("urn:li:simpleJobPostingTask:unknown") == 404)
            // A failed task changes nothing.
            #expect(await h.state.records(.simpleJobPostings, in: Harness.org).keys.map(\.id) == ["J1"])

            let other = try await h.token(clientID: Harness.otherClientID, secret: Harness.otherSecret)
            #expect(try await h.call(.get, query, token: other).errorStatus(ids[0]) == 404)

            h.clock.advance(by: .seconds(24 * 3600))
            let fresh = try await h.token()
            #expect(try await h.call(.get, query, token: fresh).errorStatus(ids[0]) == 404)

            let notATask = try await h.call(.get, "/v2/simpleJobPostingTasks?ids=J1", token: fresh)
            #expect(notATask.status == 400)
        }
    }

    @Test("a job batch needs elements, at most 100 of them")
    func batchShape() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            #expect(try await post(h, [], token: token).status == 400)
            let many = (0..<101).map { Fixtures.job(id: "J\($0)") }
            let tooMany = try await post(h, many, token: token)
            #expect(tooMany.status == 400)
            #expect(tooMany.isLinkedInError)
            #expect(try await h.call(.post, "/v2/simpleJobPostings", token: token, restli: "batch_create", json: ["jobs": []]).status == 400)
            #expect(await h.state.records(.simpleJobPostings, in: Harness.org).isEmpty)
        }
    }
}
