/// Which LinkedIn record a Teamtailor entity becomes: the resource and the ids that address it.
/// Sub-records (notes, stages, feedback) live under a parent candidate or application.
public enum LinkedInResource: String, Sendable, CaseIterable, Codable {
    case jobPosting = "job_posting"
    case candidate
    case candidateNote = "candidate_note"
    case application
    case applicationNote = "application_note"
    case applicationStage = "application_stage"
    case interviewFeedback = "interview_feedback"

    /// The parent resource a sub-record is sent under, if any.
    public var parent: LinkedInResource? {
        switch self {
        case .candidateNote: .candidate
        case .applicationNote, .applicationStage, .interviewFeedback: .application
        case .jobPosting, .candidate, .application: nil
        }
    }

    /// One of them, in words.
    public var singularName: String {
        switch self {
        case .jobPosting: "job"
        case .candidate: "candidate"
        case .candidateNote, .applicationNote: "note"
        case .application: "application"
        case .applicationStage: "stage"
        case .interviewFeedback: "interview feedback"
        }
    }

    /// In words for status pages.
    public var displayName: String {
        switch self {
        case .jobPosting: "jobs"
        case .candidate: "candidates"
        case .candidateNote: "candidate notes"
        case .application: "applications"
        case .applicationNote: "application notes"
        case .applicationStage: "stages"
        case .interviewFeedback: "interview feedback"
        }
    }
}

/// One record's address: resource, its own id, and its parent's id for sub-records.
public struct LinkedInRecordKey: Hashable, Sendable, Codable, CustomStringConvertible {
    public var resource: LinkedInResource
    public var id: String
    /// The candidate or application id a sub-record belongs to; "" for top-level records.
    public var parentID: String

    public init(_ resource: LinkedInResource, _ id: String, parent parentID: String = "") {
        self.resource = resource
        self.id = id
        self.parentID = parentID
    }

    public var parentKey: LinkedInRecordKey? {
        resource.parent.map { LinkedInRecordKey($0, parentID) }
    }

    public var description: String {
        parentID.isEmpty ? "\(resource.rawValue)/\(id)" : "\(resource.rawValue)/\(parentID)/\(id)"
    }

    /// Stage records are keyed by the Teamtailor stage id; the rejection gets its own record.
    public static let rejectedStageID = "rejected"
}
