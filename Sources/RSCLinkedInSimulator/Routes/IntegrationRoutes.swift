import Foundation

/// `/v2/atsIntegrations`: naming integrations (batch_partial_update), their configurations (batch_update under
/// the integration key) and the status a Recruiter admin set (`q=request`). Child token of the organization.
enum IntegrationRoutes {
    static let path = "/v2/atsIntegrations"
    static let configurationNames: Set<String> = ["CALLBACK_URL", "JOB_POSTING_VIEWERS", "APPLICATION_VIEWERS"]

    static var endpoints: [APIEndpoint] { [name, configure, statusByRequest] }

    /// `{"entities": {KEY: {"patch": {"$set": {"integrationName": "…"}}}}}`.
    static let name = APIEndpoint(
        method: .post, path: path, restliMethod: .batchPartialUpdate, budget: .configuration
    ) { request throws(APIError) in
        let raw = try RestliKey.parse(queryIDs: request.query)
        guard !raw.isEmpty else {
            throw APIError.badRequest(
                "ids are required: ids[0].integrationContext=…&ids[0].integrationType=T&ids[0].tenantType=RECRUITER&ids[0].dataProvider=ATS")
        }
        try Batch.checkCount(raw.count)
        var keys: [IntegrationKey] = []
        for key in raw {
            let key = try IntegrationKey(key)
            guard !keys.contains(key) else { throw APIError.badRequest("Key \(key.canonical) appears twice in ids") }
            if !key.type.takesContract { try checkOrganization(key.context, caller: request.caller) }
            keys.append(key)
        }
        var names: [IntegrationKey: String?] = [:]
        for (text, entity) in try Batch.entities(request.body) {
            let key = try IntegrationKey(RestliKey.parse(mapKey: text))
            guard let patch = entity["patch"]?.objectValue, let set = patch["$set"]?.objectValue else {
                throw APIError.badRequest("The entity for \(key.canonical) must be {\"patch\": {\"$set\": {\"integrationName\": …}}}")
            }
            names[key] = set["integrationName"]?.stringValue
        }
        guard Set(names.keys) == Set(keys) else {
            throw APIError.badRequest("The ids in the query and the keys in entities do not match")
        }
        return PreparedOperation(recordCount: keys.count, countsRecords: false) { data, context in
            var outcome = BatchOutcome()
            for key in keys {
                if key.type.takesContract, data.recruiter.contracts[key.context] != context.caller.organization {
                    outcome.failed(key.answerKey, RecordFailure(
                        status: 403, message: "Contract \(key.context) does not belong to this application's organization"))
                    continue
                }
                guard let name = names[key] ?? nil, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                    outcome.failed(key.answerKey, .invalid("integrationName must be a non-empty string"))
                    continue
                }
                data.onboarding.integrations[key, default: IntegrationRecord(name: name)].name = name
                outcome.succeeded(key.answerKey)
            }
            return outcome.json
        }
    }

    /// `PUT /v2/atsIntegrations/{key}/configurations?ids=CALLBACK_URL`:
    /// `{"entities": {"CALLBACK_URL": {"configurationValue": {"string": "https://…"}}}}`.
    static let configure = APIEndpoint(
        method: .put, path: "\(path)/:parent/configurations", restliMethod: .batchUpdate, budget: .configuration
    ) { request throws(APIError) in
        guard let segment = request.call.pathParameters["parent"], !segment.isEmpty else {
            throw APIError.badRequest("Missing integration key in the path")
        }
        let key = try IntegrationKey(RestliKey.parse(mapKey: segment))
        if !key.type.takesContract { try checkOrganization(key.context, caller: request.caller) }
        let ids = try Batch.simpleIDs(request.query)
        if let unknown = ids.first(where: { !configurationNames.contains($0) }) {
            throw APIError.badRequest("Unknown configuration '\(unknown)' (\(configurationNames.sorted().joined(separator: ", ")))")
        }
        let entities = try Batch.match(Batch.entities(request.body), to: ids)
        return PreparedOperation(recordCount: ids.count, countsRecords: false) { data, context throws(APIError) in
            if key.type.takesContract, data.recruiter.contracts[key.context] != context.caller.organization {
                throw APIError.forbidden("contract \(key.context) does not belong to this application")
            }
            guard data.onboarding.integrations[key] != nil else {
                throw APIError.notFound("Integration \(key.canonical) has not been named")
            }
            var outcome = BatchOutcome()
            for id in ids {
                guard let value = entities[id]?["configurationValue"]?["string"]?.stringValue, !value.isEmpty else {
                    outcome.failed(id, .invalid("configurationValue must be {\"string\": \"…\"}"))
                    continue
                }
                if id == "CALLBACK_URL", let problem = callbackURLProblem(value) {
                    outcome.failed(id, .invalid(problem))
                    continue
                }
                data.onboarding.integrations[key]!.configurations[id] = value
                if id == "CALLBACK_URL" { data.onboarding.integrations[key]!.configuredBy = context.caller.clientID }
                outcome.succeeded(id)
            }
            return outcome.json
        }
    }

    /// `GET /v2/atsIntegrations?q=request&requestId=…` → `{"elements": [IntegrationStatusRequest.elements]}`.
    static let statusByRequest = APIEndpoint(
        method: .get, path: path, restliMethod: .finder, budget: .configuration
    ) { request throws(APIError) in
        try RecruiterDataRoutes.checkFinder(request.query, "request")
        guard let requestID = request.query.first("requestId"), !requestID.isEmpty else {
            throw APIError.badRequest("requestId is required")
        }
        return PreparedOperation(recordCount: 0, countsRecords: false) { data, context throws(APIError) in
            guard let change = data.onboarding.statusRequests[requestID] else {
                throw APIError.notFound("No integration request \(requestID)")
            }
            guard change.organization == context.caller.organization else {
                throw APIError.forbidden("request \(requestID) belongs to another organization")
            }
            return ["elements": .array(change.elements)]
        }
    }

    static func checkOrganization(_ organization: String, caller: ApplicationRegistry.Application) throws(APIError) {
        guard organization == caller.organization else {
            throw APIError.forbidden("integrationContext \(organization) does not belong to this application")
        }
    }

    /// LinkedIn wants HTTPS; the simulator also takes plain HTTP on loopback (tests, sandbox).
    static func callbackURLProblem(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return "CALLBACK_URL must be an absolute URL"
        }
        if scheme == "https" { return nil }
        if scheme == "http", ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()) { return nil }
        return "CALLBACK_URL must use https"
    }
}
