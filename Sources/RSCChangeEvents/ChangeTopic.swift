/// The six Teamtailor change topics of contract v1, and the dead-letter topic the outbound worker writes.
public enum ChangeTopic: String, CaseIterable, Sendable {
    case jobs = "teamtailor.jobs.v1"
    case candidates = "teamtailor.candidates.v1"
    case jobApplications = "teamtailor.job-applications.v1"
    case stages = "teamtailor.stages.v1"
    case interviews = "teamtailor.interviews.v1"
    case comments = "teamtailor.comments.v1"

    /// Where messages that cannot be processed go, with the reason in their headers.
    public static let deadLetterTopic = "rsc.outbound.dlq.v1"

    /// Partitions per topic on the embedded broker; production sizes them in deploy/ (see docs/operations.md).
    public static let embeddedPartitionCount: Int32 = 12

    /// The JSON:API `data.type` the topic carries.
    public var resourceType: String {
        switch self {
        case .jobs: "jobs"
        case .candidates: "candidates"
        case .jobApplications: "job-applications"
        case .stages: "stages"
        case .interviews: "interviews"
        case .comments: "comments"
        }
    }

    public static var allTopicNames: [String] { allCases.map(\.rawValue) }
}
