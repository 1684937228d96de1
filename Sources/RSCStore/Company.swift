import Foundation

/// Where a company's connection to LinkedIn stands, as the admin page and `rsc companies` show it.
public enum CompanyStatus: String, Sendable, CaseIterable, Codable {
    /// The child application exists; the admin has not finished LinkedIn's onboarding widget.
    case provisioned
    /// Integrations named; LinkedIn's Recruiter admin has not enabled them yet.
    case waitingForLinkedInAdmin = "waiting_for_linkedin_admin"
    /// Syncing.
    case active
    /// LinkedIn refused our credentials (401/403); retried on a slow schedule until it works again.
    case parked
    /// An admin disconnected it: its data is being deleted from LinkedIn; nothing new is sent.
    case disconnecting
    /// Disconnected: nothing of it left on LinkedIn, no credentials kept.
    case disconnected

    /// In words an admin understands.
    public var summary: String {
        switch self {
        case .provisioned: "LinkedIn application created; finish the set-up in LinkedIn's window"
        case .waitingForLinkedInAdmin: "waiting for a LinkedIn Recruiter admin to enable the integration"
        case .active: "active"
        case .parked: "LinkedIn access lost; retrying"
        case .disconnecting: "disconnecting: removing this company's data from LinkedIn"
        case .disconnected: "disconnected"
        }
    }
}

/// A connected company as stored, without its secrets (those are opened on demand through `CompanyStore`).
public struct Company: Sendable, Equatable, Codable {
    public var id: String
    public var linkedInClientID: String?
    public var organizationURN: String?
    public var contractURNs: [String]
    /// "Make all jobs private on LinkedIn".
    public var jobsPrivate: Bool
    public var status: CompanyStatus
    public var statusReason: String?
    public var createdAt: Date
    public var updatedAt: Date
}

/// What an operator supplies to add a company by hand (`rsc companies add`).
public struct NewCompany: Sendable {
    public var id: String
    public var teamtailorToken: String
    public var linkedInClientID: String
    public var linkedInClientSecret: String
    public var organizationURN: String
    public var contractURNs: [String]
    public var jobsPrivate: Bool

    public init(
        id: String, teamtailorToken: String, linkedInClientID: String, linkedInClientSecret: String,
        organizationURN: String, contractURNs: [String], jobsPrivate: Bool
    ) {
        self.id = id
        self.teamtailorToken = teamtailorToken
        self.linkedInClientID = linkedInClientID
        self.linkedInClientSecret = linkedInClientSecret
        self.organizationURN = organizationURN
        self.contractURNs = contractURNs
        self.jobsPrivate = jobsPrivate
    }

    /// Checks what the database would otherwise reject with a less helpful message.
    public func validate() throws(CompanyStoreError) {
        guard id.range(of: #"^[0-9A-Za-z_-]{1,64}$"#, options: .regularExpression) != nil else {
            throw .invalid(field: "company id", expected: "1 to 64 letters, digits, '-' or '_'")
        }
        guard !teamtailorToken.isEmpty else { throw .invalid(field: "Teamtailor token", expected: "a non-empty API key") }
        guard !linkedInClientID.isEmpty else { throw .invalid(field: "LinkedIn client id", expected: "a non-empty id") }
        guard !linkedInClientSecret.isEmpty else {
            throw .invalid(field: "LinkedIn client secret", expected: "a non-empty secret")
        }
        guard URN.isOrganization(organizationURN) else {
            throw .invalid(field: "organization", expected: "urn:li:organization:N")
        }
        guard !contractURNs.isEmpty, contractURNs.allSatisfy(URN.isContract) else {
            throw .invalid(field: "contract", expected: "one or more urn:li:contract:N")
        }
    }
}

/// The LinkedIn URN shapes this project stores.
public enum URN {
    public static func isOrganization(_ text: String) -> Bool { matches(text, kind: "organization") }
    public static func isContract(_ text: String) -> Bool { matches(text, kind: "contract") }

    static func matches(_ text: String, kind: String) -> Bool {
        text.range(of: "^urn:li:\(kind):[0-9]+$", options: .regularExpression) != nil
    }
}

/// The opened secrets of one company; never logged, never printed.
public struct CompanyCredentials: Sendable {
    public var teamtailorToken: String
    public var linkedInClientID: String?
    public var linkedInClientSecret: String?
}

/// Why a company operation failed; `isRetryable` is false for all of these: a person must act.
public enum CompanyStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    case duplicate(companyID: String)
    case notFound(companyID: String)
    case noCredentials(companyID: String)
    case invalid(field: String, expected: String)

    public var description: String {
        switch self {
        case .duplicate(let id): "company \(id) already exists; use `rsc companies set` to change it"
        case .notFound(let id): "company \(id) not found; `rsc companies list` shows the known ones"
        case .noCredentials(let id): "company \(id) has no credentials (disconnected, or activation not finished)"
        case .invalid(let field, let expected): "\(field) is invalid; expected \(expected)"
        }
    }
}
