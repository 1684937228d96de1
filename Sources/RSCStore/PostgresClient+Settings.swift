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
            tls: settings.requiresTLS ? .require(.makeClientConfiguration()) : .disable
        )
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        configuration.options.connectTimeout = .seconds(5)
        self.init(configuration: configuration, backgroundLogger: backgroundLogger)
    }
}
