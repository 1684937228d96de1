import Foundation
import RSCChangeEvents

/// Renders stored records as Teamtailor serves them: JSON:API resource objects with only the published
/// attributes, `links`, relationships as links (linkage `data` only for what the request included), and
/// compound documents (`included`). teamtailor-rb's `relationship.rb` and fixtures show the same: no linkage
/// unless included.
struct APIRepresentation {
    let store: CompanyStore
    /// `http://host:port`: absolute links point back at whoever was asked.
    let base: String
    /// Sparse fieldsets (`fields[candidates]=email,first-name`): per type, the attributes and relationships to
    /// render; a type not named renders whole (JSON:API, which Teamtailor/docs says the API follows).
    var fieldsets: [String: Set<String>] = [:]

    init(store: CompanyStore, base: String, fieldsets: [String: Set<String>] = [:]) {
        self.store = store
        self.base = base
        self.fieldsets = fieldsets
    }

    /// `{"data": resource, "included": [...]}` for one record.
    func document(_ record: SimulatedTeamtailorRecord, include: [String]) -> JSONValue {
        var document: [String: JSONValue] = ["data": resource(record, linkage: Set(include))]
        if !include.isEmpty { document["included"] = .array(included(for: [record], include: include)) }
        return .object(document)
    }

    /// One resource object; `linkage` names the relationships whose `data` is given (the included ones).
    func resource(_ record: SimulatedTeamtailorRecord, linkage: Set<String>) -> JSONValue {
        guard let schema = APISchema.of(record.resource) else { return .null }
        let type = record.resource.rawValue
        let selfURL = "\(base)/v1/\(type)/\(record.id)"
        let fieldset = fieldsets[type]
        var attributes: [String: JSONValue] = [:]
        for name in schema.attributes where fieldset?.contains(name) ?? true {
            if let value = record.attributes[name] ?? derived(name, of: record) { attributes[name] = value }
        }
        var relationships: [String: JSONValue] = [:]
        for (name, cardinality) in schema.relationships where fieldset?.contains(name) ?? true {
            var relationship: [String: JSONValue] = [
                "links": .object([
                    "self": .string("\(selfURL)/relationships/\(name)"), "related": .string("\(selfURL)/\(name)"),
                ])
            ]
            if linkage.contains(name) {
                let linked = links(record, name)
                switch cardinality {
                case .one: relationship["data"] = linked.first?.identifier ?? .null
                case .many: relationship["data"] = .array(linked.map(\.identifier))
                }
            }
            relationships[name] = .object(relationship)
        }
        var links: [String: JSONValue] = ["self": .string(selfURL)]
        if record.resource == .jobs {
            let site = CareerSite(companyID: store.companyID)
            links["careersite-job-url"] = .string(site.jobURL(record))
            links["careersite-job-apply-url"] = .string(site.applyURL(record))
            links["careersite-job-apply-iframe-url"] = .string(site.applyURL(record) + "?iframe=true")
        }
        var object: [String: JSONValue] = [
            "id": .string(String(record.id)), "type": .string(type), "links": .object(links),
            "attributes": .object(attributes),
        ]
        if !relationships.isEmpty { object["relationships"] = .object(relationships) }
        return .object(object)
    }

    /// The records the include paths name, each once, in first-seen order.
    func included(for records: [SimulatedTeamtailorRecord], include: [String]) -> [JSONValue] {
        var seen = Set<SimulatedLink>()
        var out: [JSONValue] = []
        for record in records {
            for name in include {
                for link in links(record, name) where !seen.contains(link) {
                    seen.insert(link)
                    if let target = store.record(link.resource, link.id) { out.append(resource(target, linkage: [])) }
                }
            }
        }
        return out
    }

    /// What a relationship points at: stored links, or (for a job's stages and a candidate's applications) the
    /// records that point back.
    func links(_ record: SimulatedTeamtailorRecord, _ name: String) -> [SimulatedLink] {
        switch (record.resource, name) {
        case (.jobs, "stages"): return store.stages(ofJob: record.id).map { SimulatedLink(.stages, $0) }
        case (.candidates, "job-applications"):
            return store.collection(.jobApplications).records.filter { $0.link("candidate")?.id == record.id }
                .map { SimulatedLink(.jobApplications, $0.id) }
        default:
            if let many = record.toMany[name] { return many }
            return record.link(name).map { [$0] } ?? []
        }
    }

    /// Published attributes computed from what is stored.
    private func derived(_ name: String, of record: SimulatedTeamtailorRecord) -> JSONValue? {
        switch (record.resource, name) {
        case (.jobs, "human-status"):
            // Teamtailor/docs: archived, unlisted, expired, draft, published, scheduled or unsaved.
            return record.attributes["status"]?.stringValue.map { status in
                switch status {
                case "open": .string("published")
                case "temp": .string("unsaved")
                default: .string(status)
                }
            }
        case (.jobs, "recruiter-email"):
            return record.link("user").flatMap { store.record(.users, $0.id)?.attributes["email"] } ?? .null
        default:
            return nil
        }
    }
}

/// The career site URLs of a simulated company's jobs, in the shape of Teamtailor/docs' job `links`
/// (`https://career.teamtailor.com/jobs/7199-new-title/applications/new`).
struct CareerSite {
    let companyID: String

    func jobURL(_ job: SimulatedTeamtailorRecord) -> String {
        "https://career.company\(companyID).example.com/jobs/\(job.id)-\(Self.slug(job.attributes["title"]?.stringValue ?? ""))"
    }

    func applyURL(_ job: SimulatedTeamtailorRecord) -> String { jobURL(job) + "/applications/new" }

    /// Lowercase ASCII letters and digits joined by single hyphens.
    static func slug(_ title: String) -> String {
        var out = ""
        var pendingHyphen = false
        for scalar in title.lowercased().unicodeScalars {
            if scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar)) {
                if pendingHyphen && !out.isEmpty { out.append("-") }
                pendingHyphen = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        return out.isEmpty ? "job" : out
    }
}
