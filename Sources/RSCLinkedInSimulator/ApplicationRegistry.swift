import Foundation
import RSCSimulatorSupport

/// A child application as the inspection API shows it.
public struct SimulatedApplication: Sendable, Equatable {
    public var clientID: String
    public var organization: String
    /// True while fault injection has revoked its tokens.
    public var revoked: Bool
}

/// Child applications, the tokens issued to them, and how often each asked for one.
struct ApplicationRegistry: Sendable {
    struct Application: Sendable {
        var clientID: String
        var clientSecret: String
        var organization: String
        var revoked = false
        var role: Role = .child
    }

    enum Role: Sendable {
        /// The partner (parent) application: provisioning only.
        case partner
        /// A customer's application; `organization` is empty until onboarding binds it.
        case child
    }

    struct IssuedToken: Sendable {
        let clientID: String
        let expiresAt: Date
    }

    private(set) var applications: [String: Application] = [:]
    private var tokens: [String: IssuedToken] = [:]
    /// client_id → token requests naming it (granted or not).
    private(set) var tokenRequests: [String: Int] = [:]

    /// Registers or replaces a child application; its counters and tokens survive a re-registration.
    mutating func register(clientID: String, clientSecret: String, organization: String) {
        var application = Application(
            clientID: clientID, clientSecret: clientSecret, organization: OrganizationURN.normalize(organization))
        application.revoked = applications[clientID]?.revoked ?? false
        applications[clientID] = application
    }

    mutating func registerPartner(clientID: String, clientSecret: String) {
        applications[clientID] = Application(clientID: clientID, clientSecret: clientSecret, organization: "", role: .partner)
    }

    /// `POST /oauth/v2/accessToken` with the client-credentials form already parsed.
    mutating func issueToken(clientID: String, clientSecret: String, now: Date, lifetime: Duration)
        throws(APIError) -> (token: String, expiresIn: Int)
    {
        guard let application = applications[clientID], application.clientSecret == clientSecret else {
            throw Self.oauthError(401, "invalid_client", "Client authentication failed")
        }
        guard !application.revoked else {
            throw Self.oauthError(401, "invalid_client", "The application's access has been revoked")
        }
        tokens = tokens.filter { $0.value.expiresAt > now }
        let token = Self.newToken()
        tokens[token] = IssuedToken(clientID: clientID, expiresAt: now.addingTimeInterval(lifetime.timeInterval))
        return (token, Int(lifetime.timeInterval.rounded(.down)))
    }

    /// The child application behind an `Authorization` header.
    func authenticate(_ header: String?, now: Date) throws(APIError) -> Application {
        guard let header, !header.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError.unauthorized(.missing)
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.unauthorized(.notBearer) }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard let issued = tokens[token], let application = applications[issued.clientID] else {
            throw APIError.unauthorized(.unknown)
        }
        guard !application.revoked else { throw APIError.unauthorized(.revoked) }
        guard issued.expiresAt > now else { throw APIError.unauthorized(.expired) }
        return application
    }

    /// Returns false for an unknown client.
    mutating func setRevoked(_ revoked: Bool, clientID: String) -> Bool {
        guard applications[clientID] != nil else { return false }
        applications[clientID]!.revoked = revoked
        return true
    }

    /// Forgets every token of a client, so its next call is a 401 "Invalid access token" and it must fetch anew.
    mutating func dropTokens(clientID: String) -> Bool {
        guard applications[clientID] != nil else { return false }
        tokens = tokens.filter { $0.value.clientID != clientID }
        return true
    }

    mutating func countTokenRequest(clientID: String) { tokenRequests[clientID, default: 0] += 1 }

    mutating func resetCounters() { tokenRequests = [:] }

    mutating func restoreAll() {
        for clientID in applications.keys { applications[clientID]!.revoked = false }
    }

    static func oauthError(_ status: Int, _ code: String, _ description: String) -> APIError {
        APIError(
            status: status, message: description,
            extra: ["error": .string(code), "error_description": .string(description)])
    }

    /// An opaque token shaped like LinkedIn's (long, URL-safe).
    private static func newToken() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var generator = SystemRandomNumberGenerator()
        return "AQ" + String((0..<94).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
