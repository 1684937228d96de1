/// Everything LinkedIn holds for one integration context (one customer organization).
///
/// Records are kept exactly as sent: an upsert replaces the whole record, so a field left out is gone.
struct TenantStore: Sendable {
    /// The record kinds that live under a candidate or an application.
    enum SubResource: Sendable, Hashable, CaseIterable {
        case candidateNotes, applicationNotes, interviewFeedback, stages

        var parentKind: EntityKey.Kind { self == .candidateNotes ? .candidate : .application }

        var resource: SimulatedResource {
            switch self {
            case .candidateNotes: .atsCandidateNotes
            case .applicationNotes: .atsApplicationNotes
            case .interviewFeedback: .atsApplicationInterviewFeedback
            case .stages: .atsApplicationStages
            }
        }

        /// The last path segment, as in `/v2/atsApplications/{key}/interviewFeedback`.
        var pathName: String {
            switch self {
            case .candidateNotes, .applicationNotes: "notes"
            case .interviewFeedback: "interviewFeedback"
            case .stages: "stages"
            }
        }
    }

    /// externalJobPostingId → job posting.
    var jobPostings: [String: JSONObject] = [:]
    /// atsCandidateId → candidate.
    var candidates: [String: JSONObject] = [:]
    /// atsJobApplicationId → application.
    private(set) var applications: [String: JSONObject] = [:]
    /// kind → parent id → child id → record.
    private(set) var children: [SubResource: [String: [String: JSONObject]]] = [:]
    /// atsCandidateId → its applications, so deleting a candidate finds them without a scan.
    private var applicationsByCandidate: [String: Set<String>] = [:]

    var isEmpty: Bool {
        jobPostings.isEmpty && candidates.isEmpty && applications.isEmpty
            && children.values.allSatisfy(\.isEmpty)
    }

    mutating func upsertApplication(_ id: String, _ record: JSONObject) {
        if let old = applications[id]?["atsCandidateId"]?.stringValue {
            applicationsByCandidate[old]?.remove(id)
            if applicationsByCandidate[old]?.isEmpty == true { applicationsByCandidate[old] = nil }
        }
        applications[id] = record
        if let candidate = record["atsCandidateId"]?.stringValue {
            applicationsByCandidate[candidate, default: []].insert(id)
        }
    }

    /// Deletes an application with its notes, interview feedback and stages.
    @discardableResult
    mutating func deleteApplication(_ id: String) -> Bool {
        guard let record = applications.removeValue(forKey: id) else { return false }
        if let candidate = record["atsCandidateId"]?.stringValue {
            applicationsByCandidate[candidate]?.remove(id)
            if applicationsByCandidate[candidate]?.isEmpty == true { applicationsByCandidate[candidate] = nil }
        }
        for kind in [SubResource.applicationNotes, .interviewFeedback, .stages] {
            children[kind]?[id] = nil
        }
        return true
    }

    /// Deletes a candidate with its notes and every application that names it (and theirs).
    @discardableResult
    mutating func deleteCandidate(_ id: String) -> Bool {
        guard candidates.removeValue(forKey: id) != nil else { return false }
        children[.candidateNotes]?[id] = nil
        for application in applicationsByCandidate[id] ?? [] {
            deleteApplication(application)
        }
        return true
    }

    func parentExists(_ kind: SubResource, _ parent: String) -> Bool {
        switch kind.parentKind {
        case .candidate: candidates[parent] != nil
        case .application: applications[parent] != nil
        }
    }

    func child(_ kind: SubResource, parent: String, id: String) -> JSONObject? {
        children[kind]?[parent]?[id]
    }

    mutating func setChild(_ kind: SubResource, parent: String, id: String, _ record: JSONObject) {
        children[kind, default: [:]][parent, default: [:]][id] = record
    }

    @discardableResult
    mutating func removeChild(_ kind: SubResource, parent: String, id: String) -> Bool {
        guard children[kind]?[parent]?.removeValue(forKey: id) != nil else { return false }
        if children[kind]?[parent]?.isEmpty == true { children[kind]?[parent] = nil }
        return true
    }

    /// Every record of one resource, keyed by where it sits.
    func records(_ resource: SimulatedResource) -> [SimulatedRecordID: JSONObject] {
        func flat(_ map: [String: JSONObject]) -> [SimulatedRecordID: JSONObject] {
            Dictionary(uniqueKeysWithValues: map.map { (SimulatedRecordID($0.key), $0.value) })
        }
        switch resource {
        case .simpleJobPostings: return flat(jobPostings)
        case .atsCandidates: return flat(candidates)
        case .atsApplications: return flat(applications)
        default:
            let kind = SubResource.allCases.first { $0.resource == resource }!
            var out: [SimulatedRecordID: JSONObject] = [:]
            for (parent, records) in children[kind] ?? [:] {
                for (id, record) in records { out[SimulatedRecordID(id, parent: parent)] = record }
            }
            return out
        }
    }

    func count(_ resource: SimulatedResource) -> Int {
        switch resource {
        case .simpleJobPostings: jobPostings.count
        case .atsCandidates: candidates.count
        case .atsApplications: applications.count
        default:
            (children[SubResource.allCases.first { $0.resource == resource }!] ?? [:]).values.reduce(0) { $0 + $1.count }
        }
    }
}
