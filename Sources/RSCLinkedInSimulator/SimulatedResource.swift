/// The RSC resources the simulator stores; sub-resources are named `parent/child` as in their URLs.
public enum SimulatedResource: String, CaseIterable, Sendable, Codable {
    case simpleJobPostings
    case atsCandidates
    case atsCandidateNotes = "atsCandidates/notes"
    case atsApplications
    case atsApplicationNotes = "atsApplications/notes"
    case atsApplicationInterviewFeedback = "atsApplications/interviewFeedback"
    case atsApplicationStages = "atsApplications/stages"

    /// True for records that live under a candidate or an application.
    public var isSubResource: Bool { rawValue.contains("/") }
}

/// Where a stored record sits: its id, and for a sub-resource the id of its candidate or application.
public struct SimulatedRecordID: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var parent: String?
    public var id: String

    public init(_ id: String, parent: String? = nil) {
        self.id = id
        self.parent = parent
    }

    public init(stringLiteral value: String) { self.init(value) }

    public var description: String { parent.map { "\($0)/\(id)" } ?? id }
}
