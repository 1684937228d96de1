import Foundation
import RSCChangeEvents

/// A list request's paging and filters, checked: `page[size]`, `page[number]`, `filter[…]`.
struct ListQuery: Sendable {
    var pageSize: Int
    var pageNumber: Int
    var email: String?
    var linkedInURL: String?
    var updatedFrom: Date?
    /// Every parameter except paging, kept for the `links` (so `next` repeats the filters).
    var otherParameters: [(name: String, value: String)]

    /// Parameters a list ignores rather than refuses (no sideloads or sorting in the simulator).
    static let ignored: Set<String> = ["include", "sort"]

    init(_ query: QueryParameters, resource: SimulatedTeamtailorResource, configuration: TeamtailorSimulatorConfiguration)
        throws(APIFailure)
    {
        pageSize = configuration.defaultPageSize
        pageNumber = 1
        otherParameters = []
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
            case "filter[email]" where resource == .candidates:
                email = value
                otherParameters.append((name, value))
            case "filter[linkedin-url]" where resource == .candidates:
                linkedInURL = value
                otherParameters.append((name, value))
            case "filter[updated-at][from]" where resource.filtersByUpdatedAt:
                guard let date = RFC3339.parse(value) else {
                    throw APIFailure.badRequest("\(value) is not an RFC 3339 timestamp", parameter: name)
                }
                updatedFrom = date
                otherParameters.append((name, value))
            case _ where Self.ignored.contains(name) || name.hasPrefix("fields["):
                otherParameters.append((name, value))
            default:
                throw APIFailure.badRequest("\(name) is not allowed.", parameter: name)
            }
        }
    }

    func matches(_ record: SimulatedTeamtailorRecord) -> Bool {
        if let updatedFrom, record.updatedAt < updatedFrom.timeIntervalSince1970 { return false }
        if let linkedInURL, record.attributes["linkedin-url"]?.stringValue != linkedInURL { return false }
        return true
    }

    /// The URL of page `number` of this same list, as Teamtailor writes its `links`.
    func link(base: String, path: String, number: Int) -> JSONValue {
        var parts = otherParameters.map { "\(QueryParameters.encode($0.name))=\(QueryParameters.encode($0.value))" }
        parts.append("\(QueryParameters.encode("page[number]"))=\(number)")
        parts.append("\(QueryParameters.encode("page[size]"))=\(pageSize)")
        return .string(base + path + "?" + parts.joined(separator: "&"))
    }
}

extension ListQuery {
    /// One page of `records` (ascending id): data, `links` (no `next` on the last page) and `meta.record-count`.
    func page(_ records: some Collection<SimulatedTeamtailorRecord>, base: String, path: String, filtered: Bool) -> JSONValue {
        let matching: [SimulatedTeamtailorRecord]
        let total: Int
        let start = (pageNumber - 1) * pageSize
        var slice: [SimulatedTeamtailorRecord] = []
        if filtered {
            matching = records.filter(matches)
            total = matching.count
            if start < total { slice = Array(matching[start..<min(start + pageSize, total)]) }
        } else {
            // Unfiltered: a slice by position, no copy of the collection.
            total = records.count
            if start < total {
                let from = records.index(records.startIndex, offsetBy: start)
                let to = records.index(from, offsetBy: min(pageSize, total - start))
                slice = Array(records[from..<to])
            }
        }
        let pageCount = max(1, (total + pageSize - 1) / pageSize)
        var links: [String: JSONValue] = [
            "first": link(base: base, path: path, number: 1), "last": link(base: base, path: path, number: pageCount),
        ]
        if pageNumber < pageCount { links["next"] = link(base: base, path: path, number: pageNumber + 1) }
        if pageNumber > 1 { links["prev"] = link(base: base, path: path, number: min(pageNumber - 1, pageCount)) }
        return .object([
            "data": .array(slice.map(\.json)), "links": .object(links),
            "meta": .object(["record-count": .number(Double(total)), "page-count": .number(Double(pageCount))]),
        ])
    }
}
