import Foundation
import Logging
import Metrics
import RSCStore
import ServiceLifecycle

/// `rsc_export_oldest_pending_seconds`: how long the oldest stored notification has waited for processing
/// (0 when none). Rising means processing is failing or stuck; the alert watches it.
public struct ExportGauges: Service {
    let store: NotificationStore
    let interval: Duration
    let logger: Logger
    let now: @Sendable () -> Date

    public init(store: NotificationStore, interval: Duration = .seconds(15), logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.interval = interval
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        let gauge = Gauge(label: "rsc_export_oldest_pending_seconds")
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let oldest = try await store.oldestPendingSince()
                gauge.record(oldest.map { max(now().timeIntervalSince($0), 0) } ?? 0)
            } catch {
                logger.warning("could not read pending notifications", metadata: ["error": "\(loggable(error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
