import Foundation
import RSCChangeEvents
import RSCLinkedInClient
import RSCLinkedInMapping
import Testing

/// Every LinkedIn request shape the outbound sync sends, pinned byte for byte in `Golden/`.
/// After a deliberate change, regenerate with `RSC_UPDATE_GOLDEN=1 swift test --filter GoldenRequestTests`
/// and review the diff against LinkedIn's reference before committing.
@Suite("golden LinkedIn requests")
struct GoldenRequestTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    let context = Fixtures.settings.organizationURN

    func body(_ key: LinkedInRecordKey) throws -> JSONValue {
        guard case .upsert(let body) = Fixtures.builder.plan(key, lookup: Fixtures.lookup, previouslySent: false) else {
            throw GoldenError.notAnUpsert(key.description)
        }
        return body
    }

    func check(_ name: String, _ request: LinkedInRequest) throws {
        let file = Self.directory.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["RSC_UPDATE_GOLDEN"] == "1" {
            try request.goldenText.write(to: file, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: file, encoding: .utf8)
        #expect(request.goldenText == golden, "\(name) differs from Golden/\(name).txt")
    }

    @Test("a job posting: batch_create with integration context, availability and requisition owner")
    func jobPosting() throws {
        try check("simpleJobPostings-batch_create", LinkedInRequests.createJobPostings([try body(LinkedInRecordKey(.jobPosting, "j-7"))]))
    }

    @Test("a candidate: batch_update with the compound key in query and body")
    func candidate() throws {
        try check("atsCandidates-batch_update", LinkedInRequests.upsertCandidates([("c-90211", try body(LinkedInRecordKey(.candidate, "c-90211")))], context: context))
    }

    @Test("an application: the whole record, joining the candidate's name and email and the job's title")
    func application() throws {
        try check("atsApplications-batch_update", LinkedInRequests.upsertApplications([("a-555", try body(LinkedInRecordKey(.application, "a-555")))], context: context))
    }

    @Test("stages: one record per stage entered, plus Rejected")
    func stages() throws {
        let records = try ["s-1", "s-2", LinkedInRecordKey.rejectedStageID].map { id in
            (id: id, body: try body(LinkedInRecordKey(.applicationStage, id, parent: "a-555")))
        }
        try check("atsApplications-stages-batch_update", LinkedInRequests.upsertSubRecords(.stages, parentID: "a-555", records: records, context: context))
    }

    @Test("interview feedback: scores as value/max, the recommendation as one more evaluation")
    func feedback() throws {
        try check("atsApplications-interviewFeedback-batch_update", LinkedInRequests.upsertSubRecords(
            .interviewFeedback, parentID: "a-555", records: [("i-3", try body(LinkedInRecordKey(.interviewFeedback, "i-3", parent: "a-555")))], context: context
        ))
    }

    @Test("notes under an application and under a candidate")
    func notes() throws {
        try check("atsApplications-notes-batch_update", LinkedInRequests.upsertSubRecords(
            .applicationNotes, parentID: "a-555", records: [("m-1", try body(LinkedInRecordKey(.applicationNote, "m-1", parent: "a-555")))], context: context
        ))
        try check("atsCandidates-notes-batch_update", LinkedInRequests.upsertSubRecords(
            .candidateNotes, parentID: "c-90211", records: [("m-2", try body(LinkedInRecordKey(.candidateNote, "m-2", parent: "c-90211")))], context: context
        ))
    }

    @Test("deletes, the matched-member read-back, the manual link and task polling")
    func others() throws {
        try check("atsCandidates-delete", LinkedInRequests.deleteCandidates(["c-90211", "c-2"], context: context))
        try check("atsApplications-delete", LinkedInRequests.deleteApplications(["a-555"], context: context))
        try check("atsApplications-stages-delete", LinkedInRequests.deleteSubRecords(.stages, parentID: "a-555", ids: ["rejected"], context: context))
        try check("atsCandidates-matchedMembers", LinkedInRequests.matchedMembers(["c-90211"], context: context))
        try check("atsCandidates-manualMatchedMember", LinkedInRequests.linkMember(candidateID: "c-90211", person: "urn:li:person:abc123", context: context))
        try check("simpleJobPostingTasks-get", LinkedInRequests.jobPostingTasks(["urn:li:simpleJobPostingTask:1"]))
    }
}

enum GoldenError: Error {
    case notAnUpsert(String)
}
