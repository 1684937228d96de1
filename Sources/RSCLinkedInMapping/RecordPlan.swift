import Foundation
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
    /// Teamtailor's app, where a person opens a candidate (`TEAMTAILOR_APP_URL`'s default).
    public static let defaultTeamtailorAppURL = "https://app.teamtailor.com"

    /// `urn:li:organization:N`: LinkedIn's integration context.
    public var organizationURN: String
    /// "Make all jobs private on LinkedIn".
    public var jobsPrivate: Bool
    /// The Teamtailor company the records come from.
    public var companyID: String
    /// Teamtailor's app origin (`TEAMTAILOR_APP_URL`), without a trailing slash: the base of the links back to
    /// Teamtailor that LinkedIn requires (a candidate's `externalProfileUrl`).
    public var teamtailorAppURL: String

    public init(organizationURN: String, jobsPrivate: Bool, companyID: String, teamtailorAppURL: String = CompanyMappingSettings.defaultTeamtailorAppURL) {
        self.organizationURN = organizationURN
        self.jobsPrivate = jobsPrivate
        self.companyID = companyID
        self.teamtailorAppURL = teamtailorAppURL.hasSuffix("/") ? String(teamtailorAppURL.dropLast()) : teamtailorAppURL
    }

    /// The candidate's page in Teamtailor: `<app>/companies/<company>/candidates/<id>`. Teamtailor publishes no
    /// address scheme for its app; this one is decided here, in this one place.
    public func candidatePageURL(_ candidateID: String) -> String {
        "\(teamtailorAppURL)/companies/\(Self.pathSegment(companyID))/candidates/\(Self.pathSegment(candidateID))"
    }

    /// The job's page in Teamtailor, the apply link of last resort for a job Teamtailor gave no apply URL
    /// (LinkedIn requires `companyApplyUrl`).
    public func jobPageURL(_ jobID: String) -> String {
        "\(teamtailorAppURL)/companies/\(Self.pathSegment(companyID))/jobs/\(Self.pathSegment(jobID))"
    }

    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
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
