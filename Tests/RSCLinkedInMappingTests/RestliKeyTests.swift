import Foundation
import RSCChangeEvents
import RSCLinkedInClient
import Testing

/// The client's Rest.li 1.0 key codec: answers are read by meaning, whatever field order and encoding.
@Suite("Rest.li keys in answers")
struct RestliKeyTests {
    let context = "urn:li:organization:123"

    @Test("a compound key parses to the same key in any field order and encoding")
    func parseForms() throws {
        let expected = RestliKey.candidate("C 1/2", context: context)
        let forms = [
            "atsCandidateId=C 1/2&dataProvider=ATS&integrationContext=urn:li:organization:123",
            "atsCandidateId=C+1%2F2&dataProvider=ATS&integrationContext=urn%3Ali%3Aorganization%3A123",
            "integrationContext=urn%3Ali%3Aorganization%3A123&atsCandidateId=C%201%2F2&dataProvider=ATS",
            "atsCandidateId%3DC%2B1%252F2%26dataProvider%3DATS%26integrationContext%3Durn%253Ali%253Aorganization%253A123",
        ]
        for form in forms {
            let key = try #require(RestliKey.parse(form), "\(form)")
            #expect(key == expected, "\(form)")
            #expect(key.hashValue == expected.hashValue, "\(form)")
        }
        #expect(RestliKey.parse("urn:li:simpleJobPostingTask:1") == nil, "a simple key")
        #expect(RestliKey.parse("a=1&a=2") == nil)
        #expect(RestliKey.parse("=1") == nil)
        #expect(RestliKey.parse("a=%ZZ") == nil)
    }

    @Test("we write Rest.li 1.0's answer form: sorted, java.net.URLEncoder on names and values")
    func answerForm() {
        let key = RestliKey([("integrationContext", "urn:li:organization:1"), ("atsCandidateId", "a b/Å*~"), ("dataProvider", "ATS")])
        #expect(key.restliAnswerForm == "atsCandidateId=a+b%2F%C3%85*%7E&dataProvider=ATS&integrationContext=urn%3Ali%3Aorganization%3A1")
        #expect(RestliKey.parse(key.restliAnswerForm) == key)
    }

    @Test("batch answers are read by key meaning: results, errors and matched members, for every batch resource")
    func batchAnswer() throws {
        let c1 = RestliKey.candidate("C1", context: context), c2 = RestliKey.candidate("C 2", context: context)
        let integration = RestliKey([
            ("integrationContext", context), ("integrationType", "ONE_CLICK_EXPORT"), ("tenantType", "RECRUITER"), ("dataProvider", "ATS"),
        ])
        let answer = try JSONValue.parse(Array("""
            {"results": {"\(c1.restliAnswerForm)": {"status": 204, "manualMatchedMember": "urn:li:person:m1"},
                         "\(c2.restliAnswerForm)": {"matchedMembers": ["urn:li:person:m2"]},
                         "\(integration.restliAnswerForm)": {"status": 204},
                         "urn%3Ali%3AsimpleJobPostingTask%3A9": {"status": "SUCCEEDED"}},
             "errors": {"dataProvider=ATS&integrationContext=urn%3Ali%3Aorganization%3A123&atsCandidateId=C3": {"status": 422, "message": "bad"}}}
            """.utf8))
        let results = LinkedInClient.decodeRecordResults(answer, keys: [
            (c1.bodyForm, "C1"), (RestliKey.candidate("C3", context: context).bodyForm, "C3"), (integration.bodyForm, "integration"),
            (RestliKey.candidate("C4", context: context).bodyForm, "C4"),
        ])
        #expect(results == ["C1": .accepted, "C3": .refused(status: 422, message: "bad"), "integration": .accepted, "C4": .missing])
        #expect(LinkedInClient.decodeMatchedMembers(answer, candidateIDs: ["C1", "C 2"], context: context)
                == ["C1": "urn:li:person:m1", "C 2": "urn:li:person:m2"])
        let batch = RestliBatchAnswer(answer)
        #expect(batch.entry(.results, simple: "urn:li:simpleJobPostingTask:9") != nil, "a simple key, percent-encoded")
        #expect(Set(batch.compoundKeys(.results)) == [c1, c2, integration])
    }
}
