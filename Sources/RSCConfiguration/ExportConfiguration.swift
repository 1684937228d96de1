import Foundation

/// rsc-export's own settings beside the shared `WorkerConfiguration` (which has `HTTP_PORT`, the public
/// callback listener): the internal API and the LinkedIn partner application used for provisioning.
public struct ExportConfiguration: Sendable {
    /// The internal API's port (Teamtailor's backend only; never exposed by the Ingress).
    public var internalHTTPPort: Int
    /// The bearer token Teamtailor's backend presents; at least 32 characters.
    public var internalAPIToken: String
    /// Where LinkedIn reaches the public listener, e.g. `https://rsc.example.com` (callback URLs hang below).
    /// LinkedIn takes HTTPS on port 443 or 80 only; plain HTTP only on loopback (the sandbox and tests).
    public var publicCallbackBaseURL: URL
    /// `TEAMTAILOR_APP_URL`: its origin is the child application's JS SDK domain.
    public var teamtailorAppURL: URL
    /// The partner (parent) LinkedIn application: it may only provision customers' child applications.
    public var partnerClientID: String
    public var partnerClientSecret: String

    public init(environment: EnvironmentReader) throws(ConfigurationError) {
        internalHTTPPort = try environment.port("INTERNAL_HTTP_PORT", default: 8081)
        internalAPIToken = try environment.string("INTERNAL_API_TOKEN", expected: "a random token of at least 32 characters")
        guard internalAPIToken.count >= 32 else {
            throw ConfigurationError(variable: "INTERNAL_API_TOKEN", expected: "a random token of at least 32 characters", isMissing: false)
        }
        publicCallbackBaseURL = try environment.url("PUBLIC_CALLBACK_BASE_URL", schemes: ["https", "http"])
        guard Self.acceptsCallbackBase(publicCallbackBaseURL) else {
            throw ConfigurationError(
                variable: "PUBLIC_CALLBACK_BASE_URL",
                expected: "an https URL on port 443 or 80 (LinkedIn refuses other callback URLs); http only on loopback",
                isMissing: false)
        }
        teamtailorAppURL = try TeamtailorAppURL.read(environment)
        partnerClientID = try environment.string("LINKEDIN_PARTNER_CLIENT_ID", expected: "the partner application's client id")
        partnerClientSecret = try environment.string(
            "LINKEDIN_PARTNER_CLIENT_SECRET", expected: "the partner application's client secret")
    }

    /// LinkedIn's rule for callback URLs (Receive Push Events): HTTPS on 443 or 80. Loopback may be plain HTTP on any
    /// port, for the sandbox and tests against the simulator.
    public static func acceptsCallbackBase(_ url: URL) -> Bool {
        let host = (url.host ?? "").lowercased()
        if ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) { return true }
        guard url.scheme?.lowercased() == "https" else { return false }
        return url.port.map { $0 == 443 || $0 == 80 } ?? true
    }
}
