import RSCChangeEvents

/// The Teamtailor resources the simulator stores, named by their JSON:API type (and URL segment).
public enum SimulatedTeamtailorResource: String, CaseIterable, Sendable, Codable {
    case jobs
    case candidates
    case jobApplications = "job-applications"
    case stages
    case interviews
    case notes
    case users
    case activities
    case locations
    case rejectReasons = "reject-reasons"

    /// The change topic's `data.type` and event prefix; users and activities publish no events.
    var changeEventNames: (type: String, prefix: String)? {
        switch self {
        case .jobs: ("jobs", "job")
        case .candidates: ("candidates", "candidate")
        case .jobApplications: ("job-applications", "job_application")
        case .stages: ("stages", "stage")
        case .interviews: ("interviews", "interview")
        // The API calls a candidate's comments `notes`; the contract's topic calls them `comments`.
        case .notes: ("comments", "comment")
        case .users, .activities, .locations, .rejectReasons: nil
        }
    }
}

/// A JSON:API to-one linkage: `{"data": {"type": …, "id": …}}`.
public struct SimulatedLink: Sendable, Hashable {
    public var resource: SimulatedTeamtailorResource
    public var id: Int

    public init(_ resource: SimulatedTeamtailorResource, _ id: Int) {
        self.resource = resource
        self.id = id
    }

    var json: JSONValue { .object(["data": identifier]) }

    /// `{"type", "id"}`.
    var identifier: JSONValue { .object(["type": .string(resource.rawValue), "id": .string(String(id))]) }
}

/// One stored Teamtailor record: the published attributes Teamtailor serves (kebab-case), to-one and to-many
/// links, and a few facts Teamtailor holds but does not serve (see `APISchema`, which decides what is served).
public struct SimulatedTeamtailorRecord: Sendable, Equatable {
    public let resource: SimulatedTeamtailorResource
    public let id: Int
    public var attributes: [String: JSONValue]
    /// nil values are links that exist but point nowhere (`{"data": null}`).
    public var relationships: [String: SimulatedLink?]
    /// To-many links the store keeps (a job's `locations`).
    public var toMany: [String: [SimulatedLink]] = [:]

    /// `updated-at` as a date, kept beside the text so `filter[updated-at][from]` never parses.
    public var updatedAt: Double

    public func link(_ name: String) -> SimulatedLink? { relationships[name] ?? nil }

    /// Everything stored, for the inspection API (not what `/v1` serves: see `APIRepresentation`).
    var json: JSONValue {
        .object([
            "id": .string(String(id)), "type": .string(resource.rawValue),
            "attributes": .object(attributes),
            "relationships": .object(relationships.mapValues { $0?.json ?? .object(["data": .null]) }.merging(
                toMany.mapValues { links in .object(["data": .array(links.map { $0.identifier })]) }) { first, _ in first }),
        ])
    }
}
