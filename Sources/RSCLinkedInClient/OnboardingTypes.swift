import Foundation
import RSCChangeEvents

/// The four RSC integrations named for each customer.
public enum ATSIntegrationType: String, Sendable, CaseIterable {
    case oneClickExport = "ONE_CLICK_EXPORT"
    case inATSIndicator = "IN_ATS_INDICATOR"
    case profilePlugin = "PROFILE_PLUGIN"
    /// Recruiter data; named per contract, not per organization.
    case csaAPI = "CSA_API"
}

/// `integrationContext=…&integrationType=T&tenantType=RECRUITER&dataProvider=ATS`.
public struct ATSIntegrationKey: Sendable, Hashable {
    /// `urn:li:organization:N`, or `urn:li:contract:N` for CSA_API.
    public var context: String
    public var type: ATSIntegrationType

    public init(context: String, type: ATSIntegrationType) {
        self.context = context
        self.type = type
    }

    /// The organization's three integrations and CSA_API on each contract.
    public static func all(organization: String, contracts: [String]) -> [ATSIntegrationKey] {
        [.oneClickExport, .inATSIndicator, .profilePlugin].map { ATSIntegrationKey(context: organization, type: $0) }
            + contracts.map { ATSIntegrationKey(context: $0, type: .csaAPI) }
    }

    var restliKey: RestliKey {
        RestliKey([("integrationContext", context), ("integrationType", type.rawValue), ("tenantType", "RECRUITER"), ("dataProvider", "ATS")])
    }

    /// The key's fields as a map, to compare with a key read from an answer.
    var fieldMap: [String: String] { restliKey.fieldMap }
}

/// A child application as its create answered: its URN and both credentials. LinkedIn shows the secret in this
/// answer only (SDK `CreateApplicationSuccessResponse.json`), so it is stored at once.
public struct ProvisionedApplication: Sendable, Equatable {
    public var key: String
    public var credentials: LinkedInApplication
}

/// A child application as the lookup by `uniqueForeignId` shows it: `client_id` and never the secret (SDK
/// `GetApplicationSuccessResponse.json`).
public struct ProvisionedApplicationListing: Sendable, Equatable {
    public var key: String
    public var clientID: String
    public var uniqueForeignId: String?
    public var validJsSdkDomains: [String]
    public var oauth2AuthorizedCallbackUrls: [String]
}

/// What asking LinkedIn for a company's child application gave.
public enum ProvisioningOutcome: Sendable, Equatable {
    /// Created now: the secret is in hand and must be stored before anything else.
    case created(ProvisionedApplication)
    /// One exists already (a 409): LinkedIn will not show its secret again.
    case existsWithoutSecret(ProvisionedApplicationListing)
}

/// One integration as a BATCH_GET of `atsIntegrations` answers it.
public enum ATSIntegrationCheck: Sendable, Equatable {
    /// Named; `status` is the Recruiter admin's (`ENABLED`/`DISABLED`), nil until set.
    case named(name: String?, status: String?)
    /// In `errors` (404: never named; 403: not this application's).
    case refused(status: Int, message: String)
    /// Neither in `results` nor in `errors`.
    case missing
}

/// One integration in a status-change answer.
public struct ATSIntegrationStatus: Sendable, Equatable {
    public var key: ATSIntegrationKey
    public var name: String?
    public var enabled: Bool
}

/// The candidate a recruiter exported (`GET /v2/exportedCandidates?q=request`).
public struct ExportedCandidate: Sendable, Equatable {
    public struct Exporter: Sendable, Equatable {
        public var seat: String
        public var firstName: String?
        public var lastName: String?
        public var email: String?
    }

    public struct Profile: Sendable, Equatable {
        public var person: String
        public var firstName: String?
        public var lastName: String?
        public var headline: String?
        public var location: String?
        public var profileUrl: String?
        /// Often empty.
        public var emailAddresses: [String]
        public var phoneNumbers: [String]
    }

    public var requestId: String
    /// Check it is the customer the callback URL belongs to.
    public var integrationContext: String
    public var exportedAt: Int64
    public var exporter: Exporter
    /// The synced job the recruiter chose, if any.
    public var atsJobPostingId: String?
    public var candidate: Profile
}

/// Reads LinkedIn answers into the decoded types; a missing required field is `nil`.
enum ElementDecoding {
    static func millis(_ value: JSONValue?) -> Int64? {
        switch value {
        case .number(let number)?: Int64(exactly: number.rounded())
        case .string(let text)?: Int64(text)
        default: nil
        }
    }

    static func strings(_ value: JSONValue?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap(\.stringValue)
    }

    static func elements(_ answer: JSONValue) -> [JSONValue] {
        guard case .array(let items)? = answer["elements"] else { return [] }
        return items
    }

    static func provisionedListing(_ value: JSONValue) -> ProvisionedApplicationListing? {
        guard let key = value["key"]?.stringValue, let id = value["credentials"]?["client_id"]?.stringValue else { return nil }
        return ProvisionedApplicationListing(
            key: key, clientID: id, uniqueForeignId: value["uniqueForeignId"]?.stringValue,
            validJsSdkDomains: strings(value["validJsSdkDomains"]),
            oauth2AuthorizedCallbackUrls: strings(value["oauth2AuthorizedCallbackUrls"]))
    }

    static func provisioned(_ value: JSONValue) -> ProvisionedApplication? {
        guard let key = value["key"]?.stringValue, let id = value["credentials"]?["client_id"]?.stringValue,
              let secret = value["credentials"]?["client_secret"]?.stringValue else { return nil }
        return ProvisionedApplication(key: key, credentials: LinkedInApplication(clientID: id, clientSecret: secret))
    }

    static func integrationStatus(_ value: JSONValue) -> ATSIntegrationStatus? {
        guard let context = value["integrationContext"]?.stringValue,
              let type = value["integrationType"]?.stringValue.flatMap(ATSIntegrationType.init(rawValue:)),
              let status = value["status"]?.stringValue else { return nil }
        return ATSIntegrationStatus(key: ATSIntegrationKey(context: context, type: type), name: value["integrationName"]?.stringValue, enabled: status == "ENABLED")
    }

    static func exportedCandidate(_ value: JSONValue) -> ExportedCandidate? {
        guard let requestID = value["requestId"]?.stringValue, let context = value["integrationContext"]?.stringValue,
              let exportedAt = millis(value["exportedAt"]), let seat = value["exporter"]?["seat"]?.stringValue,
              let candidate = value["candidate"], let person = candidate["person"]?.stringValue else { return nil }
        let exporter = value["exporter"]
        return ExportedCandidate(
            requestId: requestID, integrationContext: context, exportedAt: exportedAt,
            exporter: .init(seat: seat, firstName: exporter?["firstName"]?.stringValue, lastName: exporter?["lastName"]?.stringValue, email: exporter?["email"]?.stringValue),
            atsJobPostingId: value["atsJobPostingId"]?.stringValue,
            candidate: .init(
                person: person, firstName: candidate["firstName"]?.stringValue, lastName: candidate["lastName"]?.stringValue,
                headline: candidate["headline"]?.stringValue, location: candidate["location"]?.stringValue,
                profileUrl: candidate["profileUrl"]?.stringValue, emailAddresses: strings(candidate["emailAddresses"]),
                phoneNumbers: strings(candidate["phoneNumbers"])))
    }
}
