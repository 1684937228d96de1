import Logging
import PostgresNIO

/// Cheap answers for `/readyz`, bounded in time so a hung dependency reads as "not ready", not as a hung probe.
enum ReadinessProbe {
    static func postgres(_ client: PostgresClient, logger: Logger) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await client.query("SELECT 1", logger: logger)
                    return true
                } catch {
                    return false
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(2))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
