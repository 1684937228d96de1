import Foundation
import RSCSandbox
import Testing

@Suite("LinkedIn call floor")
struct LinkedInCallFloorTests {
    static func event(_ event: String, _ type: String, _ id: String, relationships: String = "{}") -> [UInt8] {
        Array(#"{"event":"\#(event)","company_id":"x","data":{"id":"\#(id)","type":"\#(type)","attributes":{},"relationships":\#(relationships)}}"#.utf8)
    }

    @Test("100 records a call per resource, one call per parent and kind below it, per company; duplicates and stages add nothing")
    func counts() {
        var floor = LinkedInCallFloor()
        for id in 1...150 { floor.add(company: "A", value: Self.event("candidate.update", "candidates", "\(id)")) }
        floor.add(company: "A", value: Self.event("candidate.update", "candidates", "7"))  // again: same record
        for id in 1...3 { floor.add(company: "A", value: Self.event("job_application.update", "job-applications", "a\(id)")) }
        let onApplication = #"{"candidate":{"data":{"type":"candidates","id":"1"}},"job-application":{"data":{"type":"job-applications","id":"a1"}}}"#
        floor.add(company: "A", value: Self.event("comment.create", "comments", "c1", relationships: onApplication))
        floor.add(company: "A", value: Self.event("comment.create", "comments", "c2", relationships: onApplication))
        floor.add(company: "A", value: Self.event("interview.create", "interviews", "i1", relationships: onApplication))
        floor.add(company: "A", value: Self.event("candidate.destroy", "candidates", "99"))
        floor.add(company: "A", value: Self.event("stage.update", "stages", "s1"))
        floor.add(company: "B", value: Self.event("candidate.update", "candidates", "1"))
        floor.add(company: "B", value: Array("{not json".utf8))
        // A: candidates 2 batches, applications 1 batch + 3 stage calls, application notes 1, feedback 1, deletes 1;
        // B: 1.
        #expect(floor.calls == 2 + 1 + 3 + 1 + 1 + 1 + 1)
    }
}
