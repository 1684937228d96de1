import Testing

/// Messages for the contract tests: realistic valid ones per type, and invalid ones each made from a valid
/// message by one edit, with the path and rule the violation must name. Shared with the reference cross-check.
struct ContractVector: Sendable, CustomTestStringConvertible {
    var name: String
    var json: String
    /// nil for a valid vector.
    var expected: (path: String, rule: String)?
    /// The valid message an invalid vector was edited from; the edit must have changed something.
    var editedFrom: String?

    var isValid: Bool { expected == nil }
    var testDescription: String { name }
}

enum ContractVectors {
    // MARK: valid messages, one create/update per type with Unicode text, and destroys

    static let jobCreate = #"""
    {"event_id":"0b6f6f0e-3c1e-4c59-9a55-1f2b3c4d5e01","event":"job.create","company_id":"1842",
     "occurred_at":"2026-11-27T10:15:02.123Z","version":1764238502123456,
     "data":{"id":"5521","type":"jobs",
      "attributes":{"title":"Backend-utvecklare – Göteborg","body":"<p>Vi söker en utvecklare som älskar Swift. 🚀</p>",
       "status":"open","internal":false,"remote-status":"hybrid",
       "apply-url":"https://career.example.com/jobs/5521-backend-utvecklare",
       "created-at":"2026-11-20T08:00:00Z","updated-at":"2026-11-27T10:15:02.123Z",
       "location":{"city":"Göteborg","region":"Västra Götaland","country-code":"SE","postal-code":"411 03"},
       "recruiter":{"email":"bjorn.ostergard@example.com","first-name":"Björn","last-name":"Östergård"}},
      "relationships":{}}}
    """#

    static let jobUpdate = #"""
    {"event_id":"0b6f6f0e-3c1e-4c59-9a55-1f2b3c4d5e02","event":"job.update","company_id":"1842",
     "occurred_at":"2026-11-28T07:00:00Z","version":1764313200000000,
     "data":{"id":"5522","type":"jobs",
      "attributes":{"title":"Kök & servering – Malmö","status":"unlisted","internal":true,"remote-status":"none",
       "location":null,"recruiter":null,"pinned":true,"department-name":"Restaurang"}}}
    """#

    static let candidateCreate = #"""
    {"event_id":"5f0c2a52-8d3e-4a57-9d49-3c1c1f0e7b11","event":"candidate.create","company_id":"1842",
     "occurred_at":"2026-11-27T10:15:02.123Z","version":1764238502123456,
     "data":{"id":"90211","type":"candidates",
      "attributes":{"first-name":"Åsa","last-name":"Lindqvist","email":"asa@example.com","phone":"+46 70 123 45 67",
       "linkedin-url":"https://www.linkedin.com/in/asa-lindqvist","linkedin-uid":"ACoAAB1x2y3",
       "sourced":true,"unsubscribed":false,"tags":["Swift","Göteborg","återkom"],
       "created-at":"2026-11-27T10:15:02.123Z","updated-at":"2026-11-27T10:15:02.123Z"},
      "relationships":{}}}
    """#

    /// No name and no email: valid by the contract (the candidate is "not matched", not dead-lettered).
    static let candidateUpdateWithoutIdentity = #"""
    {"event_id":"5f0c2a52-8d3e-4a57-9d49-3c1c1f0e7b12","event":"candidate.update","company_id":"77",
     "occurred_at":"2026-11-27T10:16:00Z","version":2,
     "data":{"id":"90212","type":"candidates","attributes":{"phone":"+47 912 34 567","tags":[],"unsubscribed":true}}}
    """#

    static let applicationCreate = #"""
    {"event_id":"a1b2c3d4-0000-4000-8000-000000000001","event":"job_application.create","company_id":"1842",
     "occurred_at":"2026-11-27T10:20:00.5Z","version":1764238800500000,
     "data":{"id":"330017","type":"job-applications",
      "attributes":{"created-at":"2026-11-27T10:20:00.5Z","updated-at":"2026-11-27T10:20:00.5Z",
       "changed-stage-at":"2026-11-27T10:20:00.5Z","rejected-at":null,"reject-reason":null,"sourced":false,
       "referring-site":"linkedin.com"},
      "relationships":{"candidate":{"data":{"type":"candidates","id":"90211"}},
       "job":{"data":{"type":"jobs","id":"5521"}},"stage":{"data":{"type":"stages","id":"7001"}}}}}
    """#

    static let applicationRejected = #"""
    {"event_id":"a1b2c3d4-0000-4000-8000-000000000002","event":"job_application.update","company_id":"1842",
     "occurred_at":"2026-12-02T14:00:00Z","version":1764684000000000,
     "data":{"id":"330017","type":"job-applications",
      "attributes":{"created-at":"2026-11-27T10:20:00.5Z","updated-at":"2026-12-02T14:00:00Z",
       "changed-stage-at":"2026-12-01T09:00:00Z","rejected-at":"2026-12-02T14:00:00Z",
       "reject-reason":"Vi gick vidare med en kandidat med mer erfarenhet – tack för din tid!","sourced":false,
       "referring-site":null},
      "relationships":{"candidate":{"data":{"type":"candidates","id":"90211"},"links":{"related":"/candidates/90211"}},
       "job":{"data":{"type":"jobs","id":"5521"}},"stage":{"data":{"type":"stages","id":"7003"}}}}}
    """#

    static let stageCreate = #"""
    {"event_id":"c0ffee00-0000-4000-8000-000000000001","event":"stage.create","company_id":"1842",
     "occurred_at":"2026-11-20T08:00:01Z","version":1763625601000000,
     "data":{"id":"7002","type":"stages","attributes":{"name":"Intervju 1 – tekniskt samtal","stage-type":"In process","row-order":2},
      "relationships":{"job":{"data":{"type":"jobs","id":"5521"}}}}}
    """#

    static let stageUpdate = #"""
    {"event_id":"c0ffee00-0000-4000-8000-000000000002","event":"stage.update","company_id":"1842",
     "occurred_at":"2026-11-21T08:00:01Z","version":1763712001000000,
     "data":{"id":"7003","type":"stages","attributes":{"name":"Anställd 🎉","stage-type":"Hired","row-order":-1},
      "relationships":{"job":{"data":{"type":"jobs","id":"5521"}}}}}
    """#

    static let interviewCreate = #"""
    {"event_id":"d00d0000-0000-4000-8000-000000000001","event":"interview.create","company_id":"1842",
     "occurred_at":"2026-11-30T15:45:00Z","version":1764517500000000,
     "data":{"id":"4410","type":"interviews",
      "attributes":{"created-at":"2026-11-30T15:45:00Z","updated-at":"2026-11-30T15:45:00Z",
       "note":"Mycket god kommunikation; förklarade Swift Concurrency tydligt. Rekommenderas.",
       "scores":[{"criterion":"Communication","value":4,"max":5},{"criterion":"Problemlösning","value":5,"max":5}],
       "recommendation":"strong_yes",
       "interviewer":{"email":"zoe.nakamura@example.com","first-name":"Zoë","last-name":"中村"}},
      "relationships":{"candidate":{"data":{"type":"candidates","id":"90211"}},
       "job-application":{"data":{"type":"job-applications","id":"330017"}}}}}
    """#

    static let interviewUpdate = #"""
    {"event_id":"d00d0000-0000-4000-8000-000000000002","event":"interview.update","company_id":"1842",
     "occurred_at":"2026-11-30T16:00:00Z","version":1764518400000000,
     "data":{"id":"4410","type":"interviews",
      "attributes":{"note":"Ändrad: inväntar referenser.","scores":[],"recommendation":null},
      "relationships":{"candidate":{"data":{"type":"candidates","id":"90211"}},
       "job-application":{"data":{"type":"job-applications","id":"330017"}}}}}
    """#

    static let commentCreate = #"""
    {"event_id":"e0e0e0e0-0000-4000-8000-000000000001","event":"comment.create","company_id":"1842",
     "occurred_at":"2026-11-27T11:00:00Z","version":1764241200000000,
     "data":{"id":"8801","type":"comments",
      "attributes":{"body":"Ring tillbaka på måndag 📞 – hon föredrar förmiddagar.","private":false,
       "created-at":"2026-11-27T11:00:00Z","updated-at":"2026-11-27T11:00:00Z",
       "author":{"email":"bjorn.ostergard@example.com","first-name":"Björn","last-name":"Östergård"}},
      "relationships":{"candidate":{"data":{"type":"candidates","id":"90211"}},"job-application":{"data":null}}}}
    """#

    /// `private` and the job-application linkage are both absent: optional, so null.
    static let commentUpdate = #"""
    {"event_id":"e0e0e0e0-0000-4000-8000-000000000002","event":"comment.update","company_id":"1842",
     "occurred_at":"2026-11-27T11:05:00Z","version":1764241500000000,
     "data":{"id":"8802","type":"comments","attributes":{"body":"Følg opp med Ørjan."},
      "relationships":{"candidate":{"data":{"type":"candidates","id":"90211"}}}}}
    """#

    static func destroy(_ event: String, _ type: String, id: String = "1") -> String {
        #"{"event_id":"f0000000-0000-4000-8000-0000000000ff","event":"\#(event)","company_id":"1842","occurred_at":"2026-12-01T00:00:00Z","version":1764547200000000,"data":{"id":"\#(id)","type":"\#(type)"}}"#
    }

    /// Every destroy, by `data.type`.
    static let destroys: [(type: String, event: String)] = [
        ("jobs", "job.destroy"), ("candidates", "candidate.destroy"), ("job-applications", "job_application.destroy"),
        ("stages", "stage.destroy"), ("interviews", "interview.destroy"), ("comments", "comment.destroy"),
    ]

    static let valid: [ContractVector] = [
        .init(name: "job create", json: jobCreate),
        .init(name: "job update with null location and recruiter and unknown keys", json: jobUpdate),
        .init(name: "candidate create", json: candidateCreate),
        .init(name: "candidate update without name or email", json: candidateUpdateWithoutIdentity),
        .init(name: "job application create", json: applicationCreate),
        .init(name: "job application rejected, linkage with links", json: applicationRejected),
        .init(name: "stage create", json: stageCreate),
        .init(name: "stage update", json: stageUpdate),
        .init(name: "interview create", json: interviewCreate),
        .init(name: "interview update with null recommendation", json: interviewUpdate),
        .init(name: "comment create with null job application", json: commentCreate),
        .init(name: "comment update without private or job application", json: commentUpdate),
        // Teamtailor leaves members of nested objects empty too (the contract: "every member … may be null or absent").
        .init(name: "job location without region or postal code, recruiter without email or last name", json: edit(edit(
            jobCreate,
            #""location":{"city":"Göteborg","region":"Västra Götaland","country-code":"SE","postal-code":"411 03"}"#,
            #""location":{"city":"Göteborg","region":null,"country-code":"SE"}"#),
            #""recruiter":{"email":"bjorn.ostergard@example.com","first-name":"Björn","last-name":"Östergård"}"#,
            #""recruiter":{"email":null,"first-name":"Björn"}"#)),
        .init(name: "interview scores with a null value and a missing max, interviewer with null names", json: edit(edit(
            interviewCreate,
            #"{"criterion":"Communication","value":4,"max":5}"#, #"{"criterion":"Communication","value":null}"#),
            #""first-name":"Zoë","last-name":"中村""#, #""first-name":null,"last-name":null"#)),
        .init(name: "version written 1.0 is an integer in JSON Schema", json: edit(candidateUpdateWithoutIdentity, #""version":2"#, #""version":2.0"#)),
        .init(name: "largest int64 version", json: edit(candidateCreate, "1764238502123456", "9223372036854775807")),
        .init(name: "occurred_at without fractional seconds", json: edit(jobCreate, "2026-11-27T10:15:02.123Z\",\"version", "2026-11-27T10:15:02Z\",\"version")),
        .init(name: "occurred_at on a leap day", json: edit(jobCreate, "2026-11-27T10:15:02.123Z\",\"version", "2028-02-29T23:59:59.999999Z\",\"version")),
        // Decided in schemas/kafka/README.md: surplus attributes on a destroy are ignored, not dead-lettered.
        .init(name: "destroy carrying attributes and relationships", json: #"{"event_id":"x1","event":"candidate.destroy","company_id":"1842","occurred_at":"2026-12-01T00:00:00Z","version":3,"data":{"id":"90211","type":"candidates","attributes":{"first-name":"Åsa","internal":"not checked"},"relationships":{}}}"#),
        .init(name: "destroy with null attributes", json: #"{"event_id":"x2","event":"job.destroy","company_id":"1842","occurred_at":"2026-12-01T00:00:00Z","version":3,"data":{"id":"5521","type":"jobs","attributes":null}}"#),
    ] + destroys.map { .init(name: "\($0.type) destroy", json: destroy($0.event, $0.type)) }

    // MARK: invalid messages: one edit each, and where the violation must be reported

    static let invalid: [ContractVector] = [
        broken("missing version", candidateCreate, #""version":1764238502123456,"#, "", at: "version", "required"),
        broken("version 0", candidateCreate, "1764238502123456", "0", at: "version", "minimum"),
        broken("negative version", candidateCreate, "1764238502123456", "-5", at: "version", "minimum"),
        broken("version as a string", candidateCreate, "1764238502123456", #""1764238502123456""#, at: "version", "type"),
        broken("version with a fraction", candidateCreate, "1764238502123456", "1764238502.5", at: "version", "type"),
        broken("version beyond int64", candidateCreate, "1764238502123456", "9223372036854775808", at: "version", "maximum"),
        broken("missing event_id", candidateCreate, #""event_id":"5f0c2a52-8d3e-4a57-9d49-3c1c1f0e7b11","#, "", at: "event_id", "required"),
        broken("empty company_id", candidateCreate, #""company_id":"1842""#, #""company_id":"""#, at: "company_id", "minLength"),
        broken("company_id as a number", candidateCreate, #""company_id":"1842""#, #""company_id":1842"#, at: "company_id", "type"),
        broken("occurred_at not RFC 3339", jobCreate, #""occurred_at":"2026-11-27T10:15:02.123Z""#, #""occurred_at":"27/11/2026 10:15""#, at: "occurred_at", "pattern"),
        broken("occurred_at with an offset, not UTC", jobCreate, #""occurred_at":"2026-11-27T10:15:02.123Z""#, #""occurred_at":"2026-11-27T11:15:02.123+01:00""#, at: "occurred_at", "pattern"),
        broken("occurred_at with a space for T", jobCreate, #""occurred_at":"2026-11-27T10:15:02.123Z""#, #""occurred_at":"2026-11-27 10:15:02.123Z""#, at: "occurred_at", "pattern"),
        broken("occurred_at in lower case", jobCreate, #""occurred_at":"2026-11-27T10:15:02.123Z""#, #""occurred_at":"2026-11-27t10:15:02.123z""#, at: "occurred_at", "pattern"),
        broken("occurred_at on 30 February", jobCreate, #""occurred_at":"2026-11-27T10:15:02.123Z""#, #""occurred_at":"2026-02-30T10:15:02Z""#, at: "occurred_at", "format"),
        broken("occurred_at at hour 24", jobCreate, #""occurred_at":"2026-11-27T10:15:02.123Z""#, #""occurred_at":"2026-11-27T24:00:00Z""#, at: "occurred_at", "format"),
        broken("unknown event for the type", candidateCreate, #""event":"candidate.create""#, #""event":"candidate.merge""#, at: "event", "enum"),
        broken("event of another type than data.type", candidateCreate, #""event":"candidate.create""#, #""event":"job.create""#, at: "event", "enum"),
        broken("unknown data.type", candidateCreate, #""type":"candidates""#, #""type":"users""#, at: "data.type", "enum"),
        broken("missing data.id", candidateCreate, #""id":"90211","#, "", at: "data.id", "required"),
        broken("empty data.id", candidateCreate, #""id":"90211""#, #""id":"""#, at: "data.id", "minLength"),
        broken("create without attributes", stageCreate, #""attributes":{"name":"Intervju 1 – tekniskt samtal","stage-type":"In process","row-order":2},"#, "", at: "data.attributes", "required"),
        broken("relationships not an object", candidateCreate, #""relationships":{}"#, #""relationships":[]"#, at: "data.relationships", "type"),
        broken("job status not in the enum", jobCreate, #""status":"open""#, #""status":"closed""#, at: "data.attributes.status", "enum"),
        broken("job internal as a string", jobCreate, #""internal":false"#, #""internal":"false""#, at: "data.attributes.internal", "type"),
        broken("job internal as 1", jobCreate, #""internal":false"#, #""internal":1"#, at: "data.attributes.internal", "type"),
        broken("job remote-status not in the enum", jobCreate, #""remote-status":"hybrid""#, #""remote-status":"remote""#, at: "data.attributes.remote-status", "enum"),
        broken("job location as a string", jobCreate, #""location":{"city":"Göteborg","region":"Västra Götaland","country-code":"SE","postal-code":"411 03"}"#, #""location":"Göteborg""#, at: "data.attributes.location", "type"),
        broken("job location city as a number", jobCreate, #""city":"Göteborg""#, #""city":411"#, at: "data.attributes.location.city", "type"),
        broken("job recruiter as an array", jobCreate, #""recruiter":{"email":"bjorn.ostergard@example.com","first-name":"Björn","last-name":"Östergård"}"#, #""recruiter":[]"#, at: "data.attributes.recruiter", "type"),
        broken("job created-at not UTC", jobCreate, #""created-at":"2026-11-20T08:00:00Z""#, #""created-at":"2026-11-20T09:00:00+01:00""#, at: "data.attributes.created-at", "pattern"),
        broken("job title a number", jobCreate, #""title":"Backend-utvecklare – Göteborg""#, #""title":42"#, at: "data.attributes.title", "type"),
        broken("candidate tag not a string", candidateCreate, #""tags":["Swift","Göteborg","återkom"]"#, #""tags":["Swift",42]"#, at: "data.attributes.tags[1]", "type"),
        broken("candidate unsubscribed as a string", candidateCreate, #""unsubscribed":false"#, #""unsubscribed":"no""#, at: "data.attributes.unsubscribed", "type"),
        broken("application rejected-at not a timestamp", applicationRejected, #""rejected-at":"2026-12-02T14:00:00Z""#, #""rejected-at":"yesterday""#, at: "data.attributes.rejected-at", "pattern"),
        broken("application rejected-at as a number", applicationRejected, #""rejected-at":"2026-12-02T14:00:00Z""#, #""rejected-at":1764684000"#, at: "data.attributes.rejected-at", "type"),
        broken("application without a stage relationship", applicationCreate, #","stage":{"data":{"type":"stages","id":"7001"}}"#, "", at: "data.relationships.stage", "required"),
        broken("application without relationships", applicationCreate, #""relationships":{"candidate""#, #""links":{"candidate""#, at: "data.relationships", "required"),
        broken("application candidate linkage null (not nullable)", applicationCreate, #""candidate":{"data":{"type":"candidates","id":"90211"}}"#, #""candidate":{"data":null}"#, at: "data.relationships.candidate.data", "type"),
        broken("relationship linkage with a number id", applicationCreate, #""candidate":{"data":{"type":"candidates","id":"90211"}}"#, #""candidate":{"data":{"type":"candidates","id":90211}}"#, at: "data.relationships.candidate.data.id", "type"),
        broken("relationship linkage to the wrong type", applicationCreate, #""job":{"data":{"type":"jobs","id":"5521"}}"#, #""job":{"data":{"type":"stages","id":"5521"}}"#, at: "data.relationships.job.data.type", "const"),
        broken("relationship without data", applicationCreate, #""job":{"data":{"type":"jobs","id":"5521"}}"#, #""job":{"links":{"related":"/jobs/5521"}}"#, at: "data.relationships.job.data", "required"),
        broken("stage-type in the wrong case", stageCreate, #""stage-type":"In process""#, #""stage-type":"in process""#, at: "data.attributes.stage-type", "enum"),
        broken("stage row-order not an integer", stageCreate, #""row-order":2"#, #""row-order":2.5"#, at: "data.attributes.row-order", "type"),
        broken("stage without its job", stageCreate, #""relationships":{"job":{"data":{"type":"jobs","id":"5521"}}}"#, #""relationships":{}"#, at: "data.relationships.job", "required"),
        broken("scores item value as a string", interviewCreate, #""criterion":"Problemlösning","value":5"#, #""criterion":"Problemlösning","value":"5""#, at: "data.attributes.scores[1].value", "type"),
        broken("scores not an array", interviewCreate, #""scores":[{"criterion":"Communication","value":4,"max":5},{"criterion":"Problemlösning","value":5,"max":5}]"#, #""scores":{}"#, at: "data.attributes.scores", "type"),
        broken("recommendation not in the enum", interviewCreate, #""recommendation":"strong_yes""#, #""recommendation":"maybe""#, at: "data.attributes.recommendation", "enum"),
        broken("interview job-application linkage null", interviewCreate, #""job-application":{"data":{"type":"job-applications","id":"330017"}}"#, #""job-application":{"data":null}"#, at: "data.relationships.job-application.data", "type"),
        broken("comment private not a bool", commentCreate, #""private":false"#, #""private":"yes""#, at: "data.attributes.private", "type"),
        broken("comment without a candidate", commentCreate, #""candidate":{"data":{"type":"candidates","id":"90211"}},"#, "", at: "data.relationships.candidate", "required"),
        broken("comment job-application linkage with the wrong type", commentCreate, #""job-application":{"data":null}"#, #""job-application":{"data":{"type":"jobs","id":"5521"}}"#, at: "data.relationships.job-application.data.type", "const"),
        broken("destroy with an empty id", destroy("job.destroy", "jobs"), #""id":"1""#, #""id":"""#, at: "data.id", "minLength"),
        broken("destroy whose event belongs to another type", destroy("job.destroy", "jobs"), #""type":"jobs""#, #""type":"stages""#, at: "event", "enum"),
        broken("destroy with attributes that are not an object", destroy("job.destroy", "jobs"), #""type":"jobs"}"#, #""type":"jobs","attributes":"gone"}"#, at: "data.attributes", "type"),
        broken("message not an object", candidateCreate, candidateCreate, "[1]", at: "", "type"),
    ]

    /// Personal data in every wrong place: no violation message or path may repeat it.
    static let personalDataMarkers = ["asa.lindqvist", "example.com", "Lindqvist", "Åsa"]
    static let leakingValues: [ContractVector] = [
        broken("email as occurred_at", candidateCreate, #""occurred_at":"2026-11-27T10:15:02.123Z""#, #""occurred_at":"asa.lindqvist@example.com""#, at: "occurred_at", "pattern"),
        broken("name as version", candidateCreate, "1764238502123456", #""Åsa Lindqvist""#, at: "version", "type"),
        broken("email as event", candidateCreate, #""event":"candidate.create""#, #""event":"asa.lindqvist@example.com""#, at: "event", "enum"),
        broken("name as data.type", candidateCreate, #""type":"candidates""#, #""type":"Åsa Lindqvist""#, at: "data.type", "enum"),
        broken("email as company_id object", candidateCreate, #""company_id":"1842""#, #""company_id":{"email":"asa.lindqvist@example.com"}"#, at: "company_id", "type"),
        broken("name as first-name number", candidateCreate, #""first-name":"Åsa""#, #""first-name":["Åsa","Lindqvist"]"#, at: "data.attributes.first-name", "type"),
        broken("email as job status", jobCreate, #""status":"open""#, #""status":"asa.lindqvist@example.com""#, at: "data.attributes.status", "enum"),
        broken("name as internal", jobCreate, #""internal":false"#, #""internal":"Åsa Lindqvist""#, at: "data.attributes.internal", "type"),
        broken("email as recruiter", jobCreate, #""recruiter":{"email":"bjorn.ostergard@example.com","first-name":"Björn","last-name":"Östergård"}"#, #""recruiter":"asa.lindqvist@example.com""#, at: "data.attributes.recruiter", "type"),
        broken("email as rejected-at", applicationRejected, #""rejected-at":"2026-12-02T14:00:00Z""#, #""rejected-at":"asa.lindqvist@example.com""#, at: "data.attributes.rejected-at", "pattern"),
        broken("name as linkage type", applicationCreate, #""type":"candidates","id":"90211""#, #""type":"Åsa Lindqvist","id":"90211""#, at: "data.relationships.candidate.data.type", "const"),
        broken("email as recommendation", interviewCreate, #""recommendation":"strong_yes""#, #""recommendation":"asa.lindqvist@example.com""#, at: "data.attributes.recommendation", "enum"),
        broken("name as stage-type", stageCreate, #""stage-type":"In process""#, #""stage-type":"Åsa Lindqvist""#, at: "data.attributes.stage-type", "enum"),
    ]

    static func edit(_ base: String, _ original: String, _ replacement: String) -> String {
        base.replacingOccurrences(of: original, with: replacement)
    }

    static func broken(_ name: String, _ base: String, _ original: String, _ replacement: String, at path: String, _ rule: String) -> ContractVector {
        ContractVector(name: name, json: edit(base, original, replacement), expected: (path, rule), editedFrom: base)
    }
}
