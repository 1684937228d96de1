import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// The listener the cluster talks to: `/metrics` for Prometheus, `/healthz` for liveness,
/// `/readyz` for readiness (ready only while every `HealthCheck` answers).
public enum OperationsServer {
    /// A service serving the three routes on `port` (0 picks a free port; `onListening` reports it).
    public static func service(
        port: Int,
        registry: PrometheusCollectorRegistry,
        checks: [HealthCheck],
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some Service {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
        router.get("/healthz") { _, _ -> Response in
            jsonResponse(.ok, ["status": "ok"])
        }
        router.get("/readyz") { _, _ -> Response in
            var results: [String: String] = [:]
            await withTaskGroup(of: (String, Bool).self) { group in
                for check in checks {
                    group.addTask { (check.name, await check.check()) }
                }
                for await (name, ok) in group { results[name] = ok ? "ok" : "unavailable" }
            }
            let ready = results.values.allSatisfy { $0 == "ok" }
            var body = results
            body["status"] = ready ? "ready" : "not ready"
            return jsonResponse(ready ? .ok : .serviceUnavailable, body)
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname("0.0.0.0", port: port), serverName: "rsc-operations"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    static func jsonResponse(_ status: HTTPResponse.Status, _ body: [String: String]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
