import Foundation
import RSCChangeEvents

/// One Teamtailor call before any I/O: method, path with query, JSON:API body, and what metrics and logs may name.
/// Built by pure functions so each request shape is pinned by tests.
public struct TeamtailorRequest: Sendable, Equatable {
    public enum Method: String, Sendable { case GET, POST, PATCH, DELETE }

    public var method: Method
    /// Path and query relative to the base URL, e.g. `/v1/candidates?filter%5Bemail%5D=…`.
    public var path: String
    public var body: JSONValue?
    /// The metric label: the collection (`candidates`, `job-applications`, `activities`).
    public var resource: String
    /// For errors and logs, without ids or query: `PATCH /v1/notes/{id}`.
    public var call: String
}

/// The request shapes of the calls the integration makes.
public enum TeamtailorRequests {
    /// Teamtailor's dated API version, sent on every call.
    public static let apiVersion = "20240904"
    /// The largest page Teamtailor serves (Teamtailor/docs, pagination: default 10, max 30).
    public static let pageSize = 30

    /// Teamtailor/docs `candidates/_list`: `filter[email]`, the only documented way to find a candidate.
    public static func findCandidates(email: String) -> TeamtailorRequest {
        get("/v1/candidates", query: [("filter[email]", email)], resource: "candidates", call: "GET /v1/candidates?filter[email]")
    }

    public static func candidate(id: String) -> TeamtailorRequest {
        get("/v1/candidates/\(encode(id))", query: [], resource: "candidates", call: "GET /v1/candidates/{id}")
    }

    public static func job(id: String) -> TeamtailorRequest {
        get("/v1/jobs/\(encode(id))", query: [], resource: "jobs", call: "GET /v1/jobs/{id}")
    }

    public static func createCandidate(_ candidate: TeamtailorNewCandidate) -> TeamtailorRequest {
        write(.POST, "/v1/candidates", document(type: "candidates", attributes: candidate.attributes),
              resource: "candidates", call: "POST /v1/candidates")
    }

    /// Only the given attributes change (PATCH semantics).
    public static func updateCandidate(id: String, attributes: [String: JSONValue]) -> TeamtailorRequest {
        write(.PATCH, "/v1/candidates/\(encode(id))", document(type: "candidates", id: id, attributes: attributes),
              resource: "candidates", call: "PATCH /v1/candidates/{id}")
    }

    public static func createJobApplication(candidateID: String, jobID: String, sourced: Bool) -> TeamtailorRequest {
        write(.POST, "/v1/job-applications",
              document(type: "job-applications", attributes: ["sourced": .bool(sourced)], relationships: [
                  "candidate": link("candidates", candidateID), "job": link("jobs", jobID),
              ]),
              resource: "job-applications", call: "POST /v1/job-applications")
    }

    /// Teamtailor/docs `notes/_create`: `note`, relationships `candidate` and `user`; `private-note` from the
    /// note object's attributes.
    public static func createNote(candidateID: String, userID: String, text: String, isPrivate: Bool = false) -> TeamtailorRequest {
        write(.POST, "/v1/notes",
              document(type: "notes", attributes: ["note": .string(text), "private-note": .bool(isPrivate)], relationships: [
                  "candidate": link("candidates", candidateID), "user": link("users", userID),
              ]),
              resource: "notes", call: "POST /v1/notes")
    }

    public static func updateNote(id: String, text: String) -> TeamtailorRequest {
        write(.PATCH, "/v1/notes/\(encode(id))", document(type: "notes", id: id, attributes: ["note": .string(text)]),
              resource: "notes", call: "PATCH /v1/notes/{id}")
    }

    public static func deleteNote(id: String) -> TeamtailorRequest {
        TeamtailorRequest(method: .DELETE, path: "/v1/notes/\(encode(id))", body: nil, resource: "notes", call: "DELETE /v1/notes/{id}")
    }

    public static func users() -> TeamtailorRequest {
        get("/v1/users", query: [("page[size]", String(pageSize)), ("sort", "id")], resource: "users", call: "GET /v1/users")
    }

    /// Page `number` of a collection as the first sync reads it: up to 30 records, `sort=id` (a key that cannot
    /// drift: ids only grow, so records created during the read land after it), the includes and filters the
    /// resource needs (`TeamtailorResource.historyInclude`, `historyFilters`).
    /// `updatedFrom` is sent only where Teamtailor documents the filter (`TeamtailorResource.filtersByUpdatedAt`).
    public static func historyPage(
        _ resource: TeamtailorResource, size: Int = pageSize, number: Int, updatedFrom: Date? = nil
    ) -> TeamtailorRequest {
        var query = [("page[size]", String(min(max(1, size), pageSize))), ("page[number]", String(max(1, number))), ("sort", "id")]
        if let updatedFrom, resource.filtersByUpdatedAt {
            query.append(("filter[updated-at][from]", RFC3339.format(updatedFrom)))
        }
        if !resource.historyInclude.isEmpty { query.append(("include", resource.historyInclude.joined(separator: ","))) }
        query += resource.historyFilters
        query += resource.historyFieldsets
        return get("/v1/\(resource.rawValue)", query: query, resource: resource.rawValue, call: "GET /v1/\(resource.rawValue)")
    }

    /// Page `number` of the company's notes, newest first (`sort=-id`): where a note just written is.
    public static func newestNotes(page number: Int) -> TeamtailorRequest {
        get("/v1/notes", query: [("page[size]", String(pageSize)), ("page[number]", String(max(1, number))), ("sort", "-id")],
            resource: "notes", call: "GET /v1/notes")
    }

    // MARK: - Building blocks

    static func get(_ path: String, query: [(String, String)], resource: String, call: String) -> TeamtailorRequest {
        let text = query.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        return TeamtailorRequest(method: .GET, path: text.isEmpty ? path : path + "?" + text, body: nil, resource: resource, call: call)
    }

    static func write(_ method: TeamtailorRequest.Method, _ path: String, _ body: JSONValue, resource: String, call: String)
        -> TeamtailorRequest
    {
        TeamtailorRequest(method: method, path: path, body: body, resource: resource, call: call)
    }

    static func document(
        type: String, id: String? = nil, attributes: [String: JSONValue], relationships: [String: JSONValue] = [:]
    ) -> JSONValue {
        var data: [String: JSONValue] = ["type": .string(type), "attributes": .object(attributes)]
        if let id { data["id"] = .string(id) }
        if !relationships.isEmpty { data["relationships"] = .object(relationships) }
        return .object(["data": .object(data)])
    }

    static func link(_ type: String, _ id: String) -> JSONValue {
        .object(["data": .object(["type": .string(type), "id": .string(id)])])
    }

    /// Percent-encodes a path segment or query component: brackets, `+`, `@`, `/` and `:` included (an email's
    /// `+` must not arrive as a space).
    /// RFC 3986 unreserved, ASCII only (`CharacterSet.alphanumerics` would let `å` through unencoded).
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
