import RSCChangeEvents

/// One RSC call, before any I/O: method, path with query, the `x-restli-method` header and the body.
/// Built by pure functions so golden files can pin every request shape byte for byte.
public struct LinkedInRequest: Sendable, Equatable {
    public enum Method: String, Sendable { case GET, POST, PUT, DELETE }

    public var method: Method
    /// Path and query, e.g. `/v2/atsCandidates?ids[0].atsCandidateId=…`.
    public var path: String
    public var restliMethod: String?
    public var body: JSONValue?
    /// For logs and metrics: the call without ids (ids may be personal identifiers).
    public var call: String

    /// The request as text: what golden files hold.
    public var goldenText: String {
        var lines = ["\(method.rawValue) \(path)"]
        if let restliMethod { lines.append("x-restli-method: \(restliMethod)") }
        if let body { lines.append(body.canonicalText) }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The RSC request shapes, exactly as LinkedIn's reference writes them.
public enum LinkedInRequests {
    /// Where LinkedIn's unversioned RSC resources live. Every sync path is built on it, so a move to the
    /// versioned `/rest` resources starts here (docs/linkedin-versioned-api.md says what else would change).
    public static let basePath = "/v2"

    public static func upsertCandidates(_ records: [(id: String, body: JSONValue)], context: String) -> LinkedInRequest {
        batchUpdate(basePath + "/atsCandidates", records.map { (RestliKey.candidate($0.id, context: context), $0.body) })
    }

    public static func upsertApplications(_ records: [(id: String, body: JSONValue)], context: String) -> LinkedInRequest {
        batchUpdate(basePath + "/atsApplications", records.map { (RestliKey.application($0.id, context: context), $0.body) })
    }

    public static func deleteCandidates(_ ids: [String], context: String) -> LinkedInRequest {
        LinkedInRequest(method: .DELETE, path: basePath + "/atsCandidates?" + RestliKey.queryForm(ids.map { .candidate($0, context: context) }),
                        restliMethod: nil, body: nil, call: "DELETE /v2/atsCandidates")
    }

    public static func deleteApplications(_ ids: [String], context: String) -> LinkedInRequest {
        LinkedInRequest(method: .DELETE, path: basePath + "/atsApplications?" + RestliKey.queryForm(ids.map { .application($0, context: context) }),
                        restliMethod: nil, body: nil, call: "DELETE /v2/atsApplications")
    }

    public static func upsertSubRecords(_ sub: LinkedInClient.SubResource, parentID: String, records: [(id: String, body: JSONValue)], context: String) -> LinkedInRequest {
        var entities: [String: JSONValue] = [:]
        for record in records { entities[record.id] = record.body }
        return LinkedInRequest(
            method: .PUT, path: subPath(sub, parentID: parentID, context: context) + "?" + idsQuery(records.map(\.id)),
            restliMethod: "batch_update", body: .object(["entities": .object(entities)]),
            call: "PUT /v2/\(sub.parentCollection)/{key}/\(sub.pathName)"
        )
    }

    public static func deleteSubRecords(_ sub: LinkedInClient.SubResource, parentID: String, ids: [String], context: String) -> LinkedInRequest {
        LinkedInRequest(
            method: .DELETE, path: subPath(sub, parentID: parentID, context: context) + "?" + idsQuery(ids),
            restliMethod: nil, body: nil, call: "DELETE /v2/\(sub.parentCollection)/{key}/\(sub.pathName)"
        )
    }

    public static func createJobPostings(_ elements: [JSONValue]) -> LinkedInRequest {
        LinkedInRequest(method: .POST, path: basePath + "/simpleJobPostings", restliMethod: "batch_create",
                        body: .object(["elements": .array(elements)]), call: "POST /v2/simpleJobPostings")
    }

    public static func jobPostingTasks(_ taskIDs: [String]) -> LinkedInRequest {
        LinkedInRequest(method: .GET, path: basePath + "/simpleJobPostingTasks?" + idsQuery(taskIDs), restliMethod: nil, body: nil,
                        call: "GET /v2/simpleJobPostingTasks")
    }

    public static func matchedMembers(_ candidateIDs: [String], context: String) -> LinkedInRequest {
        LinkedInRequest(
            method: .GET,
            path: basePath + "/atsCandidates?" + RestliKey.queryForm(candidateIDs.map { .candidate($0, context: context) }) + "&fields=matchedMembers,manualMatchedMember",
            restliMethod: nil, body: nil, call: "GET /v2/atsCandidates"
        )
    }

    /// `batch_partial_update` with `manualMatchedMember`: link a candidate to the member it is (after an export).
    public static func linkMember(candidateID: String, person: String, context: String) -> LinkedInRequest {
        let key = RestliKey.candidate(candidateID, context: context)
        return LinkedInRequest(
            method: .POST, path: basePath + "/atsCandidates?" + RestliKey.queryForm([key]), restliMethod: "batch_partial_update",
            body: .object(["entities": .object([key.bodyForm: .object(["patch": .object(["$set": .object(["manualMatchedMember": .string(person)])])])])]),
            call: "POST /v2/atsCandidates (manualMatchedMember)"
        )
    }

    static func batchUpdate(_ path: String, _ records: [(RestliKey, JSONValue)]) -> LinkedInRequest {
        var entities: [String: JSONValue] = [:]
        for (key, body) in records { entities[key.bodyForm] = body }
        return LinkedInRequest(method: .PUT, path: path + "?" + RestliKey.queryForm(records.map(\.0)), restliMethod: "batch_update",
                               body: .object(["entities": .object(entities)]), call: "PUT \(path)")
    }

    static func subPath(_ sub: LinkedInClient.SubResource, parentID: String, context: String) -> String {
        let parent = sub == .candidateNotes ? RestliKey.candidate(parentID, context: context) : RestliKey.application(parentID, context: context)
        return "\(basePath)/\(sub.parentCollection)/\(parent.pathForm)/\(sub.pathName)"
    }

    static func idsQuery(_ ids: [String]) -> String {
        ids.map { "ids=\(RestliKey.encode($0))" }.joined(separator: "&")
    }
}
