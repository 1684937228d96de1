import Foundation
import Testing
@testable import RSCLinkedInSimulator

@Suite("Inspection API")
struct InspectionAPITests {
    static let json = ["Content-Type": "application/json"]

    @Test("applications registered over HTTP get tokens; records, counts, requests and stats read back")
    func roundTrip() async throws {
        try await withSimulator { h in
            let register = try await h.send(
                .post, "/_simulator/applications", headers: Self.json,
                body: #"{"clientId": "child-789", "clientSecret": "s3cret", "organization": "789"}"#)
            #expect(register.status == 201)
            #expect(register.json?["organization"] == "urn:li:organization:789")
            let apps = try await h.send(.get, "/_simulator/applications")
            #expect(apps.json?["applications"]?.arrayValue?.count == 3)

            let token = try await h.token(clientID: "child-789", secret: "s3cret")
            _ = try await h.token(clientID: "child-789", secret: "s3cret")
            let org = "urn:li:organization:789"
            let reply = try await h.putCandidates(
                ["C1": Fixtures.candidate(), "C2": Fixtures.candidate(email: "bad")], token: token, org: org)
            #expect(reply.status == 200)
            let path = "/v2/atsCandidates/" + Keys.pathKey("C1", field: "atsCandidateId", org: org)
            _ = try await h.putChildren(path, "notes", ["N1": ["atsCreatedAt": 1, "note": "hello"]], token: token)

            let records = try await h.send(.get, "/_simulator/records?integrationContext=urn%3Ali%3Aorganization%3A789")
            #expect(records.json?["resources"]?["atsCandidates"]?["C1"] == Fixtures.candidate())
            #expect(records.json?["resources"]?["atsCandidates/notes"]?["C1"]?["N1"] == ["atsCreatedAt": 1, "note": "hello"])
            let counts = try await h.send(.get, "/_simulator/counts")
            #expect(counts.json?["counts"]?[org]?["atsCandidates"] == 1)
            #expect(counts.json?["counts"]?[org]?["atsCandidates/notes"] == 1)
            #expect(counts.json?["counts"]?[Harness.org] == nil)

            let log = try await h.send(.get, "/_simulator/requests?limit=2")
            let entries = try #require(log.json?["requests"]?.arrayValue)
            #expect(entries.count == 2)
            #expect(entries[0]["method"] == "PUT")
            #expect(entries[0]["path"] == "/v2/atsCandidates")
            #expect(entries[0]["restliMethod"] == "batch_update")
            #expect(entries[0]["recordCount"] == 2)
            #expect(entries[0]["status"] == 200)
            #expect(entries[0]["clientId"] == "child-789")
            #expect(entries[0]["time"]?.intValue == h.clock.now().epochMilliseconds)
            #expect(entries[1]["path"]?.stringValue?.hasSuffix("/notes") == true)

            let stats = try await h.send(.get, "/_simulator/stats")
            #expect(stats.json?["tokenRequests"]?["child-789"] == 2)
            #expect(stats.json?["quota"]?["child-789"]?["recordsInWindow"] == 3)

            let members = try await h.send(
                .get, "/_simulator/matched-members?integrationContext=urn%3Ali%3Aorganization%3A789&atsCandidateId=C1")
            #expect(members.json?["matchedMembers"] == ["urn:li:person:b5fc85e55755"])
        }
    }

    @Test("no-member emails, reset, and bad inspection requests")
    func controls() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            let mark = try await h.send(
                .post, "/_simulator/no-member-emails", headers: Self.json, body: #"{"emails": ["GRACE@example.com"]}"#)
            #expect(mark.status == 204)
            _ = try await h.putCandidates(["C1": Fixtures.candidate(email: "grace@example.com")], token: token)
            #expect(await h.state.matchedMembers(atsCandidateId: "C1", in: Harness.org) == [])
            #expect(try await h.send(.delete, "/_simulator/no-member-emails").status == 204)
            #expect(await h.state.matchedMembers(atsCandidateId: "C1", in: Harness.org) == ["urn:li:person:b533d4547eaa"])

            #expect(try await h.send(.post, "/_simulator/reset").status == 204)
            #expect(await h.state.integrationContexts().isEmpty)
            #expect(await h.state.requestLog().isEmpty)
            #expect(await h.state.tokenRequestCount(clientID: Harness.clientID) == 0)
            // Applications and their tokens survive a reset.
            #expect(try await h.putCandidates(["C1": Fixtures.candidate()], token: token).status == 200)

            let badFaults = try await h.send(.put, "/_simulator/faults", headers: Self.json, body: #"{"serverErrorRate": 2}"#)
            #expect(badFaults.status == 400)
            #expect(badFaults.isLinkedInError)
            #expect(try await h.send(.put, "/_simulator/faults", headers: Self.json, body: "nope").status == 400)
            #expect(try await h.send(.get, "/_simulator/records").status == 400)
            #expect(try await h.send(.get, "/_simulator/records?integrationContext=x&resource=nope").status == 400)
            #expect(try await h.send(.get, "/_simulator/nothing").status == 404)
        }
    }
}
