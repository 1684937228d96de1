import RSCChangeEvents

/// Onboarding and Export to ATS request shapes: provisioning (partner token), naming integrations, the callback
/// URL, the admin's status and exported candidates (child token).
extension LinkedInRequests {
    /// `POST /v2/provisionedApplications` (a plain create).
    public static func provisionApplication(
        uniqueForeignId: String, name: String, description: String, callbackURLs: [String] = [], jsSdkDomains: [String] = []
    ) -> LinkedInRequest {
        LinkedInRequest(
            method: .POST, path: "/v2/provisionedApplications", restliMethod: nil,
            body: .object([
                "uniqueForeignId": .string(uniqueForeignId), "name": .string(name), "description": .string(description),
                "oauth2AuthorizedCallbackUrls": .array(callbackURLs.map(JSONValue.string)),
                "validJsSdkDomains": .array(jsSdkDomains.map(JSONValue.string)),
            ]),
            call: "POST /v2/provisionedApplications")
    }

    public static func findProvisionedApplication(uniqueForeignId: String) -> LinkedInRequest {
        LinkedInRequest(
            method: .GET, path: "/v2/provisionedApplications?q=credentialsByUniqueForeignId&uniqueForeignId=\(RestliKey.encode(uniqueForeignId))",
            restliMethod: nil, body: nil, call: "GET /v2/provisionedApplications")
    }

    /// `POST /v2/atsIntegrations?ids[…]` (batch_partial_update, `$set integrationName`), one key per integration.
    public static func nameIntegrations(_ keys: [ATSIntegrationKey], name: String) -> LinkedInRequest {
        var entities: [String: JSONValue] = [:]
        for key in keys {
            entities[key.restliKey.bodyForm] = .object(["patch": .object(["$set": .object(["integrationName": .string(name)])])])
        }
        return LinkedInRequest(
            method: .POST, path: "/v2/atsIntegrations?" + RestliKey.queryForm(keys.map(\.restliKey)),
            restliMethod: "batch_partial_update", body: .object(["entities": .object(entities)]),
            call: "POST /v2/atsIntegrations")
    }

    /// `PUT /v2/atsIntegrations/{key}/configurations?ids=NAME[&ids=…]` (batch_update), each value
    /// `{"configurationValue": {"string": …}}` (LinkedIn's collection, "Sync Integration Configuration").
    public static func configureIntegration(_ values: [(name: String, value: String)], integration: ATSIntegrationKey) -> LinkedInRequest {
        var entities: [String: JSONValue] = [:]
        for (name, value) in values { entities[name] = configurationValue(value) }
        return LinkedInRequest(
            method: .PUT, path: "/v2/atsIntegrations/\(integration.restliKey.pathForm)/configurations?" + idsQuery(values.map(\.name)),
            restliMethod: "batch_update", body: .object(["entities": .object(entities)]),
            call: "PUT /v2/atsIntegrations/{key}/configurations")
    }

    /// `GET /v2/atsIntegrations?ids[0].integrationContext=…&…` (batch_get, "Verify Customer's ATSIntegrations").
    public static func integrations(_ keys: [ATSIntegrationKey]) -> LinkedInRequest {
        LinkedInRequest(
            method: .GET, path: "/v2/atsIntegrations?" + RestliKey.queryForm(keys.map(\.restliKey)),
            restliMethod: nil, body: nil, call: "GET /v2/atsIntegrations (batch_get)")
    }

    /// `POST /v2/provisionedApplications/{urn}` with `{"patch": {"$set": {…}}}`, as LinkedIn's collection and SDK send
    /// it: the URN raw in the path, no `x-restli-method`.
    public static func updateApplication(key: String, validJsSdkDomains: [String]?, oauth2AuthorizedCallbackUrls: [String]?) -> LinkedInRequest {
        var set: [String: JSONValue] = [:]
        if let validJsSdkDomains { set["validJsSdkDomains"] = .array(validJsSdkDomains.map(JSONValue.string)) }
        if let oauth2AuthorizedCallbackUrls { set["oauth2AuthorizedCallbackUrls"] = .array(oauth2AuthorizedCallbackUrls.map(JSONValue.string)) }
        return LinkedInRequest(
            method: .POST, path: "/v2/provisionedApplications/\(key)", restliMethod: nil,
            body: .object(["patch": .object(["$set": .object(set)])]), call: "POST /v2/provisionedApplications/{key}")
    }

    public static func integrationStatus(requestId: String) -> LinkedInRequest {
        LinkedInRequest(
            method: .GET, path: "/v2/atsIntegrations?q=request&requestId=\(RestliKey.encode(requestId))",
            restliMethod: nil, body: nil, call: "GET /v2/atsIntegrations (request)")
    }

    public static func exportedCandidate(requestId: String) -> LinkedInRequest {
        LinkedInRequest(
            method: .GET, path: "/v2/exportedCandidates?q=request&requestId=\(RestliKey.encode(requestId))",
            restliMethod: nil, body: nil, call: "GET /v2/exportedCandidates")
    }

    static func configurationValue(_ value: String) -> JSONValue {
        .object(["configurationValue": .object(["string": .string(value)])])
    }
}
