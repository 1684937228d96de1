/// What `/v1` serves of each resource, from Teamtailor's published material (docs/teamtailor-conformance.md
/// names the source of each line): the attributes, the relationships (links always; linkage `data` only when
/// included), what `include` may name, and the filters a list accepts.
// The store may hold more than is served (a note's application, a location's country code); only what is
// listed here leaves the simulator.
struct APISchema: Sendable {
    enum Cardinality: Sendable { case one, many }

    /// Published attributes, in the order the examples show them.
    var attributes: [String]
    var relationships: [(name: String, cardinality: Cardinality)]
    /// Relationships `include=` may name (the ones the simulator holds data for).
    var includable: Set<String>
    /// `filter[…]` names a list accepts (documented per list endpoint).
    var filters: Set<String>

    func cardinality(of relationship: String) -> Cardinality? {
        relationships.first { $0.name == relationship }?.cardinality
    }

    /// nil: the resource is not served at all (`interviews`: Teamtailor publishes no such endpoint).
    static func of(_ resource: SimulatedTeamtailorResource) -> APISchema? {
        switch resource {
        case .jobs: jobs
        case .candidates: candidates
        case .jobApplications: jobApplications
        case .stages: stages
        case .notes: notes
        case .users: users
        case .activities: activities
        case .locations: locations
        case .rejectReasons: rejectReasons
        case .interviews: nil
        }
    }

    private static func links(_ names: String...) -> [(name: String, cardinality: Cardinality)] {
        names.map { ($0, .one) }
    }

    /// Teamtailor/docs `jobs/_index`, `jobs/_list`; Airbyte's `jobs` stream (`updated-at`, `recruiter-email`).
    static let jobs = APISchema(
        attributes: [
            "apply-button-text", "body", "end-date", "human-status", "internal", "picture", "pinned", "start-date", "status",
            "title", "pitch", "tags", "external-application-url", "remote-status", "created-at", "updated-at",
            "recruiter-email", "language-code",
        ],
        relationships: [
            ("activities", .many), ("department", .one), ("role", .one), ("locations", .many), ("user", .one),
            ("questions", .many), ("candidates", .many), ("stages", .many), ("colleagues", .many), ("regions", .many),
        ],
        includable: ["user", "locations", "stages"],
        filters: ["filter[status]", "filter[feed]", "filter[department]", "filter[role]", "filter[locations]", "filter[regions]"])

    /// Teamtailor/docs `candidates/_index`, `candidates/_list` (filters).
    static let candidates = APISchema(
        attributes: [
            "connected", "created-at", "email", "facebook-id", "first-name", "internal", "last-name", "linkedin-uid",
            "linkedin-url", "phone", "picture", "pitch", "referring-site", "referring-url", "referred", "resume", "sourced",
            "unsubscribed", "updated-at", "facebook-profile", "linkedin-profile", "tags",
        ],
        relationships: [
            ("activities", .many), ("department", .one), ("role", .one), ("job-applications", .many), ("questions", .many),
            ("answers", .many), ("locations", .many), ("regions", .many), ("uploads", .many), ("custom-field-values", .many),
            ("partner-results", .many),
        ],
        includable: ["job-applications"],
        filters: [
            "filter[email]", "filter[department]", "filter[role]", "filter[locations]", "filter[regions]",
            "filter[created-at][from]", "filter[created-at][to]", "filter[updated-at][from]", "filter[updated-at][to]",
            "filter[connected]",
        ])

    /// Teamtailor/docs `job_applications/_index`, `job_applications/_list` (filters).
    static let jobApplications = APISchema(
        attributes: [
            "created-at", "cover-letter", "updated-at", "rejected-at", "referring-url", "referring-site", "sourced",
            "changed-stage-at",
        ],
        relationships: links("candidate", "job", "stage", "reject-reason"),
        includable: ["candidate", "job", "stage", "reject-reason"],
        filters: [
            "filter[stage-type]", "filter[created-at][from]", "filter[created-at][to]", "filter[updated-at][from]",
            "filter[updated-at][to]", "filter[changed-stage-at][from]", "filter[changed-stage-at][to]",
        ])

    /// Teamtailor/docs `stages/_index`; the current shape from Airbyte's `stages` stream: `legacy-stage-type-name`
    /// and a `stage-type` relationship (whose resource no source describes, so it is never included).
    static let stages = APISchema(
        attributes: ["created-at", "updated-at", "name", "legacy-stage-type-name", "row-order"],
        relationships: [("job-applications", .many), ("job", .one), ("triggers", .many), ("stage-type", .one)],
        includable: ["job"],
        filters: [])

    /// Teamtailor/docs `notes/_index` (attributes and relations; the list documents no filter).
    static let notes = APISchema(
        attributes: [
            "note", "user-id", "candidate-id", "created-by-trigger", "mentioned-user-ids", "private-note", "created-at",
            "updated-at",
        ],
        relationships: links("candidate", "user"),
        includable: ["candidate", "user"],
        filters: [])

    /// Teamtailor/docs `users/_index`, `users/_list` (filters).
    static let users = APISchema(
        attributes: ["email", "external-id", "login-email", "name", "role", "title", "username", "visible"],
        relationships: [("activities", .many), ("department", .one), ("location", .one), ("jobs", .many)],
        includable: [],
        filters: ["filter[email]", "filter[department]", "filter[external-id]"])

    /// Teamtailor/docs `activities/_index` (read only; listed through a candidate's `activities` relationship).
    static let activities = APISchema(
        attributes: ["code", "created-at", "data"],
        relationships: links("candidate", "job", "user"),
        includable: [],
        filters: [])

    /// Teamtailor/docs `locations/_index`.
    static let locations = APISchema(
        attributes: ["address", "city", "country", "email", "headquarters", "lat", "long", "name", "phone", "zip"],
        relationships: [],
        includable: [],
        filters: [])

    /// Teamtailor/docs `reject_reasons/_index`.
    static let rejectReasons = APISchema(
        attributes: ["reason", "rejected-by-company"],
        relationships: [("job-applications", .many)],
        includable: [],
        filters: [])
}
