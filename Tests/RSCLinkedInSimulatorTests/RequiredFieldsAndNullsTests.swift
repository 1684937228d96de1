import Foundation
import Testing
@testable import RSCLinkedInSimulator

/// LinkedIn's required fields (Learn: required fields; release notes, March 2024) and Rest.li's refusal of
/// JSON `null` for typed fields (`ValidateDataAgainstSchema`).
@Suite("Required fields and nulls")
struct RequiredFieldsAndNullsTests {
    @Test("a JSON null anywhere in a record refuses the whole call with 400 naming where, and nothing is stored")
    func nullRefused() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            let withNull = Fixtures.candidate(extra: ["currentJobTitle": nil])
            let reply = try await h.putCandidates(["C1": Fixtures.candidate(), "C2": withNull], token: token)
            #expect(reply.status == 400)
            #expect(reply.isLinkedInError)
            #expect(reply.json?["message"]?.stringValue?.contains("/currentJobTitle") == true)
            #expect(await h.state.records(.atsCandidates, in: Harness.org).isEmpty)

            _ = try await h.putCandidates(["C1": Fixtures.candidate()], token: token)
            var application = Fixtures.application(candidate: "C1").objectValue!
            application["dispositionReason"] = nil as SimulatedJSON
            let nullReason = try await h.putApplications(["A1": .object(application)], token: token)
            #expect(nullReason.status == 400)
            #expect(nullReason.json?["message"]?.stringValue?.contains("dispositionReason") == true)
            // LinkedIn's collection sends an empty reason as "".
            application["dispositionReason"] = ""
            let emptyReason = try await h.putApplications(["A1": .object(application)], token: token)
            #expect(emptyReason.resultStatus(Keys.answerKey("A1", field: "atsJobApplicationId")) == 204)

            let nullInPatch = try await h.call(
                .post, "/v2/atsCandidates?" + Keys.query(["C1"], field: "atsCandidateId"), token: token,
                restli: "batch_partial_update",
                json: Keys.entities(["C1": ["patch": ["$set": ["manualMatchedMember": nil]]]], field: "atsCandidateId"))
            #expect(nullInPatch.status == 400)

            let nullInStage = try await h.putChildren(
                "/v2/atsApplications/" + Keys.pathKey("A1", field: "atsJobApplicationId"), "stages",
                ["S1": ["atsCreatedAt": 1, "stage": nil]], token: token)
            #expect(nullInStage.status == 400)
        }
    }

    @Test("a candidate needs phoneNumbers (may be empty) and externalProfileUrl; an empty phone list is fine")
    func candidateRequiredFields() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            var noPhones = Fixtures.candidate().objectValue!
            noPhones["phoneNumbers"] = nil
            var noProfile = Fixtures.candidate().objectValue!
            noProfile["externalProfileUrl"] = nil
            let reply = try await h.putCandidates(
                ["C1": Fixtures.candidate(), "C2": .object(noPhones), "C3": .object(noProfile)], token: token)
            #expect(reply.resultStatus(Keys.answerKey("C1", field: "atsCandidateId")) == 204)
            #expect(reply.errorMessage(Keys.answerKey("C2", field: "atsCandidateId"))?.contains("phoneNumbers") == true)
            #expect(reply.errorMessage(Keys.answerKey("C3", field: "atsCandidateId"))?.contains("externalProfileUrl") == true)
        }
    }

    @Test("a job needs companyApplyUrl")
    func jobRequiresApplyURL() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            var noApply = Fixtures.job(id: "J2").objectValue!
            noApply["companyApplyUrl"] = nil
            let reply = try await h.call(
                .post, "/v2/simpleJobPostings", token: token, restli: "batch_create",
                json: ["elements": [Fixtures.job(id: "J1"), .object(noApply)]])
            let elements = try #require(reply.json?["elements"]?.arrayValue)
            #expect(elements[0]["status"] == 202)
            #expect(elements[1]["status"] == 422)
            #expect(elements[1]["message"]?.stringValue?.contains("companyApplyUrl") == true)
        }
    }

    @Test("answer keys are Rest.li 1.0's: sorted, java.net.URLEncoder on names and values")
    func answerKeyEncoding() {
        let key = RestliKey(fields: ["integrationContext": "urn:li:organization:1", "atsCandidateId": "a b/Å*~", "dataProvider": "ATS"])
        #expect(key.answerForm == "atsCandidateId=a+b%2F%C3%85*%7E&dataProvider=ATS&integrationContext=urn%3Ali%3Aorganization%3A1")
    }
}
