import Logging
import PostgresNIO
import RSCConfiguration
import RSCSecrets

/// What a worker's own services are built from: its settings, the shared PostgreSQL pool, the secret box.
public struct WorkerContext: Sendable {
    public var name: String
    public var configuration: WorkerConfiguration
    public var postgres: PostgresClient
    public var secrets: SecretBox
    public var logger: Logger
}
