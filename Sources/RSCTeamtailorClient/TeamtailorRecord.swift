import RSCChangeEvents

/// The Teamtailor collections read page by page for a company's first global sync.
public enum TeamtailorResource: String, CaseIterable, Sendable, Codable {
    case jobs
    case candidates
    case jobApplications = "job-applications"
    case stages
    case interviews
    /// The candidate comments (the change topics call them `comments`).
    case notes
    case users

    /// Teamtailor documents `filter[updated-at][from]` on these; the others are small and read whole.
    public var filtersByUpdatedAt: Bool {
        switch self {
        case .jobs, .candidates, .jobApplications: true
        case .stages, .interviews, .notes, .users: false
        }
    }
}

/// One JSON:API resource object as Teamtailor served it: kebab-case attributes, to-one linkages.
public struct TeamtailorRecord: Sendable, Equatable {
    public var id: String
    public var type: String
    public var attributes: [String: JSONValue]
    /// `{"candidate": {"data": {"type": "candidates", "id": "12"}}}`, as served.
    public var relationships: [String: JSONValue]

    public init(id: String, type: String, attributes: [String: JSONValue] = [:], relationships: [String: JSONValue] = [:]) {
        self.id = id
        self.type = type
        self.attributes = attributes
        self.relationships = relationships
    }

    /// The id a to-one relationship points at; nil when absent or `{"data": null}`.
    public func relatedID(_ name: String) -> String? {
        relationships[name]?["data"]?["id"]?.stringValue
    }

    /// Reads `{"id", "type", "attributes"?, "relationships"?}`; nil when it is not a resource object.
    init?(_ json: JSONValue) {
        guard let id = json["id"]?.stringValue, let type = json["type"]?.stringValue else { return nil }
        self.id = id
        self.type = type
        if case .object(let attributes)? = json["attributes"] { self.attributes = attributes } else { attributes = [:] }
        if case .object(let links)? = json["relationships"] { relationships = links } else { relationships = [:] }
    }
}

/// A user of the company's Teamtailor account: who notes and exports are credited to.
public struct TeamtailorUser: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var email: String?
}

/// Where a paged read continues: the opaque `links.next` URL Teamtailor gave, stored as a plain string so a
/// sync can persist it and resume after a crash.
public struct PageCursor: Sendable, Hashable, Codable, RawRepresentable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The URL holds filters (an email, a date) and paging, never the key; still, logs name only the resource.
    public var description: String { rawValue }
}

/// One page of a collection.
public struct TeamtailorPage: Sendable, Equatable {
    public var records: [TeamtailorRecord]
    /// Absent on the last page.
    public var next: PageCursor?
    /// `meta.record-count`: records in the whole (filtered) collection.
    public var total: Int?
}

/// What the last answer's `X-Rate-Limit-*` headers said, for callers that throttle themselves.
public struct TeamtailorRateLimit: Sendable, Equatable {
    public var limit: Int?
    public var remaining: Int
    /// Until the window resets (`X-Rate-Limit-Reset`, seconds).
    public var resetAfter: Duration?

    public init(limit: Int?, remaining: Int, resetAfter: Duration?) {
        self.limit = limit
        self.remaining = remaining
        self.resetAfter = resetAfter
    }
}

/// Activity codes the integration writes (`POST /v1/activities`, decided here; see docs/teamtailor-simulator.md).
public struct TeamtailorActivityCode: RawRepresentable, Sendable, Hashable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let linkedInInMail = TeamtailorActivityCode(rawValue: "linkedin-inmail")
    public static let linkedInContactShared = TeamtailorActivityCode(rawValue: "linkedin-contact-shared")
}

/// A candidate to create. Nil fields are left out of the request.
public struct TeamtailorNewCandidate: Sendable, Equatable {
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var phone: String?
    public var linkedInURL: String?
    public var linkedInUID: String?
    public var tags: [String]?
    /// Found by a recruiter rather than applying (may lack an email).
    public var sourced: Bool
    /// Merge into the existing candidate with the same email instead of failing with 422.
    public var merge: Bool

    public init(
        firstName: String? = nil, lastName: String? = nil, email: String? = nil, phone: String? = nil,
        linkedInURL: String? = nil, linkedInUID: String? = nil, tags: [String]? = nil, sourced: Bool = false,
        merge: Bool = false
    ) {
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.linkedInURL = linkedInURL
        self.linkedInUID = linkedInUID
        self.tags = tags
        self.sourced = sourced
        self.merge = merge
    }

    var attributes: [String: JSONValue] {
        var attributes: [String: JSONValue] = ["sourced": .bool(sourced), "merge": .bool(merge)]
        attributes["first-name"] = firstName.map(JSONValue.string)
        attributes["last-name"] = lastName.map(JSONValue.string)
        attributes["email"] = email.map(JSONValue.string)
        attributes["phone"] = phone.map(JSONValue.string)
        attributes["linkedin-url"] = linkedInURL.map(JSONValue.string)
        attributes["linkedin-uid"] = linkedInUID.map(JSONValue.string)
        attributes["tags"] = tags.map { .array($0.map(JSONValue.string)) }
        return attributes
    }
}
