import Foundation

/// `POST /v2/provisionedApplications` (create a customer's child application),
/// `GET /v2/provisionedApplications?q=credentialsByUniqueForeignId&uniqueForeignId=…` (look it up; no secret) and
/// `POST /v2/provisionedApplications/{key}` (partial update of its JS SDK domains or OAuth callback URLs);
/// partner token only. Shapes: LinkedIn's RSC Postman collection (module 1) and the Java SDK's fixtures.
enum ProvisioningRoutes {
    static let path = "/v2/provisionedApplications"
    static let maxNameLength = 50
    static let applicationURNPrefix = "urn:li:developerApplication:"
    /// The two lists a partial update may set (the collection's two "Update … for Child Application" requests).
    static let updatableLists: Set<String> = ["validJsSdkDomains", "oauth2AuthorizedCallbackUrls"]

    static var endpoints: [APIEndpoint] { [create, find, partialUpdate] }

    static let create = APIEndpoint(
        method: .post, path: path, restliMethod: .create, audience: .partner, budget: .configuration
    ) { request throws(APIError) in
        let body = request.body?.objectValue ?? [:]
        let known = Set(["uniqueForeignId", "name", "description"]).union(updatableLists)
        if let unknown = body.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.badRequest("Unknown field '\(unknown)'")
        }
        guard let foreignID = body["uniqueForeignId"]?.stringValue,
            !foreignID.trimmingCharacters(in: .whitespaces).isEmpty
        else { throw APIError.badRequest("uniqueForeignId is required (a non-empty string)") }
        guard let name = body["name"]?.stringValue, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError.badRequest("name is required (a non-empty string)")
        }
        guard name.count <= maxNameLength else {
            throw APIError.badRequest("name is \(name.count) characters; at most \(maxNameLength) are allowed")
        }
        guard !name.lowercased().contains("linkedin") else {
            throw APIError.badRequest("name must not contain \"LinkedIn\"")
        }
        guard let description = body["description"]?.stringValue else {
            throw APIError.badRequest("description is required (a string)")
        }
        var lists: [String: [String]] = [:]
        for field in updatableLists {
            lists[field] = try stringList(body[field], field) ?? []
        }
        return PreparedOperation(recordCount: 1, countsRecords: false, successStatus: 201) { [lists] data, context throws(APIError) in
            if data.onboarding.provisioned[foreignID] != nil {
                throw APIError(status: 409, message: "An application with uniqueForeignId \(foreignID) already exists")
            }
            let application = ProvisionedApplication(
                key: applicationURNPrefix + String(data.onboarding.takeApplicationNumber()),
                uniqueForeignId: foreignID, name: name, description: description,
                validJsSdkDomains: lists["validJsSdkDomains"] ?? [],
                oauth2AuthorizedCallbackUrls: lists["oauth2AuthorizedCallbackUrls"] ?? [],
                clientID: "child-" + randomToken(12), clientSecret: randomToken(32), createdAt: context.now)
            data.onboarding.provision(application)
            return application.createdJSON
        }
    }

    static let find = APIEndpoint(
        method: .get, path: path, restliMethod: .finder, audience: .partner, budget: .configuration
    ) { request throws(APIError) in
        try RecruiterDataRoutes.checkFinder(request.query, "credentialsByUniqueForeignId")
        guard let foreignID = request.query.first("uniqueForeignId"), !foreignID.isEmpty else {
            throw APIError.badRequest("uniqueForeignId is required")
        }
        return PreparedOperation(recordCount: 0, countsRecords: false) { data, _ in
            ["elements": .array(data.onboarding.provisioned[foreignID].map { [$0.lookupJSON] } ?? [])]
        }
    }

    /// `POST /v2/provisionedApplications/urn:li:developerApplication:N` with
    /// `{"patch": {"$set": {"validJsSdkDomains": […]}}}` (or `oauth2AuthorizedCallbackUrls`); 204, no body.
    /// LinkedIn's collection sends it without `x-restli-method`.
    static let partialUpdate = APIEndpoint(
        method: .post, path: "\(path)/:parent", restliMethod: .partialUpdate, audience: .partner, budget: .configuration
    ) { request throws(APIError) in
        guard let raw = request.call.pathParameters["parent"], let key = QueryParameters.decode(raw),
            key.hasPrefix(applicationURNPrefix), key.count > applicationURNPrefix.count,
            key.dropFirst(applicationURNPrefix.count).allSatisfy({ $0.isASCII && $0.isNumber })
        else { throw APIError.badRequest("The path must name an application: \(path)/\(applicationURNPrefix)N") }
        let body = request.body?.objectValue ?? [:]
        guard body.count == 1, let patch = body["patch"]?.objectValue else {
            throw APIError.badRequest("The body must be {\"patch\": {\"$set\": {…}}}")
        }
        if let unknown = patch.keys.first(where: { $0 != "$set" }) {
            throw APIError.badRequest("Unsupported patch operation '\(unknown)' (use $set)")
        }
        guard let set = patch["$set"]?.objectValue, !set.isEmpty else {
            throw APIError.badRequest("$set must be an object naming validJsSdkDomains or oauth2AuthorizedCallbackUrls")
        }
        if let unknown = set.keys.sorted().first(where: { !updatableLists.contains($0) }) {
            throw APIError.badRequest("'\(unknown)' cannot be updated (validJsSdkDomains, oauth2AuthorizedCallbackUrls)")
        }
        var lists: [String: [String]] = [:]
        for (field, value) in set { lists[field] = try stringList(value, field) }
        return PreparedOperation(recordCount: 1, countsRecords: false, successStatus: 204) { [lists] data, _ throws(APIError) in
            guard let foreignID = data.onboarding.foreignID(ofKey: key) else {
                throw APIError.notFound("No application \(key)")
            }
            if let domains = lists["validJsSdkDomains"] { data.onboarding.provisioned[foreignID]!.validJsSdkDomains = domains }
            if let urls = lists["oauth2AuthorizedCallbackUrls"] {
                data.onboarding.provisioned[foreignID]!.oauth2AuthorizedCallbackUrls = urls
            }
            return .object([:])
        }
    }

    /// nil when absent; an array of strings, else 400.
    static func stringList(_ value: SimulatedJSON?, _ field: String) throws(APIError) -> [String]? {
        guard let value else { return nil }
        guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
            throw APIError.badRequest("\(field) must be an array of strings")
        }
        return items.compactMap(\.stringValue)
    }

    static func randomToken(_ length: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
