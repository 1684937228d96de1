import Foundation
import Hummingbird
import Logging
import RSCSimulatorSupport
import ServiceLifecycle

/// An in-memory LinkedIn RSC API on loopback.
// Serves `POST /oauth/v2/accessToken`, the ATS → LinkedIn sync resources under `/v2`, and the inspection API
// under `/_simulator`. Run it once: `run()` serves until its task is cancelled (or, as a `Service`, until
// graceful shutdown); `waitUntilListening()` gives the bound port.
public final class LinkedInSimulator: Service, Sendable {
    public let configuration: LinkedInSimulatorConfiguration
    /// Direct in-process inspection and control (the same data the `/_simulator` endpoints show).
    public let state: SimulatorState
    private let logger: Logger
    private let listening = ListeningSignal()

    public init(
        configuration: LinkedInSimulatorConfiguration = .init(),
        clock: some SimulatorClock = SystemSimulatorClock(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.state = SimulatorState(configuration: configuration, clock: clock, logger: logger)
        self.logger = logger
    }

    public func run() async throws {
        let listening = self.listening
        let port = configuration.port
        let application = Application(
            router: LinkedInRoutes.router(state: state),
            configuration: .init(
                address: .hostname(configuration.host, port: port),
                serverName: "rsc-linkedin-simulator"),
            onServerRunning: { channel in
                listening.listening(on: channel.localAddress?.port ?? port)
            },
            logger: logger)
        try await listening.serve(application, logger: logger, stoppedError: SimulatorStoppedError())
    }

    /// The bound port, once the server accepts connections; throws if `run()` ended before that.
    public func waitUntilListening() async throws -> Int {
        try await listening.wait()
    }

    /// Registers a child application and the organization (integration context) it serves.
    public func registerApplication(clientID: String, clientSecret: String, organization: String) async {
        await state.registerApplication(clientID: clientID, clientSecret: clientSecret, organization: organization)
    }
}

/// `waitUntilListening()` after the simulator stopped without ever listening.
public struct SimulatorStoppedError: Error, CustomStringConvertible {
    public var description: String { "The LinkedIn simulator stopped before it was listening" }
}
