import Foundation
import Testing
@testable import RSCLinkedInSimulator

@Suite("Rest.li protocol: keys, methods, bodies")
struct ProtocolTests {
    static let candidateBody: SimulatedJSON = Keys.entities(["C1": Fixtures.candidate()], field: "atsCandidateId")
    static let candidateQuery = "/v2/atsCandidates?" + Keys.query(["C1"], field: "atsCandidateId")

    @Test("percent-encoded URN keys decode in the query, the body key and the path; raw forms work too")
    func keyEncodings() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            // Query with encoded brackets and URN, body key with raw values and another field order, id with '/' and '&'.
            let query = "/v2/atsCandidates?ids%5B0%5D.atsCandidateId=C%2F1%261&ids%5B0%5D.dataProvider=ATS"
                + "&ids%5B0%5D.integrationContext=urn%3Ali%3Aorganization%3A123"
            let body: SimulatedJSON = [
                "entities": ["integrationContext=urn:li:organization:123&atsCandidateId=C/1%261&dataProvider=ATS": Fixtures.candidate()]
            ]
            let put = try await h.call(.put, query, token: token, restli: "batch_update", json: body)
            #expect(put.status == 200)
            // Answers spell the key as Rest.li 1.0 does: fields in name order, names and values form-encoded.
            #expect(put.resultStatus("atsCandidateId=C%2F1%261&dataProvider=ATS&integrationContext=urn%3Ali%3Aorganization%3A123") == 204)
            #expect(await h.state.record(.atsCandidates, id: "C/1&1", in: Harness.org) != nil)

            // Raw brackets and a raw URN in the query.
            let raw = "/v2/atsCandidates?ids[0].atsCandidateId=C2&ids[0].dataProvider=ATS&ids[0].integrationContext=urn:li:organization:123"
            let rawPut = try await h.call(
                .put, raw, token: token, restli: "batch_update",
                json: Keys.entities(["C2": Fixtures.candidate()], field: "atsCandidateId"))
            #expect(rawPut.resultStatus(Keys.answerKey("C2", field: "atsCandidateId")) == 204)

            // Path segment: values encoded, or raw, or the whole segment encoded once.
            let encodedPath = "/v2/atsCandidates/atsCandidateId=C%2F1%261&dataProvider=ATS&integrationContext=urn%3Ali%3Aorganization%3A123"
            let rawPath = "/v2/atsCandidates/atsCandidateId=C2&dataProvider=ATS&integrationContext=urn:li:organization:123"
            let wholePath = "/v2/atsCandidates/" + Keys.encode("atsCandidateId=C2&dataProvider=ATS&integrationContext=urn:li:organization:123")
            for (path, note) in [(encodedPath, "N1"), (rawPath, "N2"), (wholePath, "N3")] {
                let reply = try await h.putChildren(path, "notes", [note: ["atsCreatedAt": 1, "note": "hi"]], token: token)
                #expect(reply.resultStatus(note) == 204, "\(path)")
            }
            let notes = await h.state.records(.atsCandidateNotes, in: Harness.org)
            #expect(Set(notes.keys) == [SimulatedRecordID("N1", parent: "C/1&1"), SimulatedRecordID("N2", parent: "C2"), SimulatedRecordID("N3", parent: "C2")])
        }
    }

    @Test("malformed keys, mismatched ids and bodies, and more than 100 records are 400 for the whole call")
    func badKeys() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            let mismatch = try await h.call(
                .put, "/v2/atsCandidates?" + Keys.query(["C1"], field: "atsCandidateId"), token: token,
                restli: "batch_update", json: Keys.entities(["C2": Fixtures.candidate()], field: "atsCandidateId"))
            #expect(mismatch.status == 400)
            #expect(mismatch.isLinkedInError)
            let wrongProvider = "/v2/atsCandidates?ids%5B0%5D.atsCandidateId=C1&ids%5B0%5D.dataProvider=LEVER"
                + "&ids%5B0%5D.integrationContext=urn%3Ali%3Aorganization%3A123"
            #expect(try await h.call(.get, wrongProvider, token: token).status == 400)
            let missingField = "/v2/atsCandidates?ids%5B0%5D.atsCandidateId=C1&ids%5B0%5D.dataProvider=ATS"
            #expect(try await h.call(.get, missingField, token: token).status == 400)
            let gap = "/v2/atsCandidates?" + Keys.query(["C1"], field: "atsCandidateId").replacingOccurrences(of: "%5B0%5D", with: "%5B1%5D")
            #expect(try await h.call(.get, gap, token: token).status == 400)
            #expect(try await h.call(.get, "/v2/atsCandidates", token: token).status == 400)
            let notesWithCompound = "/v2/atsCandidates/" + Keys.pathKey("C1", field: "atsCandidateId") + "/notes?ids%5B0%5D=N1"
            #expect(try await h.call(.delete, notesWithCompound, token: token).status == 400)

            let records = Dictionary(uniqueKeysWithValues: (0..<101).map { ("C\($0)", Fixtures.candidate()) })
            let tooMany = try await h.putCandidates(records, token: token)
            #expect(tooMany.status == 400)
            #expect(tooMany.isLinkedInError)
            #expect(tooMany.json?["message"]?.stringValue?.contains("100") == true)
            #expect(await h.state.records(.atsCandidates, in: Harness.org).isEmpty)
            #expect(await h.state.quotaUsage(clientID: Harness.clientID).recordsInWindow == 0)
        }
    }

    @Test("a wrong x-restli-method is 400; without one, a PUT or POST with ids is a batch update, a batch create is 400")
    func restliMethod() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            // Rest.li's router infers batch_update from PUT + ids (LinkedIn's collection sends the
            // interview-feedback PUT so), and batch_partial_update from POST + ids.
            let implied = try await h.call(.put, Self.candidateQuery, token: token, json: Self.candidateBody)
            #expect(implied.status == 200)
            #expect(implied.resultStatus(Keys.answerKey("C1", field: "atsCandidateId")) == 204)
            let impliedPatch = try await h.call(
                .post, Self.candidateQuery, token: token,
                json: Keys.entities(["C1": ["patch": ["$set": ["currentJobTitle": "Engineer"]]]], field: "atsCandidateId"))
            #expect(impliedPatch.resultStatus(Keys.answerKey("C1", field: "atsCandidateId")) == 204)
            let subPath = "/v2/atsCandidates/" + Keys.pathKey("C1", field: "atsCandidateId") + "/notes?ids=N1"
            let impliedNote = try await h.send(
                .put, subPath, headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                body: #"{"entities":{"N1":{"atsCreatedAt":1,"note":"hi"}}}"#)
            #expect(impliedNote.resultStatus("N1") == 204)
            // batch_create's signature collides with a plain create: it needs the header.
            let missing = try await h.call(
                .post, "/v2/simpleJobPostings", token: token, json: ["elements": [Fixtures.job(id: "J1")]])
            #expect(missing.status == 400)
            #expect(missing.isLinkedInError)
            #expect(missing.json?["message"]?.stringValue?.contains("x-restli-method") == true)
            _ = try await h.call(.delete, Self.candidateQuery, token: token)
            #expect(try await h.call(.put, Self.candidateQuery, token: token, restli: "batch_create", json: Self.candidateBody).status == 400)
            #expect(try await h.call(.post, Self.candidateQuery, token: token, restli: "batch_update", json: Self.candidateBody).status == 400)
            #expect(try await h.call(.delete, Self.candidateQuery, token: token, restli: "batch_update").status == 400)
            #expect(try await h.call(.get, Self.candidateQuery, token: token, restli: "batch_get").status == 200)
            #expect(try await h.call(.put, Self.candidateQuery, token: token, restli: "BATCH_UPDATE", json: Self.candidateBody).status == 200)
            #expect(try await h.call(.delete, Self.candidateQuery, token: token, restli: "batch_delete").status == 200)
            let twoDotOh = try await h.send(
                .get, Self.candidateQuery, headers: ["Authorization": "Bearer \(token)", "X-RestLi-Protocol-Version": "2.0.0"])
            #expect(twoDotOh.status == 400)
            #expect(await h.state.records(.atsCandidates, in: Harness.org).isEmpty)
        }
    }

    @Test("malformed JSON and a non-JSON content type get LinkedIn's error body, and the server keeps serving")
    func malformedBodies() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            let headers = ["Authorization": "Bearer \(token)", "x-restli-method": "batch_update", "Content-Type": "application/json"]
            for body in [#"{"entities": {"#, "", "[]", "null", #"{"entities": []}"#, #"{"entities": {"atsCandidateId=C1&dataProvider=ATS&integrationContext=urn:li:organization:123": 5}}"#] {
                let reply = try await h.send(.put, Self.candidateQuery, headers: headers, body: body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.isLinkedInError, "\(body)")
            }
            var form = headers
            form["Content-Type"] = "application/x-www-form-urlencoded"
            let wrongType = try await h.send(
                .put, Self.candidateQuery, headers: form, body: String(decoding: Self.candidateBody.encoded(), as: UTF8.self))
            #expect(wrongType.status == 415)
            #expect(wrongType.isLinkedInError)
            let unknownPath = try await h.call(.get, "/v2/atsSomething", token: token)
            #expect(unknownPath.status == 404)
            #expect(unknownPath.isLinkedInError)
            let wrongMethod = try await h.call(.patch, "/v2/atsCandidates", token: token)
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.isLinkedInError)

            let fine = try await h.putCandidates(["C1": Fixtures.candidate()], token: token)
            #expect(fine.status == 200)
            #expect(fine.resultStatus(Keys.answerKey("C1", field: "atsCandidateId")) == 204)
        }
    }
}
