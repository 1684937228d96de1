import Foundation

/// A provisioned child application as the inspection API shows it (never its secret).
public struct SimulatedProvisionedApplication: Sendable, Equatable {
    public var uniqueForeignId: String
    public var key: String
    public var name: String
    public var clientID: String
    /// Empty until `completeOnboarding` binds it.
    public var organization: String
}

/// A named integration as the inspection API shows it.
public struct SimulatedIntegration: Sendable, Equatable {
    public var integrationContext: String
    public var type: IntegrationType
    public var name: String
    public var status: IntegrationStatus?
    public var configurations: [String: String]
}

/// What a Recruiter admin's enable/disable produced: the request id and the push (nil without a callback URL).
public struct IntegrationStatusChange: Sendable, Equatable {
    public var requestId: String
    public var delivery: NotificationDelivery?
}

/// An export: the request id to read it by and the push.
public struct ExportOutcome: Sendable, Equatable {
    public var requestId: String
    public var delivery: NotificationDelivery?
}

/// Everything LinkedIn holds for one organization, for "nothing of the company left" checks.
public struct OrganizationHoldings: Sendable, Equatable {
    public var organization: String
    /// Jobs cannot be deleted through RSC, only closed: they are counted apart.
    public var listedJobs: Int
    public var closedJobs: Int
    public var candidates: Int
    public var applications: Int
    /// Notes, interview feedback and stages, by resource name.
    public var subRecords: [String: Int]
    public var integrations: Int
    /// Configurations (callback URL, viewers) over all integrations.
    public var configurations: Int

    /// No candidate, application, sub-record or listed job is left (closed jobs and integrations may stay).
    public var customerDataGone: Bool {
        listedJobs == 0 && candidates == 0 && applications == 0 && subRecords.values.allSatisfy { $0 == 0 }
    }
}

/// Onboarding, pushes and exports, scripted in-process (the `/_simulator` routes wrap these).
extension SimulatorState {
    // MARK: Provisioning

    /// Child applications created through provisioning, by uniqueForeignId.
    public func provisionedApplications() -> [SimulatedProvisionedApplication] {
        data.onboarding.provisioned.values.sorted { $0.uniqueForeignId < $1.uniqueForeignId }.map { application in
            SimulatedProvisionedApplication(
                uniqueForeignId: application.uniqueForeignId, key: application.key, name: application.name,
                clientID: application.clientID, organization: registry.applications[application.clientID]?.organization ?? "")
        }
    }

    /// How many child applications exist for one uniqueForeignId (provisioning never makes a second).
    public func childApplicationCount(uniqueForeignId: String) -> Int {
        data.onboarding.provisioned.values.filter { $0.uniqueForeignId == uniqueForeignId }.count
    }

    /// The onboarding widget finished: the child application now serves `organization`. False for an unknown client.
    @discardableResult
    public func completeOnboarding(clientID: String, organization: String) -> Bool {
        guard let application = registry.applications[clientID], application.role == .child else { return false }
        registry.register(
            clientID: clientID, clientSecret: application.clientSecret, organization: OrganizationURN.normalize(organization))
        return true
    }

    /// LinkedIn's partner support deletes a child application (RSC has no API for it): it is gone from the lookup,
    /// its updates are 404 and its credentials get no token. False when there is none for the id.
    @discardableResult
    public func deleteProvisionedApplication(uniqueForeignId: String) -> Bool {
        guard let application = data.onboarding.provisioned.removeValue(forKey: uniqueForeignId) else { return false }
        _ = registry.setRevoked(true, clientID: application.clientID)
        return true
    }

    // MARK: Integrations

    public func integrations(organization: String) -> [SimulatedIntegration] {
        let organization = OrganizationURN.normalize(organization)
        return data.onboarding.integrations(of: organization, contracts: data.recruiter.contracts(of: organization)).map {
            SimulatedIntegration(
                integrationContext: $0.key.context, type: $0.key.type, name: $0.record.name, status: $0.record.status,
                configurations: $0.record.configurations)
        }
    }

    /// The customer's Recruiter admin enables (or disables) the integrations the partner named for the organization
    /// (its own and its contracts'): records the status under a new request id and pushes `INTEGRATION_STATUS_CHANGE`.
    public func setIntegrationStatus(_ status: IntegrationStatus, organization: String) async throws(SimulatorScriptError)
        -> IntegrationStatusChange
    {
        let organization = OrganizationURN.normalize(organization)
        let named = data.onboarding.integrations(of: organization, contracts: data.recruiter.contracts(of: organization))
        guard !named.isEmpty else {
            throw .conflict("No integration is named for \(organization): there is nothing an admin could enable")
        }
        let requestID = newID()
        let now = clock.now()
        for (key, _) in named { data.onboarding.integrations[key]!.status = status }
        data.onboarding.statusRequests[requestID] = IntegrationStatusRequest(
            requestId: requestID, organization: organization, changedAt: now,
            integrations: named.map { (key: $0.key, name: $0.record.name, status: status) })
        let delivery = await push(.integrationStatusChange, requestID: requestID, organization: organization)
        return IntegrationStatusChange(requestId: requestID, delivery: delivery)
    }

    /// Marks CSA_API of a contract named and enabled without a push (scenarios and benchmarks that skip onboarding).
    public func grantRecruiterData(contract: String) throws(SimulatorScriptError) {
        guard data.recruiter.contracts[contract] != nil else { throw .notFound("No contract \(contract)") }
        let key = IntegrationKey(context: contract, type: .csaAPI)
        data.onboarding.integrations[key, default: IntegrationRecord(name: "Recruiter data")].status = .enabled
    }

    // MARK: Push

    /// Every delivery so far (first deliveries and re-deliveries), oldest first; optionally of one organization.
    public func notificationDeliveries(organization: String? = nil) -> [NotificationDelivery] {
        let organization = organization.map(OrganizationURN.normalize)
        return notifications.deliveries.filter { organization == nil || $0.notification.integrationContext == organization }
    }

    /// Sends the same notification (same notificationId, body and signature) again, as LinkedIn may.
    public func redeliver(notificationId: String) async throws(SimulatorScriptError) -> NotificationDelivery {
        guard let notification = notifications.notifications[notificationId] else {
            throw .notFound("No notification \(notificationId)")
        }
        guard let target = callbackTarget(notification.integrationContext) else {
            throw .conflict("\(notification.integrationContext) has no callback URL")
        }
        let clock = self.clock
        let delivery = await pusher.deliver(
            notification, to: target.url, secret: target.secret, redelivery: true, now: { clock.now() })
        notifications.append(delivery)
        return delivery
    }

    /// LinkedIn's validation challenge against the organization's callback URL.
    public func validateCallback(organization: String) async throws(SimulatorScriptError) -> CallbackValidation {
        guard let target = callbackTarget(OrganizationURN.normalize(organization)) else {
            throw .conflict("\(organization) has no callback URL")
        }
        let child = data.onboarding.provisioned.values.first { $0.clientID == target.clientID }
        return await pusher.challenge(
            url: target.url, secret: target.secret, code: ProvisioningRoutes.randomToken(24), applicationId: child?.applicationID)
    }

    // MARK: Export to ATS

    /// A recruiter on `seat` exports a member's profile to the ATS (optionally to synced job `atsJobPostingId`):
    /// stored under a new request id, then `EXPORT_CANDIDATE_PROFILE` is pushed.
    public func exportCandidate(
        organization: String, seat: String, profile: ExportedProfile, atsJobPostingId: String? = nil
    ) async throws(SimulatorScriptError) -> ExportOutcome {
        let organization = OrganizationURN.normalize(organization)
        guard let seatRecord = data.recruiter.seats[seat] else { throw .notFound("No seat \(seat)") }
        guard data.recruiter.contracts[seatRecord.contract] == organization else {
            throw .badRequest("Seat \(seat) is not a seat of \(organization)")
        }
        guard data.onboarding.integrations[IntegrationKey(context: organization, type: .oneClickExport)]?.status == .enabled
        else { throw .conflict("ONE_CLICK_EXPORT is not enabled for \(organization)") }
        guard RecruiterURN.person.isValid(profile.person) else { throw .badRequest("person must be urn:li:person:…") }
        if let job = atsJobPostingId, data.tenants[organization]?.jobPostings[job] == nil {
            throw .badRequest("Job \(job) is not synced for \(organization); the export job picker lists synced jobs only")
        }
        let now = clock.now()
        let month = Self.monthKey(now)
        let counterKey = "\(seat)|\(month)"
        guard data.recruiter.exportsPerSeatMonth[counterKey, default: 0] < 300 else {
            throw SimulatorScriptError(status: 429, "Seat \(seat) has used its 300 exports this month")
        }
        data.recruiter.exportsPerSeatMonth[counterKey, default: 0] += 1
        let requestID = newID()
        data.recruiter.exports[requestID] = ExportRecord(
            requestId: requestID, integrationContext: organization, exportedAt: now.epochMilliseconds,
            exporter: seatRecord, atsJobPostingId: atsJobPostingId, candidate: profile)
        let delivery = await push(.exportCandidateProfile, requestID: requestID, organization: organization)
        return ExportOutcome(requestId: requestID, delivery: delivery)
    }

    // MARK: Disconnect check

    public func holdings(organization: String) -> OrganizationHoldings {
        let organization = OrganizationURN.normalize(organization)
        let tenant = data.tenants[organization] ?? TenantStore()
        let closed = tenant.jobPostings.values.filter { $0["state"]?.stringValue == "CLOSED" }.count
        var subRecords: [String: Int] = [:]
        for resource in SimulatedResource.allCases where resource.isSubResource {
            subRecords[resource.rawValue] = tenant.count(resource)
        }
        let integrations = data.onboarding.integrations(of: organization, contracts: data.recruiter.contracts(of: organization))
        return OrganizationHoldings(
            organization: organization, listedJobs: tenant.jobPostings.count - closed, closedJobs: closed,
            candidates: tenant.candidates.count, applications: tenant.count(.atsApplications), subRecords: subRecords,
            integrations: integrations.count,
            configurations: integrations.reduce(0) { $0 + $1.record.configurations.count })
    }

    // MARK: Internals

    /// The callback URL of an organization (its ONE_CLICK_EXPORT one first) and the secret that signs for it.
    func callbackTarget(_ organization: String) -> (url: String, secret: String, clientID: String)? {
        let named = data.onboarding.integrations(of: organization, contracts: data.recruiter.contracts(of: organization))
        let order = IntegrationType.allCases
        for (_, record) in named.sorted(by: { order.firstIndex(of: $0.key.type)! < order.firstIndex(of: $1.key.type)! }) {
            guard let url = record.configurations["CALLBACK_URL"], let client = record.configuredBy,
                let application = registry.applications[client]
            else { continue }
            return (url, application.clientSecret, client)
        }
        return nil
    }

    func push(_ type: PushNotificationType, requestID: String, organization: String) async -> NotificationDelivery? {
        let notification = PushNotification(
            notificationId: newID(), type: type, requestId: requestID, integrationContext: organization,
            occurredAt: clock.now().epochMilliseconds)
        notifications.created(notification)
        guard let target = callbackTarget(organization) else { return nil }
        let clock = self.clock
        // The actor is re-entrant while the receiver answers, so it may read the status or export meanwhile.
        let delivery = await pusher.deliver(
            notification, to: target.url, secret: target.secret, redelivery: false, now: { clock.now() })
        notifications.append(delivery)
        return delivery
    }

    func newID() -> String { UUID().uuidString.lowercased() }

    static func monthKey(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: date)
        return "\(parts.year!)-\(parts.month!)"
    }
}
