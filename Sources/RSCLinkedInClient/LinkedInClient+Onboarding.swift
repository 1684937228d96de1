import RSCChangeEvents

/// Onboarding and Export to ATS calls. Provisioning takes the partner (parent) application; the rest a customer's child.
extension LinkedInClient {
    /// Creates the customer's child application. A 409 (one exists already) is thrown as `.rejected` with status 409;
    /// `provisionOrFindApplication` turns it into a lookup.
    public func provisionApplication(
        uniqueForeignId: String, name: String, description: String, callbackURLs: [String] = [], jsSdkDomains: [String] = [],
        partner: LinkedInApplication
    ) async throws -> ProvisionedApplication {
        let request = LinkedInRequests.provisionApplication(
            uniqueForeignId: uniqueForeignId, name: name, description: description, callbackURLs: callbackURLs, jsSdkDomains: jsSdkDomains)
        let answer = try await send(request, application: partner)
        guard let application = ElementDecoding.provisioned(answer) else {
            throw LinkedInError(kind: .unreadable, status: 200, message: "provisioning answer lacks key or credentials", call: request.call)
        }
        return application
    }

    /// The child application provisioned for `uniqueForeignId`, nil when there is none.
    public func findProvisionedApplication(uniqueForeignId: String, partner: LinkedInApplication) async throws -> ProvisionedApplication? {
        let answer = try await send(LinkedInRequests.findProvisionedApplication(uniqueForeignId: uniqueForeignId), application: partner)
        return ElementDecoding.elements(answer).lazy.compactMap(ElementDecoding.provisioned).first
    }

    /// Provisions, or on a 409 finds the one that exists: never a second child application.
    public func provisionOrFindApplication(
        uniqueForeignId: String, name: String, description: String, callbackURLs: [String] = [], jsSdkDomains: [String] = [],
        partner: LinkedInApplication
    ) async throws -> ProvisionedApplication {
        do {
            return try await provisionApplication(
                uniqueForeignId: uniqueForeignId, name: name, description: description, callbackURLs: callbackURLs,
                jsSdkDomains: jsSdkDomains, partner: partner)
        } catch let error as LinkedInError where error.status == 409 {
            guard let existing = try await findProvisionedApplication(uniqueForeignId: uniqueForeignId, partner: partner) else {
                throw LinkedInError(kind: .rejected, status: 409, message: "conflict, but no application found by uniqueForeignId", call: "GET /v2/provisionedApplications")
            }
            return existing
        }
    }

    /// Names integrations (batch_partial_update); the result per key.
    public func nameIntegrations(_ keys: [ATSIntegrationKey], name: String, application: LinkedInApplication) async throws -> [ATSIntegrationKey: RecordResult] {
        let answer = try await send(LinkedInRequests.nameIntegrations(keys, name: name), application: application)
        let results = Self.recordResults(answer, keys: keys.map { ($0.restliKey.bodyForm, $0.restliKey.bodyForm) })
        return Dictionary(keys.map { ($0, results[$0.restliKey.bodyForm] ?? .missing) }, uniquingKeysWith: { first, _ in first })
    }

    /// Registers the customer's callback URL on an integration; the result for CALLBACK_URL.
    public func registerCallbackURL(
        _ url: String, integration: ATSIntegrationKey, jobPostingViewers: Bool = false, applicationViewers: Bool = false,
        application: LinkedInApplication
    ) async throws -> RecordResult {
        let answer = try await send(
            LinkedInRequests.registerCallbackURL(url, integration: integration, jobPostingViewers: jobPostingViewers, applicationViewers: applicationViewers),
            application: application)
        return Self.recordResults(answer, keys: [("CALLBACK_URL", "CALLBACK_URL")])["CALLBACK_URL"] ?? .missing
    }

    /// The integrations an `INTEGRATION_STATUS_CHANGE` notification's request id reports.
    public func integrationStatus(requestId: String, application: LinkedInApplication) async throws -> [ATSIntegrationStatus] {
        let answer = try await send(LinkedInRequests.integrationStatus(requestId: requestId), application: application)
        return ElementDecoding.elements(answer).compactMap(ElementDecoding.integrationStatus)
    }

    /// The candidate an `EXPORT_CANDIDATE_PROFILE` notification's request id names (404 is `.rejected`).
    public func exportedCandidate(requestId: String, application: LinkedInApplication) async throws -> ExportedCandidate {
        let request = LinkedInRequests.exportedCandidate(requestId: requestId)
        let answer = try await send(request, application: application)
        guard let first = ElementDecoding.elements(answer).first, let candidate = ElementDecoding.exportedCandidate(first) else {
            throw LinkedInError(kind: .unreadable, status: 200, message: "exportedCandidates answer has no readable element", call: request.call)
        }
        return candidate
    }
}
