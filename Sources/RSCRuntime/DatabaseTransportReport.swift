import Logging
import PostgresNIO
import RSCConfiguration
import RSCStore
import ServiceLifecycle

/// Says once, as soon as PostgreSQL answers, whether the worker's sessions with it are encrypted: with
/// `sslmode=prefer` a server without TLS means plaintext, and that must be visible, not silent.
struct DatabaseTransportReport: Service {
    let client: PostgresClient
    let mode: DatabaseSettings.TLSMode
    let logger: Logger

    func run() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let encrypted = try await sessionIsEncrypted(client, logger: logger)
                let metadata: Logger.Metadata = ["sslmode": "\(mode.rawValue)"]
                if encrypted {
                    logger.info("PostgreSQL sessions are encrypted (TLS)", metadata: metadata)
                } else if mode == .disable {
                    logger.notice("PostgreSQL sessions are not encrypted (sslmode=disable)", metadata: metadata)
                } else {
                    logger.warning(
                        "PostgreSQL sessions are NOT encrypted: the server offers no TLS and sslmode=prefer allows plaintext; use sslmode=verify-full",
                        metadata: metadata)
                }
                return
            } catch {
                // PostgreSQL is not there yet; readiness says so. Ask again shortly.
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }
}
