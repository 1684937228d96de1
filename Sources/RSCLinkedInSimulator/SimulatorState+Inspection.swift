import Foundation

/// In-process inspection and control; the `/_simulator` endpoints are thin wrappers around these.
extension SimulatorState {
    // MARK: Applications

    /// Registers (or replaces) a child application; `organization` is `urn:li:organization:N` or just `N`.
    public func registerApplication(clientID: String, clientSecret: String, organization: String) {
        registry.register(clientID: clientID, clientSecret: clientSecret, organization: organization)
    }

    public func applications() -> [SimulatedApplication] {
        registry.applications.values.filter { $0.role == .child }
            .map { SimulatedApplication(clientID: $0.clientID, organization: $0.organization, revoked: $0.revoked) }
            .sorted { $0.clientID < $1.clientID }
    }

    /// Every token of the client answers 401 (and it gets no new ones) until `restoreTokens`.
    /// Returns false for an unknown client.
    @discardableResult
    public func revokeTokens(clientID: String) -> Bool { registry.setRevoked(true, clientID: clientID) }

    @discardableResult
    public func restoreTokens(clientID: String) -> Bool { registry.setRevoked(false, clientID: clientID) }

    /// Forgets the client's tokens (401 "Invalid access token"); unlike revocation, a new token works at once.
    @discardableResult
    public func invalidateTokens(clientID: String) -> Bool { registry.dropTokens(clientID: clientID) }

    /// Token requests naming this client_id, granted or not.
    public func tokenRequestCount(clientID: String) -> Int { registry.tokenRequests[clientID] ?? 0 }

    public func tokenRequestCounts() -> [String: Int] { registry.tokenRequests }

    // MARK: Records

    /// The records of one resource in one integration context, exactly as stored.
    public func records(_ resource: SimulatedResource, in integrationContext: String) -> [SimulatedRecordID: SimulatedJSON] {
        (data.tenants[integrationContext]?.records(resource) ?? [:]).mapValues(SimulatedJSON.object)
    }

    public func record(_ resource: SimulatedResource, id: SimulatedRecordID, in integrationContext: String) -> SimulatedJSON? {
        data.tenants[integrationContext]?.records(resource)[id].map(SimulatedJSON.object)
    }

    /// How many records each resource holds in one integration context (every resource listed, zeros included).
    public func recordCounts(in integrationContext: String) -> [SimulatedResource: Int] {
        let tenant = data.tenants[integrationContext] ?? TenantStore()
        return Dictionary(uniqueKeysWithValues: SimulatedResource.allCases.map { ($0, tenant.count($0)) })
    }

    /// Integration contexts holding at least one record.
    public func integrationContexts() -> [String] {
        data.tenants.filter { !$0.value.isEmpty }.keys.sorted()
    }

    /// What `GET /v2/atsCandidates?…&fields=matchedMembers` would answer; nil for an unknown candidate.
    public func matchedMembers(atsCandidateId: String, in integrationContext: String) -> [String]? {
        guard let candidate = data.tenants[integrationContext]?.candidates[atsCandidateId] else { return nil }
        return MemberMatching.matchedMembers(candidate, noMember: data.noMemberEmails)
    }

    /// The member LinkedIn would match an email to (ignoring "no member" marks).
    public nonisolated func syntheticMember(forEmail email: String) -> String {
        MemberMatching.member(forEmail: email)
    }

    /// From now on this email matches no member.
    public func markNoMember(email: String) {
        data.noMemberEmails.insert(MemberMatching.normalize(email))
    }

    public func clearNoMemberEmails() { data.noMemberEmails = [] }

    // MARK: Calls, quotas, faults

    /// The last 10,000 LinkedIn calls (token and `/v2`), oldest first.
    public func requestLog() -> [RequestLogEntry] { log.entries }

    /// 429 answers, for one client or in total.
    /// Seconds from each accepted candidate's `atsLastModifiedAt` to its acceptance, in the order accepted; empty
    /// unless `recordsAcceptanceLatency` is on.
    public func acceptanceLatencies() -> [Double] { data.acceptanceLatencies ?? [] }

    public func throttledCount(clientID: String? = nil) -> Int {
        clientID.map { throttled[$0] ?? 0 } ?? throttled.values.reduce(0, +)
    }

    public func throttledCounts() -> [String: Int] { throttled }

    /// Injected 500/503 answers so far.
    public func injectedServerErrorCount() -> Int { faults.serverErrorsInjected }

    public func quotaUsage(clientID: String) -> QuotaUsage {
        quota.usage(clientID: clientID, now: clock.now(), configuration: configuration)
    }

    public func quotaUsages() -> [String: QuotaUsage] {
        Dictionary(uniqueKeysWithValues: quota.clients.map { ($0, quotaUsage(clientID: $0)) })
    }

    public func faultConfiguration() -> FaultConfiguration { faults.configuration }

    /// Replaces the fault settings and reseeds the generator.
    public func setFaults(_ configuration: FaultConfiguration) { faults.configure(configuration) }

    /// The next `nextCalls` authenticated `/v2` calls (of `clientID`, or of anyone) answer 429 with `Retry-After`.
    public func forceThrottle(nextCalls: Int, clientID: String? = nil, retryAfterSeconds: Int = 1) {
        faults.forceThrottle(nextCalls: nextCalls, clientID: clientID, retryAfter: retryAfterSeconds)
    }

    /// Forgets all records, tasks, "no member" marks, integrations, recruiter data, notifications, the log,
    /// counters, quota usage and faults (revocations included). Registered and provisioned applications and their
    /// tokens stay, so running clients keep working.
    public func reset() {
        let provisioned = data.onboarding.provisioned
        data = SimulatorData()
        data.onboarding.provisioned = provisioned
        notifications = NotificationLog()
        budgets = budgets.mapValues { _ in QuotaLedger(origin: clock.now()) }
        registry.restoreAll()
        log.removeAll()
        throttled = [:]
        registry.resetCounters()
        quota.reset()
        faults.reset()
    }
}
