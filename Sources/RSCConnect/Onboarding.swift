import Foundation
import Logging
import PostgresNIO
import RSCExport
import RSCLinkedInClient
import RSCStore

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
        /// The domain that loads LinkedIn's widgets (the settings and candidate pages).
        public var widgetDomains = ["https://app.teamtailor.com"]

        public init(publicCallbackBaseURL: URL, partner: LinkedInApplication) {
            self.publicCallbackBaseURL = publicCallbackBaseURL
            self.partner = partner
        }
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
        let application = try await provisionedApplication(companyID: companyID, companyName: request.companyName)
        try await companies.recordActivation(
            companyID: companyID, teamtailorToken: request.teamtailorApiKey, applicationURN: application.key,
            clientID: application.credentials.clientID, clientSecret: application.credentials.clientSecret,
            activatedBy: request.actingUser.id)
        logger.info("company activated", metadata: ["company": "\(companyID)", "application": "\(application.key)"])
        let company = try await requireCompany(companyID)
        return Activation(
            companyId: companyID, status: company.status.rawValue, summary: company.status.summary,
            widget: .init(clientId: application.credentials.clientID))
    }

    /// The child application for the company: an existing one (a retry after a crash) or a new one; never two.
    /// Looking up first makes a retry cheap; a create that meets a 409 falls back to the lookup.
    func provisionedApplication(companyID: String, companyName: String) async throws -> ProvisionedApplication {
        do {
            if let existing = try await linkedIn.findProvisionedApplication(uniqueForeignId: companyID, partner: settings.partner) {
                return existing
            }
            return try await linkedIn.provisionOrFindApplication(
                uniqueForeignId: companyID, name: Self.applicationName(ats: settings.atsName, company: companyName),
                description: "\(settings.atsName) integration with LinkedIn Recruiter for company \(companyID)",
                jsSdkDomains: settings.widgetDomains, partner: settings.partner)
        } catch let error as LinkedInError {
            logger.warning("provisioning failed", metadata: ["company": "\(companyID)", "status": "\(error.status.map(String.init) ?? "-")"])
            throw OnboardingError.linkedIn("LinkedIn could not create the integration's application (\(error.status.map(String.init) ?? "no answer")); try again in a minute")
        }
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
            let registered = try await linkedIn.registerCallbackURL(
                callbackURL, integration: ATSIntegrationKey(context: request.organizationUrn, type: .oneClickExport),
                application: application)
            for result in Array(named.values) + [registered] {
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

    func status(companyID: String) async throws -> AdminStatus {
        let company = try await requireCompany(companyID)
        return try await AdminStatus.load(company: company, postgres: postgres, logger: logger, now: now())
    }

    func candidate(companyID: String, candidateID: String) async throws -> CandidateLinkStatus {
        guard candidateID.wholeMatch(of: /[0-9A-Za-z_-]{1,64}/) != nil else {
            throw OnboardingError.invalid("the candidate id must be 1–64 letters, digits, '-' or '_'")
        }
        let company = try await requireCompany(companyID)
        return try await CandidateLinkStatus.load(company: company, candidateID: candidateID, postgres: postgres, logger: logger)
    }

    /// Stops the company's work at once and queues the deletion of its LinkedIn data; the disconnect
    /// worker deletes it and then forgets the credentials.
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
