import Metrics
import Prometheus

/// The process's Prometheus registry, installed as the swift-metrics backend so every `Counter`,
/// `Gauge` and `Timer` in the libraries lands on `/metrics`.
public enum MetricsRegistry {
    /// Installs the Prometheus backend once per process and returns its registry.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusMetricsFactory.defaultRegistry
        var factory = PrometheusMetricsFactory(registry: registry)
        // End-to-end latency and LinkedIn call durations range from milliseconds to minutes.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(200),
            .milliseconds(300), .milliseconds(500), .milliseconds(750), .seconds(1), .milliseconds(1_500),
            .seconds(2), .seconds(3), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }
}
