import Foundation
import Testing
@testable import RSCLinkedInSimulator

@Suite("Candidates, applications and what lives under them")
struct CandidateSyncTests {
    static func key(_ id: String) -> String { Keys.answerKey(id, field: "atsCandidateId") }
    static func appKey(_ id: String) -> String { Keys.answerKey(id, field: "atsJobApplicationId") }
    static let candidatePath = "/v2/atsCandidates/" + Keys.pathKey("C1", field: "atsCandidateId")
    static func applicationPath(_ id: String) -> String {
        "/v2/atsApplications/" + Keys.pathKey(id, field: "atsJobApplicationId")
    }

    @Test("one bad email gives that record a 422 naming the field, the other a 204, and only the good one is stored")
    func oneBadRecord() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            let reply = try await h.putCandidates(
                ["C1": Fixtures.candidate(), "C2": Fixtures.candidate(email: "not-an-email")], token: token)
            #expect(reply.status == 200)
            #expect(reply.resultStatus(Self.key("C1")) == 204)
            #expect(reply.errorStatus(Self.key("C2")) == 422)
            #expect(reply.errorMessage(Self.key("C2"))?.contains("emailAddresses") == true)
            #expect(reply.json?["errors"]?[Self.key("C1")] == nil)
            let stored = await h.state.records(.atsCandidates, in: Harness.org)
            #expect(Set(stored.keys) == ["C1"])
            #expect(stored["C1"] == Fixtures.candidate())
        }
    }

    @Test("with acceptance latencies kept (benchmarks), each accepted candidate's time since its atsLastModifiedAt is recorded; off, nothing")
    func acceptanceLatencies() async throws {
        try await withSimulator({ $0.recordsAcceptanceLatency = true }) { h in
            let token = try await h.token()
            // The simulator's clock stands at 2026-01-01T00:00:00Z; the record says it changed 2.5 s before.
            let modified = Int64(h.clock.now().timeIntervalSince1970 * 1_000) - 2_500
            let record = Fixtures.candidate().objectValue!.merging(["atsCreatedAt": .int(Fixtures.createdAt), "atsLastModifiedAt": .int(modified)]) { $1 }
            let reply = try await h.putCandidates(["C1": .object(record), "C2": Fixtures.candidate(email: "not-an-email")], token: token)
            #expect(reply.status == 200)
            let latencies = await h.state.acceptanceLatencies()
            #expect(latencies.count == 1, "only the accepted one: \(latencies)")
            #expect(latencies.first.map { abs($0 - 2.5) < 0.001 } == true, "\(latencies)")
        }
        try await withSimulator { h in
            _ = try await h.putCandidates(["C1": Fixtures.candidate()], token: try await h.token())
            #expect(await h.state.acceptanceLatencies().isEmpty)
        }
    }

    @Test("each required candidate field is enforced with a message naming it")
    func candidateRules() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            let base = Fixtures.candidate().objectValue!
            let cases: [(String, JSONObject)] = [
                ("addresses", base.filter { $0.key != "addresses" }),
                ("atsCreatedAt", base.merging(["atsCreatedAt": 0]) { $1 }),
                ("atsLastModifiedAt", base.merging(["atsLastModifiedAt": .int(Fixtures.createdAt - 1)]) { $1 }),
                ("firstName", base.filter { $0.key != "firstName" }),
                ("atsCreatedAt", base.merging(["atsCreatedAt": 1.5]) { $1 }),
                ("favouriteColour", base.merging(["favouriteColour": "blue"]) { $1 }),
                // Required, may be empty (release notes, March 2024).
                ("phoneNumbers", base.filter { $0.key != "phoneNumbers" }),
                // Required (Learn: required fields).
                ("externalProfileUrl", base.filter { $0.key != "externalProfileUrl" }),
            ]
            for (field, record) in cases {
                let reply = try await h.putCandidates(["C9": .object(record)], token: token)
                #expect(reply.errorStatus(Self.key("C9")) == 422, "\(field)")
                #expect(reply.errorMessage(Self.key("C9"))?.contains(field) == true, "\(field)")
            }
            #expect(await h.state.records(.atsCandidates, in: Harness.org).isEmpty)
        }
    }

    @Test("an upsert replaces the whole record: a field left out is gone")
    func fullReplace() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            let first = Fixtures.candidate(extra: ["currentJobTitle": "Engineer", "doNotContact": false])
            _ = try await h.putCandidates(["C1": first], token: token)
            #expect(await h.state.record(.atsCandidates, id: "C1", in: Harness.org)?["currentJobTitle"] == "Engineer")
            let second = Fixtures.candidate(first: "Augusta")
            let reply = try await h.putCandidates(["C1": second], token: token)
            #expect(reply.resultStatus(Self.key("C1")) == 204)
            #expect(await h.state.record(.atsCandidates, id: "C1", in: Harness.org) == second)
            // The inspection API shows the same.
            let inspected = try await h.send(
                .get, "/_simulator/records?integrationContext=urn%3Ali%3Aorganization%3A123&resource=atsCandidates")
            #expect(inspected.json?["records"]?["C1"] == second)
            #expect(inspected.json?["records"]?["C1"]?["currentJobTitle"] == nil)
        }
    }

    @Test("deleting a candidate deletes its notes and its applications with theirs; other records stay")
    func cascadingDeletes() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            _ = try await h.putCandidates(["C1": Fixtures.candidate(), "C2": Fixtures.candidate(first: "Grace")], token: token)
            _ = try await h.putChildren(Self.candidatePath, "notes", ["N1": ["atsCreatedAt": 1, "note": "Call back"]], token: token)
            _ = try await h.putApplications(
                ["A1": Fixtures.application(candidate: "C1"), "A2": Fixtures.application(candidate: "C1"),
                 "B1": Fixtures.application(candidate: "C2")], token: token)
            for app in ["A1", "A2", "B1"] {
                let path = Self.applicationPath(app)
                let stages = try await h.putChildren(path, "stages", ["S1": ["atsCreatedAt": 1, "stage": "Phone screen"]], token: token)
                #expect(stages.resultStatus("S1") == 204)
                _ = try await h.putChildren(path, "notes", ["N1": ["atsCreatedAt": 1, "note": "Strong"]], token: token)
                let feedback = try await h.putChildren(
                    path, "interviewFeedback",
                    ["F1": ["atsCreatedAt": 1, "evaluations": [["attribute": "Communication", "result": "4/5"]],
                            "feedback": "Good", "interviewer": ["firstName": "Rita", "lastName": "Book"]]],
                    token: token)
                #expect(feedback.resultStatus("F1") == 204)
            }
            var counts = await h.state.recordCounts(in: Harness.org)
            #expect(counts[.atsApplicationStages] == 3)

            // Deleting one application takes its notes, feedback and stages only.
            let deleteApp = try await h.call(
                .delete, "/v2/atsApplications?" + Keys.query(["A2"], field: "atsJobApplicationId"), token: token)
            #expect(deleteApp.resultStatus(Self.appKey("A2")) == 204)
            counts = await h.state.recordCounts(in: Harness.org)
            #expect(counts[.atsApplications] == 2)
            #expect(counts[.atsApplicationStages] == 2)
            #expect(counts[.atsApplicationNotes] == 2)
            #expect(counts[.atsApplicationInterviewFeedback] == 2)

            let deleteCandidate = try await h.call(
                .delete, "/v2/atsCandidates?" + Keys.query(["C1"], field: "atsCandidateId"), token: token)
            #expect(deleteCandidate.status == 200)
            #expect(deleteCandidate.resultStatus(Self.key("C1")) == 204)
            counts = await h.state.recordCounts(in: Harness.org)
            #expect(counts[.atsCandidates] == 1)
            #expect(counts[.atsCandidateNotes] == 0)
            #expect(counts[.atsApplications] == 1)
            #expect(counts[.atsApplicationStages] == 1)
            #expect(counts[.atsApplicationNotes] == 1)
            #expect(counts[.atsApplicationInterviewFeedback] == 1)
            #expect(await h.state.records(.atsApplicationStages, in: Harness.org).keys.first == SimulatedRecordID("S1", parent: "B1"))

            // Deleting what is gone is a per-record 404.
            let again = try await h.call(
                .delete, "/v2/atsCandidates?" + Keys.query(["C1"], field: "atsCandidateId"), token: token)
            #expect(again.errorStatus(Self.key("C1")) == 404)
        }
    }

    @Test("a record under a parent that does not exist gets 404; sub-resource rules give 422")
    func subResourceRules() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            let orphan = try await h.putChildren(Self.candidatePath, "notes", ["N1": ["atsCreatedAt": 1, "note": "x"]], token: token)
            #expect(orphan.status == 200)
            #expect(orphan.errorStatus("N1") == 404)
            _ = try await h.putCandidates(["C1": Fixtures.candidate()], token: token)
            let notes = try await h.putChildren(
                Self.candidatePath, "notes",
                ["N1": ["atsCreatedAt": 1, "note": ""], "N2": ["atsCreatedAt": 0, "note": "x"], "N3": ["atsCreatedAt": 5, "note": "ok"]],
                token: token)
            #expect(notes.errorMessage("N1")?.contains("note") == true)
            #expect(notes.errorMessage("N2")?.contains("atsCreatedAt") == true)
            #expect(notes.resultStatus("N3") == 204)

            _ = try await h.putApplications(["A1": Fixtures.application(candidate: "C1")], token: token)
            let stages = try await h.putChildren(
                Self.applicationPath("A1"), "stages",
                ["S1": ["atsCreatedAt": 1, "stage": "Not Available"], "S2": ["atsCreatedAt": 1, "stage": ""]], token: token)
            #expect(stages.errorMessage("S1")?.contains("stage") == true)
            #expect(stages.errorStatus("S2") == 422)
            let feedback = try await h.putChildren(
                Self.applicationPath("A1"), "interviewFeedback",
                ["F1": ["atsCreatedAt": 1, "evaluations": [["attribute": "Communication"]]]], token: token)
            #expect(feedback.errorMessage("F1")?.contains("evaluations[0].result") == true)

            let applications = try await h.putApplications(
                ["A2": ["atsCreatedAt": 5], "A3": ["atsCandidateId": "C1", "atsCreatedAt": 5, "candidateEmail": "nope"]],
                token: token)
            #expect(applications.errorMessage(Self.appKey("A2"))?.contains("atsCandidateId") == true)
            #expect(applications.errorMessage(Self.appKey("A3"))?.contains("candidateEmail") == true)
        }
    }

    @Test("matchedMembers is SHA-256 of the email, 'no member' emails match nobody, and a manual match overrides")
    func matching() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            await h.state.markNoMember(email: "Nobody@Example.com")
            _ = try await h.putCandidates(
                ["C1": Fixtures.candidate(email: "Ada@Example.com"), "C2": Fixtures.candidate(email: "nobody@example.com")],
                token: token)
            let query = "/v2/atsCandidates?" + Keys.query(["C1", "C2"], field: "atsCandidateId")
                + "&fields=matchedMembers,manualMatchedMember"
            let reply = try await h.call(.get, query, token: token)
            #expect(reply.status == 200)
            let c1 = reply.json?["results"]?[Self.key("C1")]
            // No manual match: the field is left out, as Rest.li leaves out an absent optional field (never null).
            #expect(c1 == ["matchedMembers": ["urn:li:person:b5fc85e55755"]])
            #expect(reply.json?["results"]?[Self.key("C2")]?["matchedMembers"] == [])

            let patch = try await h.call(
                .post, "/v2/atsCandidates?" + Keys.query(["C2"], field: "atsCandidateId"), token: token,
                restli: "batch_partial_update",
                json: Keys.entities(["C2": ["patch": ["$set": ["manualMatchedMember": "urn:li:person:abc"]]]], field: "atsCandidateId"))
            #expect(patch.resultStatus(Self.key("C2")) == 204)
            let after = try await h.call(.get, query, token: token)
            #expect(after.json?["results"]?[Self.key("C2")] == ["matchedMembers": ["urn:li:person:abc"], "manualMatchedMember": "urn:li:person:abc"])
            #expect(await h.state.matchedMembers(atsCandidateId: "C1", in: Harness.org) == ["urn:li:person:b5fc85e55755"])

            // A bad URN is the record's 422; a patch on an unknown candidate its 404.
            let bad = try await h.call(
                .post, "/v2/atsCandidates?" + Keys.query(["C1", "C7"], field: "atsCandidateId"), token: token,
                restli: "batch_partial_update",
                json: Keys.entities(
                    ["C1": ["patch": ["$set": ["manualMatchedMember": "person-1"]]],
                     "C7": ["patch": ["$set": ["manualMatchedMember": "urn:li:person:x"]]]], field: "atsCandidateId"))
            #expect(bad.errorStatus(Self.key("C1")) == 422)
            #expect(bad.errorStatus(Self.key("C7")) == 404)

            // The manual match is part of the record: a full replace without it removes it.
            _ = try await h.putCandidates(["C2": Fixtures.candidate(email: "nobody@example.com")], token: token)
            #expect(await h.state.matchedMembers(atsCandidateId: "C2", in: Harness.org) == [])
        }
    }
}
