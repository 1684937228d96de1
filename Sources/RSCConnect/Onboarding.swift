import Foundation
import Logging
import PostgresNIO
import RSCConfiguration
import RSCExport
import RSCLinkedInClient
import RSCStore
import RSCTeamtailorClient

/// Connecting a company, step by step, as the admin walks through Teamtailor's settings page:
/// activate (child application) → LinkedIn's widget → integration (names, callback URL) → LinkedIn's
/// admin enables it (a push, handled by the export processor) → first global sync. Plus settings,
/// status, the candidate box, and disconnecting.
public struct Onboarding: Sendable {
    public struct Settings: Sendable {
        /// Where LinkedIn reaches this fleet's public listener: `<base>/linkedin/callbacks/<token>`.
        public var publicCallbackBaseURL: URL
        /// The partner (parent) application: may only provision child applications.
        public var partner: LinkedInApplication
        /// Shown in LinkedIn as "<atsName> - <company>".
        public var atsName = "Teamtailor"
        /// `TEAMTAILOR_APP_URL`: its origin loads LinkedIn's widgets (the settings and candidate pages).
        public var teamtailorAppURL: URL
        /// This deployment's Teamtailor API (its region): activation refuses a key it does not accept
        /// (docs/operations.md, "Teamtailor regions"). nil: the key is not checked.
        public var teamtailor: TeamtailorClient?

        public init(publicCallbackBaseURL: URL, partner: LinkedInApplication, teamtailorAppURL: URL = URL(string: TeamtailorAppURL.defaultValue)!) {
            self.publicCallbackBaseURL = publicCallbackBaseURL
            self.partner = partner
            self.teamtailorAppURL = teamtailorAppURL
        }

        /// The child application's `validJsSdkDomains`.
        var jsSdkDomains: [String] { [TeamtailorAppURL.origin(teamtailorAppURL)] }
    }

    let settings: Settings
    let postgres: PostgresClient
    let companies: CompanyStore
    let directory: CallbackDirectory
    let linkedIn: LinkedInClient
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        settings: Settings, postgres: PostgresClient, companies: CompanyStore, directory: CallbackDirectory,
        linkedIn: LinkedInClient, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.settings = settings
        self.postgres = postgres
        self.companies = companies
        self.directory = directory
        self.linkedIn = linkedIn
        self.logger = logger
        self.now = now
    }

    /// What the settings page needs to show LinkedIn's onboarding widget.
    public struct Activation: Encodable, Sendable {
        var companyId: String
        var status: String
        var summary: String
        var widget: Widget

        struct Widget: Encodable, Sendable {
            var clientId: String
            var extensionName = "ATSIntegrationWidget@https://platform.linkedin.com/rsc/extensions/onboarding-widget"
        }
    }

    public struct StatusStep: Encodable, Sendable {
        var companyId: String
        var status: String
        var summary: String
        var reason: String?
    }

    // MARK: - Steps

    func activate(companyID: String, _ request: ActivateRequest) async throws -> Activation {
        guard request.actingUser.isAdmin else { throw OnboardingError.adminRequired }
        guard !request.teamtailorApiKey.isEmpty else { throw OnboardingError.invalid("teamtailorApiKey must not be empty") }
        try await checkTeamtailorKey(companyID: companyID, request.teamtailorApiKey)
        let clientID: String
        do {
            var reusable = try await storedApplication(companyID)
            if let stored = reusable {
                // Activated before (a retry, or again after a crash): the secret is ours already. The domain may
                // have changed since, so it is set again. A 404 means LinkedIn no longer has the application.
                do {
                    try await linkedIn.updateApplication(key: stored.key, validJsSdkDomains: settings.jsSdkDomains, partner: settings.partner)
                } catch let error as LinkedInError where error.status == 404 {
                    logger.notice("stored child application is gone from LinkedIn; creating a new one", metadata: ["company": "\(companyID)", "application": "\(stored.key)"])
                    reusable = nil
                }
            }
            if let stored = reusable {
                try await companies.recordActivation(
                    companyID: companyID, teamtailorToken: request.teamtailorApiKey, applicationURN: stored.key,
                    clientID: stored.application.clientID, clientSecret: stored.application.clientSecret,
                    activatedBy: request.actingUser.id)
                clientID = stored.application.clientID
            } else {
                switch try await provisionApplication(companyID: companyID, companyName: request.companyName) {
                case .created(let application):
                    // LinkedIn shows the secret in this answer only: it is sealed and stored before anything else.
                    try await companies.recordActivation(
                        companyID: companyID, teamtailorToken: request.teamtailorApiKey, applicationURN: application.key,
                        clientID: application.credentials.clientID, clientSecret: application.credentials.clientSecret,
                        activatedBy: request.actingUser.id)
                    clientID = application.credentials.clientID
                case .existsWithoutSecret(let existing):
                    let remedy = Self.secretMissingRemedy(applicationURN: existing.key)
                    try await companies.recordApplicationWithoutSecret(
                        companyID: companyID, teamtailorToken: request.teamtailorApiKey, applicationURN: existing.key,
                        activatedBy: request.actingUser.id, reason: remedy)
                    logger.error("child application exists but its secret is not held", metadata: ["company": "\(companyID)", "application": "\(existing.key)"])
                    throw OnboardingError.applicationSecretMissing(remedy)
                }
            }
        } catch let error as LinkedInError {
            logger.warning("provisioning failed", metadata: ["company": "\(companyID)", "status": "\(error.status.map(String.init) ?? "-")"])
            throw OnboardingError.linkedIn("LinkedIn could not set up the integration's application (\(error.status.map(String.init) ?? "no answer")); try again in a minute")
        }
        logger.info("company activated", metadata: ["company": "\(companyID)"])
        let company = try await requireCompany(companyID)
        return Activation(
            companyId: companyID, status: company.status.rawValue, summary: company.status.summary,
            widget: .init(clientId: clientID))
    }

    /// One deployment serves one Teamtailor region: a key this region's API refuses (another region's, or a
    /// revoked one) stops the activation before anything is provisioned at LinkedIn.
    func checkTeamtailorKey(companyID: String, _ key: String) async throws {
        guard let teamtailor = settings.teamtailor else { return }
        do {
            try await teamtailor.verifyKey(credentials: TeamtailorCredentials(apiKey: key))
        } catch let error as TeamtailorError where error.verdict == .unauthorized {
            logger.warning("activation refused: Teamtailor refused the key", metadata: ["company": "\(companyID)", "status": "\(error.status ?? 0)"])
            throw OnboardingError.teamtailorKeyRefused(host: teamtailor.host)
        } catch let error as TeamtailorError {
            logger.warning("activation failed: Teamtailor did not accept the key check", metadata: ["company": "\(companyID)", "status": "\(error.status.map(String.init) ?? "-")"])
            throw OnboardingError(
                status: 502, code: "teamtailor_unavailable",
                "Teamtailor's API at \(teamtailor.host) did not answer the key check (\(error.status.map(String.init) ?? "no answer")); try again in a minute")
        }
    }

    /// What the admin reads when LinkedIn has the company's application and this service lacks its secret.
    static func secretMissingRemedy(applicationURN: String) -> String {
        "LinkedIn already has this company's application (\(applicationURN)), but this service does not hold its client "
            + "secret: LinkedIn shows a secret only once, when it creates the application. Ask LinkedIn's partner support "
            + "to delete that application, then activate again."
    }

    /// The company's child application and its credentials, when this service holds its secret (a disconnected
    /// company's too: reconnecting reuses them).
    func storedApplication(_ companyID: String) async throws -> (key: String, application: LinkedInApplication)? {
        guard try await companies.find(companyID) != nil, let key = try await companies.applicationURN(companyID),
              let held = try await companies.childApplicationCredentials(companyID)
        else { return nil }
        return (key, LinkedInApplication(clientID: held.clientID, clientSecret: held.clientSecret))
    }

    /// A new child application for the company, or word that one exists (never two). No lookup comes first: a
    /// lookup never gives the secret, so only a create can.
    func provisionApplication(companyID: String, companyName: String) async throws -> ProvisioningOutcome {
        try await linkedIn.provisionOrReportApplication(
            uniqueForeignId: companyID, name: Self.applicationName(ats: settings.atsName, company: companyName),
            description: "\(settings.atsName) integration with LinkedIn Recruiter for company \(companyID)",
            jsSdkDomains: settings.jsSdkDomains, partner: settings.partner)
    }

    /// LinkedIn's rules for a child application's name: at most 50 characters and never the word "LinkedIn".
    static func applicationName(ats: String, company: String) -> String {
        let cleaned = company.replacingOccurrences(of: "linkedin", with: "", options: .caseInsensitive)
            .trimmingCharacters(in: .whitespaces)
        let name = cleaned.isEmpty ? ats : "\(ats) - \(cleaned)"
        return String(name.prefix(50)).trimmingCharacters(in: .whitespaces)
    }

    func recordIntegration(companyID: String, _ request: IntegrationRequest) async throws -> StatusStep {
        guard request.actingUser.isAdmin else { throw OnboardingError.adminRequired }
        guard request.organizationUrn.wholeMatch(of: /urn:li:organization:[0-9]{1,19}/) != nil else {
            throw OnboardingError.invalid("organizationUrn must look like urn:li:organization:123")
        }
        guard !request.contractUrns.isEmpty,
              request.contractUrns.allSatisfy({ $0.wholeMatch(of: /urn:li:contract:[0-9]{1,19}/) != nil })
        else { throw OnboardingError.invalid("contractUrns must hold at least one urn:li:contract:N") }
        let company = try await requireCompany(companyID)
        guard company.status != .disconnecting, company.status != .disconnected else {
            throw OnboardingError.conflict("the company is disconnected; activate it again first")
        }
        let credentials = try await companies.credentials(companyID)
        guard let clientID = credentials.linkedInClientID, let secret = credentials.linkedInClientSecret else {
            if let application = try await companies.applicationURN(companyID) {
                throw OnboardingError.applicationSecretMissing(Self.secretMissingRemedy(applicationURN: application))
            }
            throw OnboardingError.conflict("activate the company first")
        }
        // The organization is stored before LinkedIn learns the callback URL, so the first push checks against it.
        try await companies.recordIntegration(companyID: companyID, organizationURN: request.organizationUrn, contractURNs: request.contractUrns)
        let token = try await directory.issueToken(companyID: companyID)
        let callbackURL = settings.publicCallbackBaseURL.appendingPathComponent("linkedin/callbacks/\(token)").absoluteString
        let application = LinkedInApplication(clientID: clientID, clientSecret: secret)
        let keys = ATSIntegrationKey.all(organization: request.organizationUrn, contracts: request.contractUrns)
        do {
            let named = try await linkedIn.nameIntegrations(keys, name: settings.atsName, application: application)
            // JOB_POSTING_VIEWERS is required when a customer uses no ACLs (this integration sends none), on the
            // ONE_CLICK_EXPORT key; APPLICATION_VIEWERS on IN_ATS_INDICATOR's, as LinkedIn's collection puts them.
            let exportConfiguration = try await linkedIn.configureIntegration(
                [("CALLBACK_URL", callbackURL), ("JOB_POSTING_VIEWERS", Self.allProductUsers)],
                integration: ATSIntegrationKey(context: request.organizationUrn, type: .oneClickExport), application: application)
            let indicatorConfiguration = try await linkedIn.configureIntegration(
                [("APPLICATION_VIEWERS", Self.allProductUsers)],
                integration: ATSIntegrationKey(context: request.organizationUrn, type: .inATSIndicator), application: application)
            for result in Array(named.values) + Array(exportConfiguration.values) + Array(indicatorConfiguration.values) {
                switch result {
                case .accepted: continue
                case .refused(let status, let message):
                    throw LinkedInError(kind: .rejected, status: status, message: message, call: "POST /v2/atsIntegrations")
                case .missing:
                    throw LinkedInError(kind: .unreadable, status: 200, message: "no result for an integration", call: "POST /v2/atsIntegrations")
                }
            }
        } catch let error as LinkedInError {
            try await CompanyErrorLog(client: postgres, logger: logger).record(
                companyID: companyID, source: .onboarding, cause: "integration_registration_failed",
                message: "LinkedIn did not accept the integration set-up (\(error.status.map(String.init) ?? "no answer")); finish the set-up again.",
                subject: nil, at: now())
            throw OnboardingError.linkedIn("LinkedIn did not accept the integration set-up (\(error.status.map(String.init) ?? "no answer")); try again")
        }
        logger.info("integration registered", metadata: ["company": "\(companyID)", "organization": "\(request.organizationUrn)"])
        let updated = try await requireCompany(companyID)
        return StatusStep(companyId: companyID, status: updated.status.rawValue, summary: updated.status.summary, reason: updated.statusReason)
    }

    public struct SettingsChange: Encodable, Sendable {
        var companyId: String
        var jobsPrivate: Bool
        /// Job postings queued to be sent again with the new availability (0 when nothing changed).
        var jobsResent: Int
    }

    func updateSettings(companyID: String, _ request: SettingsRequest) async throws -> SettingsChange {
        guard request.actingUser.isAdmin else { throw OnboardingError.adminRequired }
        _ = try await requireCompany(companyID)
        let resent = try await companies.setJobsPrivate(companyID, request.jobsPrivate)
        logger.info("jobs availability changed", metadata: ["company": "\(companyID)", "jobsPrivate": "\(request.jobsPrivate)", "jobs": "\(resent)"])
        return SettingsChange(companyId: companyID, jobsPrivate: request.jobsPrivate, jobsResent: resent)
    }

    /// The viewers value LinkedIn's collection sets: every Recruiter user of the contract sees the jobs / applications.
    static let allProductUsers = "ALL_PRODUCT_USERS"

    /// `verifyIntegrations` also asks LinkedIn, in one BATCH_GET, how each integration stands (a configuration
    /// call: LinkedIn allows 5,000 a day, so only when the admin asks).
    func status(companyID: String, verifyIntegrations: Bool = false) async throws -> AdminStatus {
        let company = try await requireCompany(companyID)
        var status = try await AdminStatus.load(company: company, postgres: postgres, logger: logger, now: now())
        if verifyIntegrations { status.integrations = try await integrationChecks(company) }
        return status
    }

    /// Each integration as LinkedIn reports it; a LinkedIn failure is a line in the answer, not a failed status.
    func integrationChecks(_ company: Company) async throws -> [AdminStatus.IntegrationCheck] {
        guard let organization = company.organizationURN else { return [] }
        let credentials = try await companies.credentials(company.id)
        guard let clientID = credentials.linkedInClientID, let secret = credentials.linkedInClientSecret else { return [] }
        let keys = ATSIntegrationKey.all(organization: organization, contracts: company.contractURNs)
        let answers: [ATSIntegrationKey: ATSIntegrationCheck]
        do {
            answers = try await linkedIn.integrations(keys, application: LinkedInApplication(clientID: clientID, clientSecret: secret))
        } catch let error as LinkedInError {
            logger.warning("integration check failed", metadata: ["company": "\(company.id)", "status": "\(error.status.map(String.init) ?? "-")"])
            return keys.map {
                .init(type: $0.type.rawValue, context: $0.context, state: "unknown",
                      detail: "LinkedIn did not answer the check (\(error.status.map(String.init) ?? "no answer")); try again later")
            }
        }
        return keys.map { key in
            switch answers[key] ?? .missing {
            case .named(_, let status):
                guard let status else {
                    return .init(type: key.type.rawValue, context: key.context, state: "named", detail: "named; a LinkedIn Recruiter admin has not enabled it yet")
                }
                return .init(type: key.type.rawValue, context: key.context, state: status.lowercased(), detail: nil)
            case .refused(let status, let message):
                return .init(type: key.type.rawValue, context: key.context, state: status == 404 ? "missing" : "refused",
                             detail: status == 404 ? "LinkedIn does not know this integration; finish the set-up again" : message)
            case .missing:
                return .init(type: key.type.rawValue, context: key.context, state: "unknown", detail: "LinkedIn's answer did not mention it")
            }
        }
    }

    func candidate(companyID: String, candidateID: String) async throws -> CandidateLinkStatus {
        guard candidateID.wholeMatch(of: /[0-9A-Za-z_-]{1,64}/) != nil else {
            throw OnboardingError.invalid("the candidate id must be 1–64 letters, digits, '-' or '_'")
        }
        let company = try await requireCompany(companyID)
        return try await CandidateLinkStatus.load(company: company, candidateID: candidateID, postgres: postgres, logger: logger)
    }

    /// Stops the company's work at once and queues the deletion of its LinkedIn data; the disconnect
    /// worker deletes it and then forgets the Teamtailor key and callback token (`CompanyStore.forgetCredentials`).
    func disconnect(companyID: String, _ request: DisconnectRequest) async throws -> StatusStep {
        guard request.actingUser.isAdmin else { throw OnboardingError.adminRequired }
        let company = try await requireCompany(companyID)
        if company.status != .disconnected {
            try await companies.setStatus(companyID, .disconnecting, reason: "disconnected by user \(request.actingUser.id)")
            await directory.forget()
        }
        let updated = try await requireCompany(companyID)
        logger.notice("company disconnecting", metadata: ["company": "\(companyID)"])
        return StatusStep(companyId: companyID, status: updated.status.rawValue, summary: updated.status.summary, reason: nil)
    }

    func requireCompany(_ companyID: String) async throws -> Company {
        guard let company = try await companies.find(companyID) else { throw OnboardingError.notFound(companyID) }
        return company
    }
}
