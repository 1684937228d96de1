import RSCChangeEvents

/// What the sender should do with one LinkedIn record, decided from Teamtailor state alone.
public enum RecordPlan: Sendable, Equatable {
    /// Send this full record (LinkedIn replaces what it holds: a field left out becomes null).
    case upsert(JSONValue)
    /// Remove it from LinkedIn (with, by LinkedIn's rules, everything under it).
    case delete
    /// A candidate that cannot be matched: these contract fields are missing ("not matched").
    case notMatched(missing: [String])
    /// Something it needs has not arrived yet (an application before its candidate); sent once it has.
    /// `kind` is in words ("candidate"), `id` the Teamtailor id.
    case waiting(kind: String, id: String)
    /// Not sent, by rule (a draft job, a private comment, a record of an unmatched candidate).
    case skip(reason: String)
}

/// The company settings the mapping depends on.
public struct CompanyMappingSettings: Sendable, Equatable {
    /// `urn:li:organization:N`: LinkedIn's integration context.
    public var organizationURN: String
    /// "Make all jobs private on LinkedIn".
    public var jobsPrivate: Bool

    public init(organizationURN: String, jobsPrivate: Bool) {
        self.organizationURN = organizationURN
        self.jobsPrivate = jobsPrivate
    }
}

/// When an application entered a stage (kept for every stage ever seen, so stale events still count).
public struct StageEntry: Sendable, Equatable {
    public var stageID: String
    public var enteredAt: Int64

    public init(stageID: String, enteredAt: Int64) {
        self.stageID = stageID
        self.enteredAt = enteredAt
    }
}
