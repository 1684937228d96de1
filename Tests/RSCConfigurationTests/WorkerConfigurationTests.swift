import Foundation
import RSCConfiguration
import Testing

@Suite("worker configuration from the environment")
struct WorkerConfigurationTests {
    static let key = Data(repeating: 7, count: 32).base64EncodedString()
    static let minimal = [
        "DATABASE_URL": "postgres://rsc:pa%40ss@db.internal:6543/rsc",
        "KAFKA_BROKERS": "kafka-0:9092, kafka-1:9092",
        "RSC_SECRET_KEY": key,
    ]

    func read(_ values: [String: String]) throws(ConfigurationError) -> WorkerConfiguration {
        try WorkerConfiguration(environment: EnvironmentReader(values), defaultGroupID: "rsc-outbound")
    }

    func failure(_ values: [String: String]) -> ConfigurationError? {
        do {
            _ = try read(values)
            return nil
        } catch {
            return error
        }
    }

    @Test("TEAMTAILOR_APP_URL: Teamtailor's app by default, any http(s) URL when set, a bad value named")
    func teamtailorAppURL() throws {
        #expect(try read(Self.minimal).teamtailorAppURL.absoluteString == "https://app.teamtailor.com")
        var values = Self.minimal
        values["TEAMTAILOR_APP_URL"] = "https://app.eu.teamtailor.example"
        #expect(try read(values).teamtailorAppURL.absoluteString == "https://app.eu.teamtailor.example")
        values["TEAMTAILOR_APP_URL"] = "app.teamtailor.com"
        #expect(failure(values)?.variable == "TEAMTAILOR_APP_URL")
    }

    @Test("the minimal environment gives the documented defaults")
    func defaults() throws {
        let configuration = try read(Self.minimal)
        #expect(configuration.database.host == "db.internal")
        #expect(configuration.database.port == 6543)
        #expect(configuration.database.password == "pa@ss")
        #expect(configuration.kafkaBrokers == "kafka-0:9092,kafka-1:9092")
        #expect(configuration.kafkaGroupID == "rsc-outbound")
        #expect(configuration.linkedInAPIURL.absoluteString == "https://api.linkedin.com")
        #expect(configuration.linkedInOAuthURL.absoluteString == "https://www.linkedin.com/oauth/v2/accessToken")
        #expect(configuration.teamtailorAPIURL.absoluteString == "https://api.teamtailor.com")
        #expect(configuration.httpPort == 8080)
        #expect(configuration.metricsPort == 9090)
        #expect(configuration.logLevel == .info)
        #expect(configuration.shutdownGrace == .seconds(25))
        #expect(configuration.linkedInGather == .milliseconds(600))
    }

    @Test("LINKEDIN_GATHER_MILLISECONDS: 0 turns gathering off; more than ten seconds is refused")
    func gather() throws {
        var values = Self.minimal
        values["LINKEDIN_GATHER_MILLISECONDS"] = "0"
        #expect(try read(values).linkedInGather == .zero)
        values["LINKEDIN_GATHER_MILLISECONDS"] = "10001"
        #expect(failure(values)?.variable == "LINKEDIN_GATHER_MILLISECONDS")
    }

    @Test("each required variable, when missing, is named", arguments: ["DATABASE_URL", "KAFKA_BROKERS", "RSC_SECRET_KEY"])
    func missing(variable: String) {
        var values = Self.minimal
        values[variable] = nil
        let error = failure(values)
        #expect(error?.variable == variable)
        #expect(error?.isMissing == true)
        #expect(error?.description.contains(variable) == true)
    }

    @Test(
        "a malformed value is named with what it expects",
        arguments: [
            ("DATABASE_URL", "mysql://x@y/z"),
            ("DATABASE_URL", "postgres://db.internal/rsc"),
            ("KAFKA_BROKERS", "kafka-0"),
            ("KAFKA_BROKERS", "kafka-0:99999"),
            ("RSC_SECRET_KEY", Data(repeating: 1, count: 16).base64EncodedString()),
            ("HTTP_PORT", "eighty"),
            ("METRICS_PORT", "70000"),
            ("SHUTDOWN_GRACE_SECONDS", "0"),
            ("LOG_LEVEL", "loud"),
            ("LINKEDIN_API_URL", "ftp://api.linkedin.com"),
            ("KAFKA_PROPERTIES", "acks"),
        ]
    )
    func malformed(variable: String, value: String) {
        var values = Self.minimal
        values[variable] = value
        let error = failure(values)
        #expect(error?.variable == variable)
        #expect(error?.isMissing == false)
    }

    @Test("a malformed secret key's value never appears in the error")
    func secretNotEchoed() {
        var values = Self.minimal
        values["RSC_SECRET_KEY"] = "c2VjcmV0LXRoYXQtaXMtdG9vLXNob3J0"
        let error = failure(values)
        #expect(error?.description.contains("c2VjcmV0") == false)
    }

    @Test("extra librdkafka properties are parsed into pairs")
    func kafkaProperties() throws {
        var values = Self.minimal
        values["KAFKA_PROPERTIES"] = "security.protocol=SASL_SSL, sasl.mechanism=SCRAM-SHA-512"
        let configuration = try read(values)
        #expect(configuration.kafkaProperties == ["security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512"])
    }

    @Test(
        "a setting at-least-once delivery depends on is refused in KAFKA_PROPERTIES, naming it",
        arguments: ["enable.auto.commit=true", "enable.auto.offset.store=true", "auto.offset.reset=latest", "enable.idempotence=false", "acks=1", "group.id=other"]
    )
    func deliveryCriticalRefused(property: String) {
        var values = Self.minimal
        values["KAFKA_PROPERTIES"] = "security.protocol=SSL, \(property)"
        let error = failure(values)
        #expect(error?.variable == "KAFKA_PROPERTIES")
        let key = String(property.split(separator: "=")[0])
        #expect(error?.description.contains(key) == true, "\(error?.description ?? "no error")")
    }

    @Test("sslmode takes libpq's five modes, prefer when absent; anything else, or a CA file that is not there, is refused")
    func sslModes() throws {
        let base = "postgres://rsc:hunter2@db:5432/rsc"
        #expect(try DatabaseSettings(url: base).tlsMode == .prefer, "libpq's default")
        let modes: [String: DatabaseSettings.TLSMode] = [
            "disable": .disable, "prefer": .prefer, "require": .require, "verify-ca": .verifyCA, "verify-full": .verifyFull,
        ]
        for (text, mode) in modes {
            let settings = try DatabaseSettings(url: "\(base)?sslmode=\(text)")
            #expect(settings.tlsMode == mode)
            #expect(settings.requiresTLS == (mode != .disable && mode != .prefer), "\(text)")
            #expect(try DatabaseSettings(url: settings.url) == settings, "\(text) survives the round trip")
        }
        for refused in ["allow", "required", "VERIFY-FULL", ""] {
            #expect(throws: ConfigurationError.self, "sslmode=\(refused)") { try DatabaseSettings(url: "\(base)?sslmode=\(refused)") }
        }
        let pinned = try DatabaseSettings(url: "\(base)?sslmode=verify-full&sslrootcert=/etc/rsc/ca.pem", fileExists: { $0 == "/etc/rsc/ca.pem" })
        #expect(pinned.caFile == "/etc/rsc/ca.pem")
        #expect(try DatabaseSettings(url: pinned.url, fileExists: { _ in true }) == pinned)
        let missing = #expect(throws: ConfigurationError.self) {
            try DatabaseSettings(url: "\(base)?sslmode=verify-full&sslrootcert=/no/such/ca.pem", fileExists: { _ in false })
        }
        #expect(missing?.description.contains("sslrootcert") == true)
        #expect(missing?.description.contains("hunter2") == false)
        #expect(throws: ConfigurationError.self) {
            try DatabaseSettings(url: "\(base)?sslmode=disable&sslrootcert=/etc/rsc/ca.pem", fileExists: { _ in true })
        }
    }

    @Test("the database URL for logs hides the password")
    func redacted() throws {
        let settings = try DatabaseSettings(url: "postgres://rsc:hunter2@db:5432/rsc?sslmode=require")
        #expect(!settings.redactedURL.contains("hunter2"))
        #expect(settings.requiresTLS)
        #expect(try DatabaseSettings(url: settings.url) == settings)
    }
}
