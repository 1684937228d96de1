import Foundation

/// `POST /v2/provisionedApplications` (create a customer's child application) and
/// `GET /v2/provisionedApplications?q=credentialsByUniqueForeignId&uniqueForeignId=…`; partner token only.
enum ProvisioningRoutes {
    static let path = "/v2/provisionedApplications"
    static let maxNameLength = 50
    static let applicationURNPrefix = "urn:li:developerApplication:"

    static var endpoints: [APIEndpoint] { [create, find] }

    static let create = APIEndpoint(
        method: .post, path: path, restliMethod: .create, audience: .partner, budget: .configuration
    ) { request throws(APIError) in
        let body = request.body?.objectValue ?? [:]
        let known: Set<String> = ["uniqueForeignId", "name", "description", "oauth2AuthorizedCallbackUrls", "validJsSdkDomains"]
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
        if let description = body["description"], description.stringValue == nil {
            throw APIError.badRequest("description must be a string")
        }
        for field in ["oauth2AuthorizedCallbackUrls", "validJsSdkDomains"] {
            if let value = body[field], value.arrayValue?.allSatisfy({ $0.stringValue != nil }) != true {
                throw APIError.badRequest("\(field) must be an array of strings")
            }
        }
        return PreparedOperation(recordCount: 1, countsRecords: false, successStatus: 201) { data, context throws(APIError) in
            if data.onboarding.provisioned[foreignID] != nil {
                throw APIError(status: 409, message: "An application with uniqueForeignId \(foreignID) already exists")
            }
            let application = ProvisionedApplication(
                key: applicationURNPrefix + String(data.onboarding.provisioned.count + 1_000_001),
                uniqueForeignId: foreignID, name: name, clientID: "child-" + randomToken(12),
                clientSecret: randomToken(32), createdAt: context.now)
            data.onboarding.provision(application)
            return ["key": .string(application.key), "credentials": application.json["credentials"]!]
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
            ["elements": .array(data.onboarding.provisioned[foreignID].map { [$0.json] } ?? [])]
        }
    }

    static func randomToken(_ length: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
