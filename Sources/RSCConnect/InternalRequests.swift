import Foundation

/// The Teamtailor user on whose behalf the backend calls; only admins may connect, change or disconnect.
public struct ActingUser: Codable, Sendable, Equatable {
    public var id: String
    public var role: String

    public var isAdmin: Bool { role.lowercased() == "admin" }
}

/// A request that changes the integration: it names the Teamtailor user acting, and only an admin may.
/// `InternalRoutes` checks this before any step runs, so a new mutating route cannot forget it.
protocol ChangeRequest: Decodable {
    var actingUser: ActingUser { get }
}

struct ActivateRequest: ChangeRequest {
    var actingUser: ActingUser
    /// The API key Teamtailor issued for this integration (Admin scope); stored encrypted.
    var teamtailorApiKey: String
    /// Shown in LinkedIn as "Teamtailor - <name>".
    var companyName: String
}

struct IntegrationRequest: ChangeRequest {
    var actingUser: ActingUser
    var organizationUrn: String
    var contractUrns: [String]
}

struct SettingsRequest: ChangeRequest {
    var actingUser: ActingUser
    var jobsPrivate: Bool
}

struct DisconnectRequest: ChangeRequest {
    var actingUser: ActingUser
}

/// A request the API refuses, with the status and words to answer.
public struct OnboardingError: Error, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String

    public init(status: Int, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    static let adminRequired = OnboardingError(
        status: 403, code: "admin_required", "only a Teamtailor admin can change the LinkedIn integration")
    static func notFound(_ companyID: String) -> OnboardingError {
        OnboardingError(status: 404, code: "company_not_connected", "company \(companyID) has not activated LinkedIn RSC")
    }
    static func invalid(_ message: String) -> OnboardingError {
        OnboardingError(status: 422, code: "invalid_request", message)
    }
    static func conflict(_ message: String) -> OnboardingError {
        OnboardingError(status: 409, code: "wrong_state", message)
    }
    /// The key does not work on this deployment's Teamtailor host: another region's, or revoked.
    static func teamtailorKeyRefused(host: String) -> OnboardingError {
        OnboardingError(
            status: 422, code: "teamtailor_key_refused",
            "Teamtailor's API at \(host) refused the API key: this deployment serves that Teamtailor region only, so a key from another region (or a revoked key) cannot be used here")
    }
    /// LinkedIn has the company's child application, but its secret is not held here (LinkedIn shows it only in the
    /// create's answer): retrying does not help; the remedy is in the message.
    static func applicationSecretMissing(_ message: String) -> OnboardingError {
        OnboardingError(status: 409, code: "application_secret_missing", message)
    }
    /// LinkedIn did not answer as needed; the admin can retry the step.
    static func linkedIn(_ message: String) -> OnboardingError {
        OnboardingError(status: 502, code: "linkedin_unavailable", message)
    }
}
