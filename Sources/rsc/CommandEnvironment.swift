import Foundation
import Logging
import PostgresNIO
import RSCConfiguration
import RSCSecrets
import RSCStore

/// What subcommands read from the environment; each exits 2 naming the variable when it is missing or bad.
enum CommandEnvironment {
    static let reader = EnvironmentReader()

    static var logger: Logger {
        var logger = Logger(label: "rsc") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = reader.raw("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }

    static func database() -> DatabaseSettings {
        do {
            return try DatabaseSettings(
                url: reader.string("DATABASE_URL", expected: "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
            )
        } catch {
            fail(error)
        }
    }

    static func kafkaBrokers() -> String {
        do {
            return try WorkerConfiguration.brokers(reader)
        } catch {
            fail(error)
        }
    }

    /// `KAFKA_PROPERTIES` (TLS, SASL, …), as the workers read it.
    static func kafkaProperties() -> [String: String] {
        do {
            return try WorkerConfiguration.kafkaProperties(reader)
        } catch {
            fail(error)
        }
    }

    static func secretBox() -> SecretBox {
        let key: String
        do {
            key = try WorkerConfiguration.secretKey(reader)
        } catch {
            fail(error)
        }
        let previous = reader.raw("RSC_SECRET_KEY_PREVIOUS")?.split(separator: ",").map { String($0) } ?? []
        do {
            return try SecretBox(currentKeyBase64: key, previousKeysBase64: previous)
        } catch {
            fail(ConfigurationError(variable: "RSC_SECRET_KEY_PREVIOUS", expected: "comma-separated base64 keys of 32 bytes", isMissing: false))
        }
    }

    static func fail(_ error: ConfigurationError) -> Never {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(2)
    }

    /// Runs `body` with a connected pool, then shuts the pool down.
    static func withPostgres<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        // The pool's own chatter (e.g. a lease asked for a moment before it runs) is not for the operator.
        var poolLogger = logger
        poolLogger.logLevel = .error
        let client = PostgresClient(settings: database(), applicationName: "rsc", backgroundLogger: poolLogger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}

