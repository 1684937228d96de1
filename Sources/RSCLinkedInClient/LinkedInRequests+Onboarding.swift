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

    /// `PUT /v2/atsIntegrations/{key}/configurations?ids=CALLBACK_URL[&ids=…VIEWERS]` (batch_update).
    /// Viewers, when given, are set to `ALL_PRODUCT_USERS`.
    public static func registerCallbackURL(
        _ url: String, integration: ATSIntegrationKey, jobPostingViewers: Bool = false, applicationViewers: Bool = false
    ) -> LinkedInRequest {
        var entities: [String: JSONValue] = ["CALLBACK_URL": configurationValue(url)]
        var ids = ["CALLBACK_URL"]
        if jobPostingViewers {
            ids.append("JOB_POSTING_VIEWERS")
            entities["JOB_POSTING_VIEWERS"] = configurationValue("ALL_PRODUCT_USERS")
        }
        if applicationViewers {
            ids.append("APPLICATION_VIEWERS")
            entities["APPLICATION_VIEWERS"] = configurationValue("ALL_PRODUCT_USERS")
        }
        return LinkedInRequest(
            method: .PUT, path: "/v2/atsIntegrations/\(integration.restliKey.pathForm)/configurations?" + idsQuery(ids),
            restliMethod: "batch_update", body: .object(["entities": .object(entities)]),
            call: "PUT /v2/atsIntegrations/{key}/configurations")
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
