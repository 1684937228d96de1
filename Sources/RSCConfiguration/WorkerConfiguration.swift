import Foundation

/// How verbose the JSON log lines are (`LOG_LEVEL`).
public enum LogLevelSetting: String, CaseIterable, Sendable {
    case trace, debug, info, notice, warning, error, critical
}

/// Every setting a worker reads at start. The README's configuration table lists the same names.
///
/// Variables: `DATABASE_URL`, `KAFKA_BROKERS`, `KAFKA_GROUP_ID`, `LINKEDIN_API_URL`, `LINKEDIN_OAUTH_URL`,
/// `KAFKA_PROPERTIES`, `TEAMTAILOR_API_URL`, `TEAMTAILOR_APP_URL`, `RSC_SECRET_KEY`, `RSC_SECRET_KEY_PREVIOUS`, `HTTP_PORT`, `METRICS_PORT`, `LOG_LEVEL`, `SHUTDOWN_GRACE_SECONDS`,
/// `RECONCILE_INTERVAL_SECONDS`, `RECONCILE_FULL_INTERVAL_SECONDS`.
public struct WorkerConfiguration: Sendable {
    public var database: DatabaseSettings
    /// Comma-separated `host:port` list.
    public var kafkaBrokers: String
    public var kafkaGroupID: String
    /// `KAFKA_PROPERTIES`: extra librdkafka settings, `key=value` pairs separated by commas
    /// (e.g. `security.protocol=SASL_SSL,sasl.mechanism=SCRAM-SHA-512`); applied after ours.
    public var kafkaProperties: [String: String]
    public var linkedInAPIURL: URL
    public var linkedInOAuthURL: URL
    public var teamtailorAPIURL: URL
    /// `TEAMTAILOR_APP_URL`: Teamtailor's app, where LinkedIn's records link back to (a candidate's page).
    public var teamtailorAppURL: URL
    /// Base64 of 32 random bytes; kept as text and handed to `SecretBox`, never logged.
    public var secretKey: String
    public var httpPort: Int
    public var metricsPort: Int
    public var logLevel: LogLevelSetting
    public var shutdownGrace: Duration
    /// LinkedIn's sync quota per company: `LINKEDIN_RECORDS_PER_WINDOW` records per sliding
    /// `LINKEDIN_QUOTA_WINDOW_SECONDS` and `LINKEDIN_CALLS_PER_DAY` calls per UTC day. Lower them to leave
    /// headroom; shorten the window only against the simulator (benchmarks compress time that way).
    public var linkedInQuota: LinkedInQuotaSettings
    /// `LINKEDIN_SENDER_CONCURRENCY`: companies one replica sends for at once (0 pauses sending, e.g. during
    /// an incident at LinkedIn, while consumption goes on and changes queue up in PostgreSQL).
    public var linkedInSenderConcurrency: Int
    /// `LINKEDIN_GATHER_MILLISECONDS`: how long a company's live changes may gather before they are sent, so
    /// that changes close together share LinkedIn calls (fewer of the day's 100,000); the latency it adds is at
    /// most this. 0 sends each change as soon as it is stored.
    public var linkedInGather: Duration
    /// `RECONCILE_INTERVAL_SECONDS` (daily): how often each company's changes since the last pass are re-read
    /// from Teamtailor; `RECONCILE_FULL_INTERVAL_SECONDS` (weekly): how often a pass lists every id, to find
    /// deletes no event carried. Each company at its own offset in the interval.
    public var reconcileInterval: Duration
    public var reconcileFullInterval: Duration

    /// Reads and checks every variable; the first problem found is thrown.
    /// - Parameter defaultGroupID: each worker has its own consumer group unless `KAFKA_GROUP_ID` says otherwise.
    public init(environment: EnvironmentReader, defaultGroupID: String) throws(ConfigurationError) {
        database = try DatabaseSettings(
            url: environment.string(DatabaseSettings.variable, expected: DatabaseSettings.expected)
        )
        kafkaBrokers = try Self.brokers(environment)
        kafkaGroupID = try environment.string("KAFKA_GROUP_ID", default: defaultGroupID, expected: "a consumer group id")
        kafkaProperties = try Self.kafkaProperties(environment)
        linkedInAPIURL = try environment.url("LINKEDIN_API_URL", default: "https://api.linkedin.com", schemes: ["http", "https"])
        linkedInOAuthURL = try environment.url(
            "LINKEDIN_OAUTH_URL", default: "https://www.linkedin.com/oauth/v2/accessToken", schemes: ["http", "https"]
        )
        teamtailorAPIURL = try environment.url("TEAMTAILOR_API_URL", default: "https://api.teamtailor.com", schemes: ["http", "https"])
        teamtailorAppURL = try TeamtailorAppURL.read(environment)
        secretKey = try Self.secretKey(environment)
        httpPort = try environment.port("HTTP_PORT", default: 8080)
        metricsPort = try environment.port("METRICS_PORT", default: 9090)
        logLevel = try environment.choice("LOG_LEVEL", default: LogLevelSetting.info)
        shutdownGrace = .seconds(try environment.integer("SHUTDOWN_GRACE_SECONDS", default: 25, in: 1...3_600))
        linkedInSenderConcurrency = try environment.integer("LINKEDIN_SENDER_CONCURRENCY", default: 8, in: 0...256)
        linkedInGather = .milliseconds(try environment.integer("LINKEDIN_GATHER_MILLISECONDS", default: 600, in: 0...10_000))
        reconcileInterval = .seconds(try environment.integer("RECONCILE_INTERVAL_SECONDS", default: 86_400, in: 10...2_592_000))
        reconcileFullInterval = .seconds(
            try environment.integer("RECONCILE_FULL_INTERVAL_SECONDS", default: 604_800, in: 10...31_536_000))
        linkedInQuota = LinkedInQuotaSettings(
            recordsPerWindow: try environment.integer("LINKEDIN_RECORDS_PER_WINDOW", default: 10_000, in: 100...1_000_000),
            window: .seconds(try environment.integer("LINKEDIN_QUOTA_WINDOW_SECONDS", default: 60, in: 1...86_400)),
            callsPerDay: try environment.integer("LINKEDIN_CALLS_PER_DAY", default: 100_000, in: 1...10_000_000)
        )
    }

    public static func brokers(_ environment: EnvironmentReader) throws(ConfigurationError) -> String {
        let expected = "a comma-separated list of host:port (e.g. kafka-0:9092,kafka-1:9092)"
        let text = try environment.string("KAFKA_BROKERS", expected: expected)
        let entries = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let valid = !entries.isEmpty && entries.allSatisfy { entry in
            guard let colon = entry.lastIndex(of: ":"), colon != entry.startIndex,
                  let port = Int(entry[entry.index(after: colon)...]) else { return false }
            return (1...65_535).contains(port)
        }
        guard valid else { throw ConfigurationError(variable: "KAFKA_BROKERS", expected: expected, isMissing: false) }
        return entries.joined(separator: ",")
    }

    public static func kafkaProperties(_ environment: EnvironmentReader) throws(ConfigurationError) -> [String: String] {
        guard let text = environment.raw("KAFKA_PROPERTIES") else { return [:] }
        var properties: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ConfigurationError(
                    variable: "KAFKA_PROPERTIES", expected: "comma-separated librdkafka key=value pairs", isMissing: false
                )
            }
            properties[parts[0]] = parts[1]
        }
        let refused = properties.keys.filter { deliveryCriticalKafkaProperties.contains($0) }.sorted()
        guard refused.isEmpty else {
            throw ConfigurationError(
                variable: "KAFKA_PROPERTIES",
                expected: "no setting at-least-once delivery depends on (\(refused.joined(separator: ", ")) set by the workers themselves)",
                isMissing: false
            )
        }
        return properties
    }

    /// librdkafka settings the workers set and rely on, refused in `KAFKA_PROPERTIES` (applied after ours, they
    /// would win): auto-commit or auto-store would commit offsets of batches not yet stored; another reset
    /// policy would skip a new group's backlog; a producer without idempotence or full acks could lose or
    /// duplicate dead letters; the brokers and group have their own variables.
    public static let deliveryCriticalKafkaProperties: Set<String> = [
        "enable.auto.commit", "auto.commit.enable", "enable.auto.offset.store", "auto.offset.reset",
        "enable.idempotence", "acks", "request.required.acks", "enable.gapless.guarantee",
        "bootstrap.servers", "metadata.broker.list", "group.id",
    ]

    public static func secretKey(_ environment: EnvironmentReader) throws(ConfigurationError) -> String {
        let expected = "base64 of 32 random bytes (openssl rand -base64 32)"
        let text = try environment.string("RSC_SECRET_KEY", expected: expected)
        guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
            throw ConfigurationError(variable: "RSC_SECRET_KEY", expected: expected, isMissing: false)
        }
        return text
    }
}

/// LinkedIn's per-company sync limits as configured (defaults: LinkedIn's published ones).
public struct LinkedInQuotaSettings: Sendable, Equatable {
    public var recordsPerWindow: Int
    public var window: Duration
    public var callsPerDay: Int
}
