import Foundation

/// `/v2/atsIntegrations`: naming integrations (batch_partial_update), reading them (batch_get), their
/// configurations (batch_update, batch_get and batch_delete under the integration key) and the status a Recruiter
/// admin set (`q=request`). Child token of the organization. Shapes: LinkedIn's RSC Postman collection (module 1).
enum IntegrationRoutes {
    static let path = "/v2/atsIntegrations"
    static let configurationNames: Set<String> = ["CALLBACK_URL", "JOB_POSTING_VIEWERS", "APPLICATION_VIEWERS"]
    static let configurationsPath = "\(path)/:parent/configurations"

    static var endpoints: [APIEndpoint] {
        [name, batchGet, configure, readConfigurations, deleteConfigurations, statusByRequest]
    }

    /// "Verify Customer's ATSIntegrations": `GET /v2/atsIntegrations?ids[0].integrationContext=…&…` → results keyed
    /// by the Rest.li 1.0 form of each key; a key never named is a 404 in `errors`.
    static let batchGet = APIEndpoint(
        method: .get, path: path, restliMethod: .batchGet, budget: .configuration
    ) { request throws(APIError) in
        let keys = try integrationKeys(request)
        return PreparedOperation(recordCount: keys.count, countsRecords: false) { data, context in
            var outcome = BatchOutcome()
            for key in keys {
                if key.type.takesContract, data.recruiter.contracts[key.context] != context.caller.organization {
                    outcome.failed(key.answerKey, RecordFailure(
                        status: 403, message: "Contract \(key.context) does not belong to this application's organization"))
                } else if let record = data.onboarding.integrations[key] {
                    outcome.result(key.answerKey, key.element(record))
                } else {
                    outcome.failed(key.answerKey, .notFound("Integration \(key.canonical) has not been named"))
                }
            }
            return outcome.json
        }
    }

    /// "Verify Customer Integrations - Configs": `GET …/{key}/configurations?ids=CALLBACK_URL` →
    /// `{"results": {"CALLBACK_URL": {"configurationValue": {"string": …}}}}`; one never set is a 404 in `errors`.
    static let readConfigurations = APIEndpoint(
        method: .get, path: configurationsPath, restliMethod: .batchGet, budget: .configuration
    ) { request throws(APIError) in
        let (key, ids) = try configurationRequest(request)
        return PreparedOperation(recordCount: ids.count, countsRecords: false) { data, context throws(APIError) in
            let record = try namedIntegration(key, data: data, caller: context.caller)
            var outcome = BatchOutcome()
            for id in ids {
                if let value = record.configurations[id] {
                    outcome.result(id, ["configurationValue": ["string": .string(value)]])
                } else {
                    outcome.failed(id, .notFound("\(id) is not set on \(key.canonical)"))
                }
            }
            return outcome.json
        }
    }

    /// "Delete Integration Configuration": `DELETE …/{key}/configurations?ids=JOB_POSTING_VIEWERS` → 204 per id;
    /// one never set is a 404 in `errors`.
    static let deleteConfigurations = APIEndpoint(
        method: .delete, path: configurationsPath, restliMethod: .batchDelete, budget: .configuration
    ) { request throws(APIError) in
        let (key, ids) = try configurationRequest(request)
        return PreparedOperation(recordCount: ids.count, countsRecords: false) { data, context throws(APIError) in
            _ = try namedIntegration(key, data: data, caller: context.caller)
            var outcome = BatchOutcome()
            for id in ids {
                if data.onboarding.integrations[key]!.configurations.removeValue(forKey: id) != nil {
                    if id == "CALLBACK_URL" { data.onboarding.integrations[key]!.configuredBy = nil }
                    outcome.succeeded(id)
                } else {
                    outcome.failed(id, .notFound("\(id) is not set on \(key.canonical)"))
                }
            }
            return outcome.json
        }
    }

    /// `{"entities": {KEY: {"patch": {"$set": {"integrationName": "…"}}}}}`.
    static let name = APIEndpoint(
        method: .post, path: path, restliMethod: .batchPartialUpdate, budget: .configuration
    ) { request throws(APIError) in
        let keys = try integrationKeys(request)
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
        method: .put, path: configurationsPath, restliMethod: .batchUpdate, budget: .configuration
    ) { request throws(APIError) in
        let (key, ids) = try configurationRequest(request)
        let entities = try Batch.match(Batch.entities(request.body), to: ids)
        return PreparedOperation(recordCount: ids.count, countsRecords: false) { data, context throws(APIError) in
            _ = try namedIntegration(key, data: data, caller: context.caller)
            var outcome = BatchOutcome()
            for id in ids {
                guard let value = entities[id]?["configurationValue"]?["string"]?.stringValue, !value.isEmpty else {
                    outcome.failed(id, .invalid("configurationValue must be {\"string\": \"…\"}"))
                    continue
                }
                if id == "CALLBACK_URL", let problem = callbackURLProblem(value) ?? callbackURLTaken(value, by: key, data: data) {
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


    /// Compound keys from `ids[N].…` in the query, each checked once; organization keys must be the caller's.
    static func integrationKeys(_ request: APIRequest) throws(APIError) -> [IntegrationKey] {
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
        return keys
    }

    /// The integration key in the path and the configuration names in `ids`.
    static func configurationRequest(_ request: APIRequest) throws(APIError) -> (IntegrationKey, [String]) {
        guard let segment = request.call.pathParameters["parent"], !segment.isEmpty else {
            throw APIError.badRequest("Missing integration key in the path")
        }
        let key = try IntegrationKey(RestliKey.parse(mapKey: segment))
        if !key.type.takesContract { try checkOrganization(key.context, caller: request.caller) }
        let ids = try Batch.simpleIDs(request.query)
        if let unknown = ids.first(where: { !configurationNames.contains($0) }) {
            throw APIError.badRequest("Unknown configuration '\(unknown)' (\(configurationNames.sorted().joined(separator: ", ")))")
        }
        return (key, ids)
    }

    /// The named integration the caller may configure (403 for another organization's contract, 404 unnamed).
    static func namedIntegration(_ key: IntegrationKey, data: SimulatorData, caller: ApplicationRegistry.Application)
        throws(APIError) -> IntegrationRecord
    {
        if key.type.takesContract, data.recruiter.contracts[key.context] != caller.organization {
            throw APIError.forbidden("contract \(key.context) does not belong to this application")
        }
        guard let record = data.onboarding.integrations[key] else {
            throw APIError.notFound("Integration \(key.canonical) has not been named")
        }
        return record
    }

    static func checkOrganization(_ organization: String, caller: ApplicationRegistry.Application) throws(APIError) {
        guard organization == caller.organization else {
            throw APIError.forbidden("integrationContext \(organization) does not belong to this application")
        }
    }

    /// LinkedIn (Receive Push Events) wants HTTPS on port 443 or 80. The simulator also takes plain HTTP on any
    /// port of loopback, for tests and the sandbox.
    static func callbackURLProblem(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return "CALLBACK_URL must be an absolute URL"
        }
        if ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()), scheme == "http" || scheme == "https" {
            return nil
        }
        guard scheme == "https" else { return "CALLBACK_URL must use https" }
        if let port = url.port, port != 443, port != 80 { return "CALLBACK_URL must use port 443 or 80, not \(port)" }
        return nil
    }

    /// LinkedIn wants a callback URL unique per customer: the same URL on another organization's integration is refused.
    static func callbackURLTaken(_ url: String, by key: IntegrationKey, data: SimulatorData) -> String? {
        func organization(_ key: IntegrationKey) -> String? {
            key.type.takesContract ? data.recruiter.contracts[key.context] : key.context
        }
        let mine = organization(key)
        for (other, record) in data.onboarding.integrations where record.configurations["CALLBACK_URL"] == url {
            if organization(other) != mine { return "CALLBACK_URL is already another customer's; each customer needs its own" }
        }
        return nil
    }
}
