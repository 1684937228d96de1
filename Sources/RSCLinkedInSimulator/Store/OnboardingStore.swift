import Foundation

/// The four RSC integrations a partner names for each customer.
public enum IntegrationType: String, CaseIterable, Sendable {
    case oneClickExport = "ONE_CLICK_EXPORT"
    case inATSIndicator = "IN_ATS_INDICATOR"
    case profilePlugin = "PROFILE_PLUGIN"
    case csaAPI = "CSA_API"

    /// CSA_API is named per contract; the others per organization.
    var takesContract: Bool { self == .csaAPI }
}

/// What a Recruiter admin set for a customer's integrations.
public enum IntegrationStatus: String, Sendable {
    case enabled = "ENABLED"
    case disabled = "DISABLED"
}

/// A child application created through `POST /v2/provisionedApplications`.
struct ProvisionedApplication: Sendable {
    let key: String
    let uniqueForeignId: String
    let name: String
    let description: String
    var validJsSdkDomains: [String]
    var oauth2AuthorizedCallbackUrls: [String]
    let clientID: String
    let clientSecret: String
    let createdAt: Date

    /// The create answer: the key and both credentials (SDK `CreateApplicationSuccessResponse.json`). LinkedIn
    /// shows the secret here only.
    var createdJSON: SimulatedJSON {
        ["key": .string(key), "credentials": ["client_id": .string(clientID), "client_secret": .string(clientSecret)]]
    }

    /// One element of `GET /v2/provisionedApplications?q=credentialsByUniqueForeignId`: the SDK's
    /// `GetApplicationSuccessResponse.json` carries `client_id` and no secret.
    var lookupJSON: SimulatedJSON {
        [
            "key": .string(key), "uniqueForeignId": .string(uniqueForeignId), "name": .string(name),
            "description": .string(description),
            "validJsSdkDomains": .array(validJsSdkDomains.map(SimulatedJSON.string)),
            "oauth2AuthorizedCallbackUrls": .array(oauth2AuthorizedCallbackUrls.map(SimulatedJSON.string)),
            "credentials": ["client_id": .string(clientID)],
        ]
    }

    /// `urn:li:developerApplication:234` → "234", the `applicationId` a webhook challenge names.
    var applicationID: String { String(key.dropFirst(ProvisioningRoutes.applicationURNPrefix.count)) }
}

/// `integrationContext=…&integrationType=T&tenantType=RECRUITER&dataProvider=ATS`, checked.
struct IntegrationKey: Hashable, Sendable {
    let context: String
    let type: IntegrationType

    init(context: String, type: IntegrationType) {
        self.context = context
        self.type = type
    }

    init(_ key: RestliKey) throws(APIError) {
        let expected: Set<String> = ["integrationContext", "integrationType", "tenantType", "dataProvider"]
        guard Set(key.fields.keys) == expected else {
            let got = key.fields.keys.sorted().joined(separator: ", ")
            throw APIError.badRequest(
                "Key must have exactly integrationContext, integrationType, tenantType and dataProvider (got: \(got))")
        }
        guard key.fields["dataProvider"] == "ATS" else { throw APIError.badRequest("Key field dataProvider must be ATS") }
        guard key.fields["tenantType"] == "RECRUITER" else {
            throw APIError.badRequest("Key field tenantType must be RECRUITER")
        }
        guard let type = IntegrationType(rawValue: key.fields["integrationType"]!) else {
            let names = IntegrationType.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.badRequest("Key field integrationType must be one of \(names)")
        }
        let context = key.fields["integrationContext"]!
        if type.takesContract {
            guard RecruiterURN.contract.isValid(context) else {
                throw APIError.badRequest("CSA_API takes a contract as integrationContext (urn:li:contract:N)")
            }
        } else {
            guard OrganizationURN.isValid(context) else {
                throw APIError.badRequest("\(type.rawValue) takes an organization as integrationContext (urn:li:organization:N)")
            }
        }
        self.init(context: context, type: type)
    }

    /// The key as answers spell it, in the reference's field order.
    var canonical: String {
        "integrationContext=\(RestliKey.escape(context))&integrationType=\(type.rawValue)&tenantType=RECRUITER&dataProvider=ATS"
    }

    /// The element a BATCH_GET answers for a named integration (decided here: LinkedIn's collection verifies
    /// integrations this way but publishes no answer; the fields are those of the key, the name and the status).
    func element(_ record: IntegrationRecord) -> SimulatedJSON {
        var object: JSONObject = [
            "integrationContext": .string(context), "integrationType": .string(type.rawValue), "tenantType": "RECRUITER",
            "dataProvider": "ATS", "integrationName": .string(record.name),
        ]
        if let status = record.status { object["status"] = .string(status.rawValue) }
        return .object(object)
    }
}

/// One named integration: its name, the admin's status and its configurations.
struct IntegrationRecord: Sendable {
    var name: String
    var status: IntegrationStatus?
    /// CALLBACK_URL, JOB_POSTING_VIEWERS, APPLICATION_VIEWERS → value.
    var configurations: [String: String] = [:]
    /// The child application that registered the callback URL; its secret signs the pushes.
    var configuredBy: String?
}

/// A Recruiter admin's enable/disable, answered by `GET /v2/atsIntegrations?q=request&requestId=…`.
struct IntegrationStatusRequest: Sendable {
    let requestId: String
    let organization: String
    let changedAt: Date
    let integrations: [(key: IntegrationKey, name: String, status: IntegrationStatus)]

    /// The element shape of the status read (decided here; see docs/linkedin-simulator.md).
    var elements: [SimulatedJSON] {
        integrations.map { entry in
            [
                "requestId": .string(requestId), "integrationContext": .string(entry.key.context),
                "integrationType": .string(entry.key.type.rawValue), "tenantType": "RECRUITER", "dataProvider": "ATS",
                "integrationName": .string(entry.name), "status": .string(entry.status.rawValue),
                "lastModifiedAt": .int(changedAt.epochMilliseconds),
            ]
        }
    }
}

/// Provisioned applications, named integrations and the admin's status changes.
struct OnboardingStore: Sendable {
    /// uniqueForeignId → application (one each; a second create is a 409).
    var provisioned: [String: ProvisionedApplication] = [:]
    private var pendingRegistrations: [ProvisionedApplication] = []
    /// The number in the next application's URN; never reused, also after a deletion.
    private var nextApplicationNumber = 1_000_001
    var integrations: [IntegrationKey: IntegrationRecord] = [:]
    /// requestId → the status change it reports.
    var statusRequests: [String: IntegrationStatusRequest] = [:]

    mutating func provision(_ application: ProvisionedApplication) {
        provisioned[application.uniqueForeignId] = application
        pendingRegistrations.append(application)
    }

    mutating func takeApplicationNumber() -> Int {
        defer { nextApplicationNumber += 1 }
        return nextApplicationNumber
    }

    /// The uniqueForeignId of the application with this key (`urn:li:developerApplication:N`).
    func foreignID(ofKey key: String) -> String? {
        provisioned.first { $0.value.key == key }?.key
    }

    mutating func takePendingRegistrations() -> [ProvisionedApplication] {
        defer { pendingRegistrations = [] }
        return pendingRegistrations
    }

    /// The integrations of one organization: its own keys and those of its contracts.
    func integrations(of organization: String, contracts: Set<String>) -> [(key: IntegrationKey, record: IntegrationRecord)] {
        integrations.filter { $0.key.context == organization || contracts.contains($0.key.context) }
            .map { (key: $0.key, record: $0.value) }
            .sorted { ($0.key.type.rawValue, $0.key.context) < ($1.key.type.rawValue, $1.key.context) }
    }
}

/// Recruiter URNs: contract, seat, person.
enum RecruiterURN: String {
    case contract = "urn:li:contract:"
    case seat = "urn:li:seat:"
    case person = "urn:li:person:"

    func isValid(_ text: String) -> Bool {
        guard text.hasPrefix(rawValue) else { return false }
        let id = text.dropFirst(rawValue.count)
        if self == .person { return !id.isEmpty && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") } }
        return !id.isEmpty && id.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
