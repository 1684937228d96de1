// swift-tools-version: 6.1
import PackageDescription

// Every dependency comes from this machine's package mirror; see docs/development.md.
let package = Package(
    name: "rsc-worker-fleet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rsc", targets: ["rsc"]),
        .executable(name: "rsc-outbound", targets: ["rsc-outbound"]),
        .executable(name: "rsc-inbound", targets: ["rsc-inbound"]),
        .executable(name: "rsc-export", targets: ["rsc-export"]),
        .library(name: "RSCSandbox", targets: ["RSCSandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        // The only place that sees librdkafka's C API (see Sources/RSCKafka).
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // glibc's mallopt, for the workers' malloc arena limit (Sources/RSCRuntime/MallocArenas.swift).
        .systemLibrary(name: "CMalloc"),
        // Our Kafka binding: consumer, producer, admin, lag, and the embedded mock cluster.
        .target(
            name: "RSCKafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Environment variables into typed settings; a bad value names the variable.
        .target(name: "RSCConfiguration"),
        // AES-GCM encryption of tokens and client secrets at rest.
        .target(
            name: "RSCSecrets",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // Retry delays: exponential backoff with jitter, shared by every loop that talks to a dependency.
        .target(name: "RSCRetry"),
        // Teamtailor state → LinkedIn RSC records: pure mapping, golden-tested.
        .target(name: "RSCLinkedInMapping", dependencies: ["RSCChangeEvents"]),
        // LinkedIn's RSC API over HTTP: tokens, keys, per-record results, errors with a verdict.
        .target(
            name: "RSCLinkedInClient",
            dependencies: [
                "RSCChangeEvents",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The Teamtailor change-event contract: topic names and the event envelope.
        .target(name: "RSCChangeEvents", dependencies: ["RSCConfiguration"]),
        // PostgreSQL: migrations and the company records.
        .target(
            name: "RSCStore",
            dependencies: [
                "RSCSecrets", "RSCConfiguration",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // JSON logs, Prometheus metrics and the /metrics, /healthz, /readyz listener.
        .target(
            name: "RSCObservability",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The process skeleton the three workers share: configuration, services, graceful shutdown.
        .target(
            name: "RSCRuntime",
            dependencies: [
                "RSCConfiguration", "RSCObservability", "RSCStore", "RSCKafka", "RSCSecrets", "CMalloc",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The outbound worker's consume loop.
        .target(
            name: "RSCOutbound",
            dependencies: [
                "RSCKafka", "RSCStore", "RSCChangeEvents", "RSCRetry", "RSCLinkedInMapping", "RSCLinkedInClient", "RSCConfiguration",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // What both simulators share: the injectable clock and the "listening on port N" signal.
        .target(
            name: "RSCSimulatorSupport",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // A faithful LinkedIn RSC API on loopback: sandbox, demo, tests and benchmarks.
        .target(
            name: "RSCLinkedInSimulator",
            dependencies: [
                "RSCSimulatorSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Teamtailor's API over HTTP (JSON:API): pages, rate limits, errors with a verdict.
        .target(
            name: "RSCTeamtailorClient",
            dependencies: [
                "RSCRetry", "RSCChangeEvents",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // A faithful Teamtailor API on loopback: sandbox, demo, tests and benchmarks.
        .target(
            name: "RSCTeamtailorSimulator",
            dependencies: [
                "RSCChangeEvents", "RSCSimulatorSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // rsc-export's public listener: LinkedIn's signed pushes, stored before the answer, processed after.
        .target(
            name: "RSCExport",
            dependencies: [
                "RSCStore", "RSCSecrets", "RSCRetry", "RSCLinkedInClient", "RSCTeamtailorClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Connecting a company: the internal API (activate, integration, settings, status, disconnect).
        .target(
            name: "RSCConnect",
            dependencies: [
                "RSCConfiguration", "RSCExport", "RSCStore", "RSCLinkedInClient", "RSCLinkedInMapping", "RSCTeamtailorClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The first global sync: a company's history read from Teamtailor's API into the entity state.
        .target(
            name: "RSCFirstSync",
            dependencies: [
                "RSCOutbound", "RSCStore", "RSCChangeEvents", "RSCRetry", "RSCTeamtailorClient",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The standing reconciliation: Teamtailor re-read on a schedule, repairing what the change topics missed.
        .target(
            name: "RSCReconciliation",
            dependencies: [
                "RSCFirstSync", "RSCOutbound", "RSCStore", "RSCChangeEvents", "RSCRetry", "RSCTeamtailorClient",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // rsc-inbound's poller: LinkedIn notes, InMails and shared contact details into Teamtailor, exactly once.
        .target(
            name: "RSCInbound",
            dependencies: [
                "RSCStore", "RSCLinkedInClient", "RSCTeamtailorClient", "RSCRetry", "RSCChangeEvents",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The embedded stack: throwaway PostgreSQL server and librdkafka's mock Kafka cluster.
        .target(
            name: "RSCSandbox",
            dependencies: ["RSCKafka", "RSCChangeEvents", "RSCLinkedInSimulator", "RSCSimulatorSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "rsc",
            dependencies: [
                "RSCConfiguration", "RSCStore", "RSCSecrets", "RSCKafka", "RSCSandbox", "RSCChangeEvents",
                "RSCObservability", "RSCOutbound", "RSCLinkedInSimulator", "RSCTeamtailorSimulator", "RSCTeamtailorClient",
                "RSCLinkedInClient", "RSCFirstSync", "RSCReconciliation", "RSCInbound", "RSCRetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "rsc-outbound",
            dependencies: [
                "RSCRuntime", "RSCOutbound", "RSCLinkedInClient", "RSCStore", "RSCFirstSync", "RSCReconciliation",
                "RSCTeamtailorClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(
            name: "rsc-inbound",
            dependencies: [
                "RSCRuntime", "RSCInbound", "RSCLinkedInClient", "RSCStore", "RSCTeamtailorClient", "RSCConfiguration",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(
            name: "rsc-export",
            dependencies: [
                "RSCRuntime", "RSCConfiguration", "RSCConnect", "RSCExport", "RSCLinkedInClient", "RSCStore", "RSCTeamtailorClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),

        // Shared by the test targets: a database per test, the embedded broker, built executables.
        .target(
            name: "RSCTestSupport",
            dependencies: [
                "RSCSandbox", "RSCStore", "RSCKafka", "RSCLinkedInSimulator", "RSCTeamtailorSimulator",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/RSCTestSupport"
        ),
        .testTarget(name: "RSCKafkaTests", dependencies: ["RSCKafka"]),
        .testTarget(name: "RSCConfigurationTests", dependencies: ["RSCConfiguration"]),
        .testTarget(name: "RSCSecretsTests", dependencies: ["RSCSecrets"]),
        .testTarget(name: "RSCRetryTests", dependencies: ["RSCRetry"]),
        .testTarget(name: "RSCObservabilityTests", dependencies: ["RSCObservability"]),
        .testTarget(name: "RSCChangeEventsTests", dependencies: ["RSCChangeEvents"]),
        .testTarget(
            name: "RSCLinkedInSimulatorTests",
            dependencies: [
                "RSCLinkedInSimulator", "RSCSimulatorSupport",
                // Only to check the client against the simulator end to end; the simulator never imports it.
                "RSCLinkedInClient", "RSCChangeEvents",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // LinkedIn's published requests and answers, read from the source tree (see Published/README.md).
            exclude: ["Published"]
        ),
        .testTarget(
            name: "RSCLinkedInMappingTests",
            dependencies: ["RSCLinkedInMapping", "RSCLinkedInClient", "RSCChangeEvents"],
            exclude: ["Golden", "Published"]
        ),
        .testTarget(
            name: "RSCStoreTests",
            dependencies: ["RSCStore", "RSCSecrets", "RSCTestSupport", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        .testTarget(
            name: "RSCOutboundTests",
            dependencies: [
                "RSCOutbound", "RSCChangeEvents", "RSCKafka", "RSCTestSupport", "RSCLinkedInSimulator", "RSCLinkedInClient",
                "RSCLinkedInMapping", "RSCStore", "RSCSecrets",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "RSCSandboxTests",
            dependencies: ["RSCSandbox", "RSCChangeEvents"]
        ),
        .testTarget(
            name: "RSCTeamtailorTests",
            dependencies: [
                "RSCTeamtailorClient", "RSCTeamtailorSimulator", "RSCChangeEvents", "RSCSimulatorSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "RSCExportTests",
            dependencies: [
                "RSCExport", "RSCConnect", "RSCStore", "RSCSecrets", "RSCTestSupport", "RSCSandbox", "RSCChangeEvents",
                "RSCLinkedInSimulator", "RSCLinkedInClient", "RSCTeamtailorSimulator", "RSCTeamtailorClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "RSCInboundTests",
            dependencies: [
                "RSCInbound", "RSCStore", "RSCSecrets", "RSCTestSupport", "RSCLinkedInSimulator", "RSCLinkedInClient",
                "RSCTeamtailorSimulator", "RSCTeamtailorClient", "RSCChangeEvents",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "RSCFirstSyncTests",
            dependencies: [
                "RSCFirstSync", "RSCOutbound", "RSCStore", "RSCSecrets", "RSCTestSupport", "RSCChangeEvents",
                "RSCLinkedInSimulator", "RSCLinkedInClient", "RSCTeamtailorSimulator", "RSCTeamtailorClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "RSCReconciliationTests",
            dependencies: [
                "RSCReconciliation", "RSCFirstSync", "RSCOutbound", "RSCStore", "RSCSecrets", "RSCTestSupport", "RSCChangeEvents",
                "RSCLinkedInSimulator", "RSCLinkedInClient", "RSCTeamtailorSimulator", "RSCTeamtailorClient", "RSCKafka", "RSCSandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "ProcessTests",
            dependencies: ["RSCTestSupport", "RSCKafka", "RSCSandbox", "RSCChangeEvents", "RSCStore", "RSCLinkedInSimulator", "RSCExport", "RSCTeamtailorSimulator", "RSCSecrets"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
