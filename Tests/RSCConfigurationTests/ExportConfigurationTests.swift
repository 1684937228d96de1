import Foundation
import RSCConfiguration
import Testing

@Suite("rsc-export configuration from the environment")
struct ExportConfigurationTests {
    static let minimal = [
        "INTERNAL_API_TOKEN": String(repeating: "t", count: 32), "PUBLIC_CALLBACK_BASE_URL": "https://rsc.example.com",
        "LINKEDIN_PARTNER_CLIENT_ID": "partner", "LINKEDIN_PARTNER_CLIENT_SECRET": "partner-secret",
    ]

    func read(_ changes: [String: String]) throws(ConfigurationError) -> ExportConfiguration {
        try ExportConfiguration(environment: EnvironmentReader(Self.minimal.merging(changes) { _, new in new }))
    }

    @Test("the callback base must be HTTPS on port 443 or 80, as LinkedIn requires; plain HTTP only on loopback")
    func callbackBase() throws {
        for accepted in ["https://rsc.example.com", "https://rsc.example.com:443/x", "https://rsc.example.com:80", "http://127.0.0.1:18080", "http://localhost:9"] {
            #expect(try read(["PUBLIC_CALLBACK_BASE_URL": accepted]).publicCallbackBaseURL.absoluteString == accepted)
        }
        for refused in ["https://rsc.example.com:8443", "http://rsc.example.com"] {
            #expect(throws: ConfigurationError.self, "\(refused)") { _ = try read(["PUBLIC_CALLBACK_BASE_URL": refused]) }
            do {
                _ = try read(["PUBLIC_CALLBACK_BASE_URL": refused])
            } catch {
                #expect(error.variable == "PUBLIC_CALLBACK_BASE_URL")
                #expect(!error.description.contains(refused), "the value is never echoed")
            }
        }
    }

    @Test("TEAMTAILOR_APP_URL defaults to Teamtailor's app; its origin is the JS SDK domain")
    func teamtailorAppURL() throws {
        let defaults = try read([:])
        #expect(defaults.teamtailorAppURL.absoluteString == "https://app.teamtailor.com")
        #expect(TeamtailorAppURL.origin(defaults.teamtailorAppURL) == "https://app.teamtailor.com")
        let custom = try read(["TEAMTAILOR_APP_URL": "https://tt.example.com:8443/app/settings"])
        #expect(TeamtailorAppURL.origin(custom.teamtailorAppURL) == "https://tt.example.com:8443")
        #expect(throws: ConfigurationError.self) { _ = try read(["TEAMTAILOR_APP_URL": "app.teamtailor.com"]) }
    }
}
