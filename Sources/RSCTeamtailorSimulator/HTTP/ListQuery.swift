import Foundation
import RSCChangeEvents

/// A list request checked against what Teamtailor documents for that list: `page[size]`, `page[number]`,
/// `include`, `sort`, `fields[…]` and the list's own `filter[…]`; anything else is 400.
struct ListQuery: Sendable {
    var pageSize: Int
    var pageNumber: Int
    /// Relationship names to include (each checked against `APISchema.includable`).
    var include: [String] = []
    var sort: [(key: String, descending: Bool)] = []
    var filters: [(name: String, value: String)] = []
    /// `fields[type]=a,b`: sparse fieldsets by type.
    var fieldsets: [String: Set<String>] = [:]
    /// Every parameter except paging, kept for the `links` (so `next` repeats the filters).
    var otherParameters: [(name: String, value: String)] = []
    let resource: SimulatedTeamtailorResource

    /// Teamtailor/docs `jobs/_list`: `filter[status]` defaults to `published`, `filter[feed]` to `public`.
    static let jobStatusValues: Set<String> = ["published", "unlisted", "archived", "draft", "scheduled", "all"]
    static let jobFeedValues: Set<String> = ["public", "internal"]

    init(_ query: QueryParameters, resource: SimulatedTeamtailorResource, configuration: TeamtailorSimulatorConfiguration)
        throws(APIFailure)
    {
        guard let schema = APISchema.of(resource) else { throw APIFailure.notFound("No route matches \(resource.rawValue)") }
        self.resource = resource
        pageSize = configuration.defaultPageSize
        pageNumber = 1
        for (name, value) in query.pairs {
            switch name {
            case "page[size]":
                guard let size = Int(value), size >= 1 else {
                    throw APIFailure.badRequest("\(value) is not a valid value for size page parameter.", parameter: name)
                }
                guard size <= configuration.maxPageSize else {
                    throw APIFailure.badRequest(
                        "size exceeds maximum page size of \(configuration.maxPageSize).", parameter: name)
                }
                pageSize = size
            case "page[number]":
                guard let number = Int(value), number >= 1 else {
                    throw APIFailure.badRequest("\(value) is not a valid value for number page parameter.", parameter: name)
                }
                pageNumber = number
            case "include":
                for path in value.split(separator: ",").map(String.init) where !path.isEmpty {
                    guard schema.includable.contains(path) else {
                        throw APIFailure.badRequest("\(path) is not a valid relationship of \(resource.rawValue)", parameter: name)
                    }
                    if !include.contains(path) { include.append(path) }
                }
                otherParameters.append((name, value))
            case "sort":
                for field in value.split(separator: ",").map(String.init) {
                    let descending = field.hasPrefix("-")
                    let key = descending ? String(field.dropFirst()) : field
                    guard key == "id" || schema.attributes.contains(key) else {
                        throw APIFailure.badRequest("\(key) is not a valid sort criteria for \(resource.rawValue)", parameter: name)
                    }
                    sort.append((key, descending))
                }
                otherParameters.append((name, value))
            case _ where name.hasPrefix("fields[") && name.hasSuffix("]"):
                // Sparse fieldsets (JSON:API, which Teamtailor/docs says the API follows).
                fieldsets[String(name.dropFirst("fields[".count).dropLast())] = Set(value.split(separator: ",").map(String.init))
                otherParameters.append((name, value))
            case _ where schema.filters.contains(name):
                try Self.checkFilter(name, value)
                filters.append((name, value))
                otherParameters.append((name, value))
            default:
                throw APIFailure.badRequest("\(name) is not allowed.", parameter: name)
            }
        }
        if resource == .jobs {
            if !filters.contains(where: { $0.name == "filter[status]" }) { filters.append(("filter[status]", "published")) }
            if !filters.contains(where: { $0.name == "filter[feed]" }) { filters.append(("filter[feed]", "public")) }
            // Documented default `-pinned,date`; decided here: the date is the creation date.
            if sort.isEmpty { sort = [("pinned", true), ("created-at", true)] }
        }
    }

    private static func checkFilter(_ name: String, _ value: String) throws(APIFailure) {
        if name.hasSuffix("][from]") || name.hasSuffix("][to]") {
            guard RFC3339.parse(value) != nil else {
                throw APIFailure.badRequest("\(value) is not an RFC 3339 timestamp", parameter: name)
            }
        }
        let values = Set(value.split(separator: ",").map(String.init))
        if name == "filter[status]", values.isEmpty || !values.isSubset(of: jobStatusValues) {
            throw APIFailure.badRequest("\(value) is not a valid value for filter[status]", parameter: name)
        }
        if name == "filter[feed]", values.isEmpty || !values.isSubset(of: jobFeedValues) {
            throw APIFailure.badRequest("\(value) is not a valid value for filter[feed]", parameter: name)
        }
        if name == "filter[connected]", value != "true", value != "false" {
            throw APIFailure.badRequest("\(value) is not a valid value for filter[connected]", parameter: name)
        }
    }

    /// The email a `filter[email]` asks for (answered from the store's index).
    var email: String? { filters.first { $0.name == "filter[email]" }?.value }

    /// Whether a record passes every filter.
    func matches(_ record: SimulatedTeamtailorRecord, in store: CompanyStore) -> Bool {
        filters.allSatisfy { filter in Self.matches(record, filter.name, filter.value, store) }
    }

    private static func matches(_ record: SimulatedTeamtailorRecord, _ name: String, _ value: String, _ store: CompanyStore) -> Bool {
        let values = Set(value.split(separator: ",").map { $0.lowercased() })
        switch name {
        case "filter[email]":
            return record.attributes["email"]?.stringValue.map(AttributeRules.normalizedEmail) == AttributeRules.normalizedEmail(value)
        case "filter[status]":
            if values.contains("all") { return true }
            let status = record.attributes["status"]?.stringValue ?? "draft"
            let asFilter = status == "open" ? "published" : status
            return values.contains(asFilter)
        case "filter[feed]":
            return values.contains(record.attributes["internal"]?.boolValue == true ? "internal" : "public")
        case "filter[connected]":
            return (record.attributes["connected"]?.boolValue ?? false) == (value == "true")
        case "filter[locations]":
            return (record.toMany["locations"] ?? []).contains { values.contains(String($0.id)) }
        case "filter[stage-type]":
            guard let stage = record.link("stage"), let type = store.record(.stages, stage.id)?.attributes["legacy-stage-type-name"]?.stringValue
            else { return false }
            return values.contains(type.lowercased())
        case "filter[external-id]":
            return record.attributes["external-id"]?.stringValue == value
        case _ where name.hasSuffix("][from]") || name.hasSuffix("][to]"):
            let attribute = String(name.dropFirst("filter[".count).prefix { $0 != "]" })
            guard let bound = RFC3339.parse(value) else { return false }
            let stamp = attribute == "updated-at"
                ? Date(timeIntervalSince1970: record.updatedAt)
                : record.attributes[attribute]?.stringValue.flatMap(RFC3339.parse)
            guard let stamp else { return false }
            return name.hasSuffix("][from]") ? stamp >= bound : stamp <= bound
        default:
            // Documented filters on what the simulator holds no data for (departments, roles, regions): nothing matches.
            return false
        }
    }

    /// The URL of page `number` of this same list, as Teamtailor writes its `links`.
    func link(base: String, path: String, number: Int) -> JSONValue {
        var parts = otherParameters.map { "\(QueryParameters.encode($0.name))=\(QueryParameters.encode($0.value))" }
        parts.append("\(QueryParameters.encode("page[number]"))=\(number)")
        parts.append("\(QueryParameters.encode("page[size]"))=\(pageSize)")
        return .string(base + path + "?" + parts.joined(separator: "&"))
    }

    /// Whether the stored order (ascending id) is the asked order.
    var isIDOrder: Bool { sort.isEmpty || (sort.count == 1 && sort[0].key == "id" && !sort[0].descending) }

    func ordered(_ records: [SimulatedTeamtailorRecord]) -> [SimulatedTeamtailorRecord] {
        if isIDOrder { return records }
        return records.sorted { a, b in
            for (key, descending) in sort {
                let order = Self.compare(a, b, key)
                if order != 0 { return descending ? order > 0 : order < 0 }
            }
            return a.id < b.id
        }
    }

    private static func compare(_ a: SimulatedTeamtailorRecord, _ b: SimulatedTeamtailorRecord, _ key: String) -> Int {
        if key == "id" { return a.id < b.id ? -1 : (a.id > b.id ? 1 : 0) }
        if key == "updated-at" { return a.updatedAt < b.updatedAt ? -1 : (a.updatedAt > b.updatedAt ? 1 : 0) }
        switch (a.attributes[key], b.attributes[key]) {
        case (.number(let x)?, .number(let y)?): return x < y ? -1 : (x > y ? 1 : 0)
        case (.bool(let x)?, .bool(let y)?): return x == y ? 0 : (x ? 1 : -1)
        case (.string(let x)?, .string(let y)?):
            if let dx = RFC3339.parse(x), let dy = RFC3339.parse(y) { return dx < dy ? -1 : (dx > dy ? 1 : 0) }
            return x < y ? -1 : (x > y ? 1 : 0)
        case (nil, nil), (.null?, .null?), (nil, .null?), (.null?, nil): return 0
        case (nil, _), (.null?, _): return -1
        default: return 1
        }
    }
}

extension ListQuery {
    /// One page of `records` as a compound document: data, `included`, `links` (no `next` on the last page)
    /// and `meta.record-count` / `page-count`.
    func page(
        _ records: [SimulatedTeamtailorRecord], representation: APIRepresentation, path: String, filtered: Bool
    ) -> JSONValue {
        let start = (pageNumber - 1) * pageSize
        let total: Int
        var slice: [SimulatedTeamtailorRecord] = []
        if filtered || !isIDOrder {
            let matching = ordered(filtered ? records.filter { matches($0, in: representation.store) } : records)
            total = matching.count
            if start < total { slice = Array(matching[start..<min(start + pageSize, total)]) }
        } else {
            // The stored order, unfiltered: a slice by position, no copy of the collection.
            total = records.count
            if start < total { slice = Array(records[start..<min(start + pageSize, total)]) }
        }
        let base = representation.base
        let pageCount = max(1, (total + pageSize - 1) / pageSize)
        var links: [String: JSONValue] = [
            "first": link(base: base, path: path, number: 1), "last": link(base: base, path: path, number: pageCount),
        ]
        if pageNumber < pageCount { links["next"] = link(base: base, path: path, number: pageNumber + 1) }
        if pageNumber > 1 { links["prev"] = link(base: base, path: path, number: min(pageNumber - 1, pageCount)) }
        var document: [String: JSONValue] = [
            "data": .array(slice.map { representation.resource($0, linkage: Set(include)) }), "links": .object(links),
            "meta": .object(["record-count": .number(Double(total)), "page-count": .number(Double(pageCount))]),
        ]
        if !include.isEmpty { document["included"] = .array(representation.included(for: slice, include: include)) }
        return .object(document)
    }
}
