import RSCChangeEvents

/// Onboarding and Export to ATS calls. Provisioning takes the partner (parent) application; the rest a customer's child.
extension LinkedInClient {
    /// Creates the customer's child application. A 409 (one exists already) is thrown as `.rejected` with status 409;
    /// `provisionOrReportApplication` turns it into a lookup.
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

    /// The child application provisioned for `uniqueForeignId` (no secret: the lookup never shows it), nil when none.
    public func findProvisionedApplication(uniqueForeignId: String, partner: LinkedInApplication) async throws -> ProvisionedApplicationListing? {
        let answer = try await send(LinkedInRequests.findProvisionedApplication(uniqueForeignId: uniqueForeignId), application: partner)
        return ElementDecoding.elements(answer).lazy.compactMap(ElementDecoding.provisionedListing).first
    }

    /// Creates the child application, or on a 409 reports the one that exists (whose secret LinkedIn will not show):
    /// never a second child application.
    public func provisionOrReportApplication(
        uniqueForeignId: String, name: String, description: String, callbackURLs: [String] = [], jsSdkDomains: [String] = [],
        partner: LinkedInApplication
    ) async throws -> ProvisioningOutcome {
        do {
            return .created(try await provisionApplication(
                uniqueForeignId: uniqueForeignId, name: name, description: description, callbackURLs: callbackURLs,
                jsSdkDomains: jsSdkDomains, partner: partner))
        } catch let error as LinkedInError where error.status == 409 {
            guard let existing = try await findProvisionedApplication(uniqueForeignId: uniqueForeignId, partner: partner) else {
                throw LinkedInError(kind: .rejected, status: 409, message: "conflict, but no application found by uniqueForeignId", call: "GET /v2/provisionedApplications")
            }
            return .existsWithoutSecret(existing)
        }
    }

    /// Sets a child application's JS SDK domains and/or OAuth callback URLs (partial update; the others stay).
    public func updateApplication(
        key: String, validJsSdkDomains: [String]? = nil, oauth2AuthorizedCallbackUrls: [String]? = nil, partner: LinkedInApplication
    ) async throws {
        _ = try await send(
            LinkedInRequests.updateApplication(key: key, validJsSdkDomains: validJsSdkDomains, oauth2AuthorizedCallbackUrls: oauth2AuthorizedCallbackUrls),
            application: partner)
    }

    /// Names integrations (batch_partial_update); the result per key.
    public func nameIntegrations(_ keys: [ATSIntegrationKey], name: String, application: LinkedInApplication) async throws -> [ATSIntegrationKey: RecordResult] {
        let answer = try await send(LinkedInRequests.nameIntegrations(keys, name: name), application: application)
        let results = Self.recordResults(answer, keys: keys.map { ($0.restliKey.bodyForm, $0.restliKey.bodyForm) })
        return Dictionary(keys.map { ($0, results[$0.restliKey.bodyForm] ?? .missing) }, uniquingKeysWith: { first, _ in first })
    }

    /// Sets configurations (`CALLBACK_URL`, `JOB_POSTING_VIEWERS`, `APPLICATION_VIEWERS`) on one integration; the
    /// result per configuration name.
    public func configureIntegration(
        _ values: [(name: String, value: String)], integration: ATSIntegrationKey, application: LinkedInApplication
    ) async throws -> [String: RecordResult] {
        let answer = try await send(LinkedInRequests.configureIntegration(values, integration: integration), application: application)
        return Self.recordResults(answer, keys: values.map { ($0.name, $0.name) })
    }

    /// Reads integrations in one BATCH_GET; the answer's keys are read structurally (any field order or encoding).
    public func integrations(_ keys: [ATSIntegrationKey], application: LinkedInApplication) async throws -> [ATSIntegrationKey: ATSIntegrationCheck] {
        let answer = try await send(LinkedInRequests.integrations(keys), application: application)
        return Self.decodeIntegrationChecks(answer, keys: keys)
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
