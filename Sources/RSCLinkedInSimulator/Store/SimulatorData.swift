import Foundation

/// The simulated LinkedIn data: every customer's records, the job-posting tasks, and emails with no member.
struct SimulatorData: Sendable {
    /// integrationContext → records.
    var tenants: [String: TenantStore] = [:]
    /// task URN → task.
    var tasks: [String: JobPostingTask] = [:]
    /// `integrationContext|externalJobPostingId` → the number of its `urn:li:jobPosting:N`, kept across updates.
    var jobPostingNumbers: [String: Int64] = [:]
    /// Lowercased emails the matcher treats as belonging to no LinkedIn member.
    var noMemberEmails: Set<String> = []
    /// Provisioned child applications and the integrations partners named.
    var onboarding = OnboardingStore()
    /// Recruiter's side: contracts, seats, notes, InMails, stubs and exports.
    var recruiter = RecruiterStore()
    /// Seconds from each accepted candidate's `atsLastModifiedAt` to its acceptance; nil unless
    /// `LinkedInSimulatorConfiguration.recordsAcceptanceLatency`. Candidates only: an application is also sent
    /// again when its candidate or job changes, and its own `atsLastModifiedAt` does not date that change.
    var acceptanceLatencies: [Double]?

    /// Notes an accepted record's latency, when that is being kept.
    mutating func noteAccepted(_ record: JSONObject, at now: Date) {
        guard acceptanceLatencies != nil, let modified = record["atsLastModifiedAt"]?.intValue else { return }
        acceptanceLatencies?.append(now.timeIntervalSince1970 - Double(modified) / 1_000)
    }
}

/// The asynchronous job-posting task LinkedIn answers a job batch with; it lives 24 hours.
///
/// It reads `IN_PROGRESS` until `resolvesAt`, then `SUCCEEDED` (with the `jobPosting` URN) or `FAILED` (with
/// `errorMessage`), as the SDK's `JobPostingTaskResult` spells them.
struct JobPostingTask: Sendable {
    static let lifetime: TimeInterval = 24 * 3600
    static let urnPrefix = "urn:li:simpleJobPostingTask:"

    let id: String
    let clientID: String
    let integrationContext: String
    let externalJobPostingId: String
    let createdAt: Date
    /// Until then the task is `IN_PROGRESS` (`LinkedInSimulatorConfiguration.jobTaskProcessingTime`).
    let resolvesAt: Date
    /// The `location` the job was sent with, echoed as the SDK's sample does.
    let location: String?
    /// `urn:li:jobPosting:N` of a task that succeeds.
    let jobPosting: String
    /// nil while the task succeeded; the reason when it failed.
    let failure: String?

    func isExpired(at now: Date) -> Bool { now.timeIntervalSince(createdAt) >= Self.lifetime }

    func json(at now: Date) -> SimulatedJSON {
        var object: JSONObject = ["id": .string(id), "externalJobPostingId": .string(externalJobPostingId)]
        if let location { object["location"] = .string(location) }
        if now < resolvesAt {
            object["status"] = "IN_PROGRESS"
        } else if let failure {
            object["status"] = "FAILED"
            object["errorMessage"] = .string(failure)
        } else {
            object["status"] = "SUCCEEDED"
            object["jobPosting"] = .string(jobPosting)
        }
        return .object(object)
    }
}
