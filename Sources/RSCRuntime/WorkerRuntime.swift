import Foundation
import Logging
import PostgresNIO
import RSCConfiguration
import RSCKafka
import RSCObservability
import RSCSecrets
import RSCStore
import ServiceLifecycle

/// The process skeleton every worker shares: read configuration (exit 2 on a bad value), JSON logs,
/// Prometheus metrics, PostgreSQL pool, operations listener, and a `ServiceGroup` that on SIGTERM or
/// SIGINT lets the worker finish the batch in hand and exits 0 within `SHUTDOWN_GRACE_SECONDS`.
public enum WorkerRuntime {
    public static func run(
        name: String,
        defaultGroupID: String,
        usesKafka: Bool = true,
        environment: EnvironmentReader = EnvironmentReader(),
        makeServices: (WorkerContext) async throws -> [any Service]
    ) async -> Never {
        MallocArenas.limit(environment: ProcessInfo.processInfo.environment)
        let configuration: WorkerConfiguration
        let secrets: SecretBox
        do {
            configuration = try WorkerConfiguration(environment: environment, defaultGroupID: defaultGroupID)
            secrets = try SecretBox(
                currentKeyBase64: configuration.secretKey,
                previousKeysBase64: try previousSecretKeys(environment)
            )
        } catch let error as ConfigurationError {
            exitWithConfigurationError(error)
        } catch {
            exitWithConfigurationError(
                ConfigurationError(variable: "RSC_SECRET_KEY", expected: "base64 of 32 random bytes", isMissing: false)
            )
        }

        LoggingSystem.bootstrapJSON(level: Logger.Level(rawValue: configuration.logLevel.rawValue) ?? .info)
        let registry = MetricsRegistry.bootstrap()
        let logger = {
            var logger = Logger(label: "rsc.\(name)")
            logger[metadataKey: "worker"] = "\(name)"
            return logger
        }()

        let postgres = PostgresClient(settings: configuration.database, applicationName: name, backgroundLogger: logger)
        let context = WorkerContext(
            name: name, configuration: configuration, postgres: postgres, secrets: secrets, logger: logger
        )
        do {
            let kafkaAdmin = try KafkaAdmin(
                bootstrapServers: configuration.kafkaBrokers, extraProperties: configuration.kafkaProperties, logger: logger)
            // A worker that does not use Kafka (rsc-export) must not go unready when Kafka is down.
            var checks = [HealthCheck(name: "postgres") { await ReadinessProbe.postgres(postgres, logger: logger) }]
            if usesKafka {
                checks.append(HealthCheck(name: "kafka") { await kafkaAdmin.isReachable(timeout: .seconds(2)) })
            }
            let operations = OperationsServer.service(
                port: configuration.metricsPort, registry: registry, checks: checks, logger: logger
            ) { port in
                logger.info("operations listener ready", metadata: ["port": "\(port)"])
            }
            let workerServices = try await makeServices(context)
            // Services stop in reverse order: the worker finishes and commits while PostgreSQL is still there.
            let group = ServiceGroup(
                configuration: .init(
                    services: [
                        .init(service: postgres),
                        .init(service: operations),
                        .init(
                            service: DatabaseTransportReport(client: postgres, mode: configuration.database.tlsMode, logger: logger),
                            successTerminationBehavior: .ignore),
                    ] + workerServices.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    cancellationSignals: [],
                    logger: logger
                ).withGrace(configuration.shutdownGrace)
            )
            logger.info(
                "starting",
                metadata: [
                    "database": "\(configuration.database.redactedURL)",
                    "kafka": "\(configuration.kafkaBrokers)",
                    "secretKeyID": "\(secrets.currentKeyID)",
                ]
            )
            try await group.run()
            await kafkaAdmin.close()
            logger.info("stopped")
            exit(0)
        } catch let error as ConfigurationError {
            exitWithConfigurationError(error)
        } catch {
            logger.critical("worker failed", metadata: ["error": "\(loggable(error))"])
            exit(1)
        }
    }

    /// `RSC_SECRET_KEY_PREVIOUS`: comma-separated older keys, kept during a key rotation to open old values.
    static func previousSecretKeys(_ environment: EnvironmentReader) throws(ConfigurationError) -> [String] {
        guard let text = environment.raw("RSC_SECRET_KEY_PREVIOUS") else { return [] }
        let keys = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for key in keys where Data(base64Encoded: key)?.count != 32 {
            throw ConfigurationError(
                variable: "RSC_SECRET_KEY_PREVIOUS", expected: "comma-separated base64 keys of 32 bytes", isMissing: false
            )
        }
        return keys
    }

    public static func exitWithConfigurationError(_ error: ConfigurationError) -> Never {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(2)
    }
}

extension ServiceGroupConfiguration {
    func withGrace(_ grace: Duration) -> ServiceGroupConfiguration {
        var copy = self
        copy.maximumGracefulShutdownDuration = grace
        // After the grace period, cancellation gets a short moment before the group gives up on a service.
        copy.maximumCancellationDuration = .seconds(2)
        return copy
    }
}
