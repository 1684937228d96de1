import Foundation

/// The simulated LinkedIn data: every customer's records, the job-posting tasks, and emails with no member.
struct SimulatorData: Sendable {
    /// integrationContext → records.
    var tenants: [String: TenantStore] = [:]
    /// task URN → task.
    var tasks: [String: JobPostingTask] = [:]
    /// Lowercased emails the matcher treats as belonging to no LinkedIn member.
    var noMemberEmails: Set<String> = []
    /// Provisioned child applications and the integrations partners named.
    var onboarding = OnboardingStore()
    /// Recruiter's side: contracts, seats, notes, InMails, stubs and exports.
    var recruiter = RecruiterStore()
}

/// The asynchronous job-posting task LinkedIn answers a job batch with; it lives 24 hours.
struct JobPostingTask: Sendable {
    static let lifetime: TimeInterval = 24 * 3600
    static let urnPrefix = "urn:li:simpleJobPostingTask:"

    let id: String
    let clientID: String
    let integrationContext: String
    let externalJobPostingId: String
    let createdAt: Date
    /// nil while the task succeeded; the reason when it failed.
    let failure: String?

    func isExpired(at now: Date) -> Bool { now.timeIntervalSince(createdAt) >= Self.lifetime }

    var json: SimulatedJSON {
        if let failure { return ["status": "FAILED", "message": .string(failure)] }
        return ["status": "SUCCEEDED"]
    }
}
