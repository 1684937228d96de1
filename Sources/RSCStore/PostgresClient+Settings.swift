import Logging
import PostgresNIO
import RSCConfiguration

extension PostgresClient {
    /// A pooled client for `DATABASE_URL`. Run it as a service (`client.run()`) before the first query.
    public convenience init(settings: DatabaseSettings, applicationName: String, backgroundLogger: Logger) {
        var configuration = PostgresClient.Configuration(
            host: settings.host,
            port: settings.port,
            username: settings.username,
            password: settings.password,
            database: settings.database,
            tls: Self.tls(for: settings)
        )
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        configuration.options.connectTimeout = .seconds(5)
        self.init(configuration: configuration, backgroundLogger: backgroundLogger)
    }

    static func tls(for settings: DatabaseSettings) -> PostgresClient.Configuration.TLS {
        let plan = DatabaseTLSPlan(settings)
        switch plan.negotiation {
        case .never: return .disable
        case .preferred: return .prefer(plan.configuration)
        case .required: return .require(plan.configuration)
        }
    }
}

/// libpq's `sslmode` in postgres-nio's terms: whether TLS is tried or insisted on, and what of the server's
/// certificate is checked (nothing; the chain to the CA file or the system's store; the chain and the host).
struct DatabaseTLSPlan {
    enum Negotiation { case never, preferred, required }

    var negotiation: Negotiation
    var configuration: TLSConfiguration

    init(_ settings: DatabaseSettings) {
        configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = settings.caFile.map { .file($0) } ?? .default
        switch settings.tlsMode {
        case .disable:
            negotiation = .never
        case .prefer, .require:
            // Encrypted but unauthenticated, unless a CA file is given: libpq then checks the chain.
            negotiation = settings.tlsMode == .prefer ? .preferred : .required
            configuration.certificateVerification = settings.caFile == nil ? .none : .noHostnameVerification
        case .verifyCA:
            negotiation = .required
            configuration.certificateVerification = .noHostnameVerification
        case .verifyFull:
            negotiation = .required
            configuration.certificateVerification = .fullVerification
        }
    }
}
