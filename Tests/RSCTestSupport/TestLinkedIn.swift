import Foundation
import Logging
import RSCLinkedInSimulator

/// Runs the LinkedIn simulator on a free loopback port for the duration of `body`.
public enum TestLinkedIn {
    public struct Endpoints: Sendable {
        public var api: URL
        public var oauth: URL
    }

    public static func withSimulator<T: Sendable>(
        _ configuration: LinkedInSimulatorConfiguration = .init(),
        _ body: @Sendable (LinkedInSimulator, Endpoints) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "rsc.tests.linkedin")
        logger.logLevel = .error
        let simulator = LinkedInSimulator(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await simulator.run()
                return nil
            }
            defer { group.cancelAll() }
            let port = try await simulator.waitUntilListening()
            let endpoints = Endpoints(
                api: URL(string: "http://127.0.0.1:\(port)")!,
                oauth: URL(string: "http://127.0.0.1:\(port)/oauth/v2/accessToken")!
            )
            return try await body(simulator, endpoints)
        }
    }
}
