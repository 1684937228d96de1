import Foundation
import RSCChangeEvents

/// The Teamtailor collections read page by page for a company's first global sync.
// No `interviews`: Teamtailor publishes no interview endpoint (docs/teamtailor-conformance.md).
public enum TeamtailorResource: String, CaseIterable, Sendable, Codable {
    case jobs
    case candidates
    case jobApplications = "job-applications"
    case stages
    /// The candidate comments (the change topics call them `comments`).
    case notes
    case users

    /// What the first sync includes with each page: the relationships whose linkage it needs (Teamtailor gives
    /// linkage only for included relationships). Notes need none: `candidate-id` and `user-id` are attributes.
    public var historyInclude: [String] {
        switch self {
        case .jobs: ["user", "locations"]
        case .jobApplications: ["candidate", "job", "stage", "reject-reason"]
        case .stages: ["job"]
        case .candidates, .notes, .users: []
        }
    }

    /// Teamtailor documents `filter[updated-at][from]` on these lists only (candidates, job applications);
    /// the others are read whole.
    public var filtersByUpdatedAt: Bool {
        switch self {
        case .candidates, .jobApplications: true
        case .jobs, .stages, .notes, .users: false
        }
    }

    /// Sparse fieldsets for the included records: the mapping reads only their linkage ids and a few
    /// attributes, so the included records carry only those (JSON:API `fields[type]`; Teamtailor/docs: the API
    /// follows the JSON API specification). Keeps a page of 30 applications small.
    public var historyFieldsets: [(String, String)] {
        switch self {
        case .jobs: [("fields[users]", "name,email"), ("fields[locations]", "city,country,zip")]
        case .jobApplications:
            [("fields[candidates]", "created-at"), ("fields[jobs]", "title"), ("fields[stages]", "name"), ("fields[reject-reasons]", "reason")]
        case .stages: [("fields[jobs]", "title")]
        case .candidates, .notes, .users: []
        }
    }

    /// Filters the first sync sends so nothing is left out by a list's defaults: jobs list only published, public
    /// jobs unless told otherwise (Teamtailor/docs `jobs/_list`).
    public var historyFilters: [(String, String)] {
        switch self {
        case .jobs: [("filter[status]", "all"), ("filter[feed]", "public,internal")]
        default: []
        }
    }
}

/// One JSON:API resource object as Teamtailor served it: kebab-case attributes, relationships (linkage only for
/// what the request included), and `links`.
public struct TeamtailorRecord: Sendable, Equatable {
    public var id: String
    public var type: String
    public var attributes: [String: JSONValue]
    /// `{"candidate": {"links": {…}, "data": {"type": "candidates", "id": "12"}}}`, as served.
    public var relationships: [String: JSONValue]
    /// The resource's `links` (`self`; a job's `careersite-job-apply-url`).
    public var links: [String: JSONValue]

    public init(
        id: String, type: String, attributes: [String: JSONValue] = [:], relationships: [String: JSONValue] = [:],
        links: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.type = type
        self.attributes = attributes
        self.relationships = relationships
        self.links = links
    }

    /// The id a to-one relationship points at; nil when absent, `{"data": null}`, or not included (links only).
    public func relatedID(_ name: String) -> String? {
        relationships[name]?["data"]?["id"]?.stringValue
    }

    /// Whether the answer carried linkage for the relationship (it was included), even `null` or `[]`.
    public func hasLinkage(_ name: String) -> Bool {
        relationships[name]?["data"] != nil
    }

    /// The ids a to-many relationship points at, in order; empty when not included.
    public func relatedIDs(_ name: String) -> [String] {
        guard case .array(let items)? = relationships[name]?["data"] else { return relatedID(name).map { [$0] } ?? [] }
        return items.compactMap { $0["id"]?.stringValue }
    }

    /// Reads `{"id", "type", "attributes"?, "relationships"?, "links"?}`; nil when it is not a resource object.
    init?(_ json: JSONValue) {
        guard let id = json["id"]?.stringValue, let type = json["type"]?.stringValue else { return nil }
        self.id = id
        self.type = type
        if case .object(let attributes)? = json["attributes"] { self.attributes = attributes } else { attributes = [:] }
        if case .object(let relationships)? = json["relationships"] { self.relationships = relationships } else { relationships = [:] }
        if case .object(let links)? = json["links"] { self.links = links } else { links = [:] }
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

/// One page of a collection, with the compound document's `included` records.
public struct TeamtailorPage: Sendable, Equatable {
    public var records: [TeamtailorRecord]
    /// Absent on the last page.
    public var next: PageCursor?
    /// `meta.record-count`: records in the whole (filtered) collection.
    public var total: Int?
    /// The records the request's `include` brought along.
    public var included: [TeamtailorRecord] = []
    /// Where a first-sync read goes on (`TeamtailorClient.historyPage`); nil after the last page.
    public var history: HistoryCursor?

    public init(records: [TeamtailorRecord], next: PageCursor?, total: Int?, included: [TeamtailorRecord] = []) {
        self.records = records
        self.next = next
        self.total = total
        self.included = included
    }

    /// The included record a linkage points at.
    public func includedRecord(type: String, id: String) -> TeamtailorRecord? {
        included.first { $0.type == type && $0.id == id }
    }
}

/// Where the first sync's read of one collection stands, stored as text so a crash resumes there: how many
/// records of the id-sorted list lie before the unread part, and the highest id read.
public struct HistoryCursor: Sendable, Equatable, Codable, RawRepresentable {
    public var position: Int
    public var lastID: Int?

    public init(position: Int, lastID: Int?) {
        self.position = position
        self.lastID = lastID
    }

    /// `{"lastID":61,"position":60}`; nil for anything else (a cursor stored by an older version: the read
    /// starts over, which changes nothing thanks to the version rule).
    public init?(rawValue: String) {
        guard let decoded = try? JSONDecoder().decode(Self.self, from: Data(rawValue.utf8)) else { return nil }
        self = decoded
    }

    public var rawValue: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    enum CodingKeys: String, CodingKey { case position, lastID }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        position = try container.decode(Int.self, forKey: .position)
        lastID = try container.decodeIfPresent(Int.self, forKey: .lastID)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(position, forKey: .position)
        try container.encodeIfPresent(lastID, forKey: .lastID)
    }
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
