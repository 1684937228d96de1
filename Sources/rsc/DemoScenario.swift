import Foundation
import RSCChangeEvents

/// A small, realistic set of Teamtailor changes for the demo: Unicode names, a candidate without an email,
/// a stage move, a rejection, a private comment, a destroy, a duplicate, an out-of-order version, a poison
/// message and an event of a company that is not connected.
enum DemoScenario {
    static let companies = [("1842", "urn:li:organization:1842"), ("2077", "urn:li:organization:2077")]

    struct Message {
        var topic: String
        var key: String
        var event: String
        var value: String
    }

    /// Entities the worker should end up storing (the poison message and the unknown company's are dead letters).
    static let expectedEntities = 12

    static func messages() -> [Message] {
        var messages: [Message] = []
        var version: Int64 = 1_795_774_502_000_000
        func add(_ topic: ChangeTopic, _ company: String, _ event: String, _ id: String, _ attributes: String,
                 _ relationships: String = "{}", version explicit: Int64? = nil) {
            version += 1
            let value = """
                {"event_id":"\(UUID().uuidString)","event":"\(event)","company_id":"\(company)","occurred_at":"\(RFC3339.format(Date()))",\
                "version":\(explicit ?? version),"data":{"id":"\(id)","type":"\(topic.resourceType)","attributes":\(attributes),"relationships":\(relationships)}}
                """
            messages.append(Message(topic: topic.rawValue, key: company, event: event, value: value))
        }
        func link(_ type: String, _ id: String) -> String { #"{"data":{"type":"\#(type)","id":"\#(id)"}}"# }

        for company in ["1842", "2077"] {
            add(.jobs, company, "job.create", "j-1", #"{"title":"Backend Engineer (Swift)","status":"open","internal":false,"body":"<p>Build the integration.</p>"}"#)
            add(.stages, company, "stage.create", "s-1", #"{"name":"Inbox","stage-type":"Inbox","row-order":0}"#, #"{"job":\#(link("jobs", "j-1"))}"#)
            add(.stages, company, "stage.create", "s-2", #"{"name":"Phone screen","stage-type":"In process","row-order":1}"#, #"{"job":\#(link("jobs", "j-1"))}"#)
        }
        // An application that arrives before its candidate (no ordering across topics).
        add(.jobApplications, "1842", "job_application.create", "a-1", #"{"sourced":false,"rejected-at":null}"#,
            #"{"candidate":\#(link("candidates", "c-1")),"job":\#(link("jobs", "j-1")),"stage":\#(link("stages", "s-1"))}"#)
        add(.candidates, "1842", "candidate.create", "c-1", #"{"first-name":"Åsa","last-name":"Lindqvist","email":"asa@example.com"}"#)
        let renamed = version + 10
        add(.candidates, "1842", "candidate.update", "c-1", #"{"first-name":"Åsa-Maria","last-name":"Lindqvist","email":"asa@example.com"}"#, version: renamed)
        add(.candidates, "1842", "candidate.update", "c-1", #"{"first-name":"Asa","last-name":"Lindqvist","email":"asa@example.com"}"#, version: renamed - 5)
        add(.candidates, "1842", "candidate.create", "c-2", #"{"first-name":"李","last-name":"小龙","email":null}"#)
        add(.jobApplications, "1842", "job_application.update", "a-1",
            #"{"sourced":false,"rejected-at":"2026-11-27T11:00:00Z","reject-reason":"Position filled"}"#,
            #"{"candidate":\#(link("candidates", "c-1")),"job":\#(link("jobs", "j-1")),"stage":\#(link("stages", "s-2"))}"#)
        add(.comments, "1842", "comment.create", "m-1", #"{"body":"Strong Swift background.","private":false}"#, #"{"candidate":\#(link("candidates", "c-1"))}"#)
        add(.comments, "2077", "comment.create", "m-2", #"{"body":"Salary expectations noted.","private":true}"#)
        add(.candidates, "2077", "candidate.create", "c-9", #"{"first-name":"Zoë","last-name":"Ødegård","email":"zoe@example.org"}"#)
        add(.candidates, "2077", "candidate.destroy", "c-9", "{}")
        messages.append(messages[messages.count - 1])  // a duplicate delivery
        messages.append(Message(topic: ChangeTopic.jobs.rawValue, key: "1842", event: "job.update", value: #"{"event_id": "broken"#))
        add(.jobs, "9999", "job.create", "j-x", #"{"title":"Unknown company","status":"open"}"#)
        return messages
    }
}
