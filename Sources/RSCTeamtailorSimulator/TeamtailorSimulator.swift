import Foundation
import Hummingbird
import Logging
import RSCChangeEvents
import RSCSimulatorSupport
import ServiceLifecycle
import Synchronization

/// An in-memory Teamtailor API (JSON:API, `/v1`) on loopback, with seeding, inspection and change events.
// Serves `/v1/…` and the inspection API under `/_simulator`. Either run it as a `Service` (`run()` until
// cancelled or graceful shutdown, `waitUntilListening()` for the port) or `start()` it and `stop()` it later.
// Every change it makes, through the API or the Swift helpers below, goes to `changeSink` as the contract's
// change event; the simulator knows nothing of Kafka.
public final class TeamtailorSimulator: Service, Sendable {
    public let configuration: TeamtailorSimulatorConfiguration
    /// Direct in-process inspection and control (the same data the `/_simulator` endpoints show).
    public let state: TeamtailorSimulatorState
    private let changeSink: (@Sendable (ChangeEvent) async -> Void)?
    private let logger: Logger
    private let listening = ListeningSignal()
    private let started = Mutex<Task<Void, any Error>?>(nil)

    public init(
        configuration: TeamtailorSimulatorConfiguration = .init(),
        clock: some SimulatorClock = SystemSimulatorClock(),
        logger: Logger,
        changeSink: (@Sendable (ChangeEvent) async -> Void)? = nil
    ) {
        self.configuration = configuration
        self.state = TeamtailorSimulatorState(configuration: configuration, clock: clock)
        self.logger = logger
        self.changeSink = changeSink
    }

    public func run() async throws {
        try await serve(host: configuration.host, port: configuration.port)
    }

    /// The bound port, once the server accepts connections; throws if the server ended before that.
    public func waitUntilListening() async throws -> Int {
        try await listening.wait()
    }

    /// Serves in a task of its own until `stop()`; returns the base URL (`http://127.0.0.1:PORT`). Once per instance.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> URL {
        let task = Task { try await serve(host: host, port: port) }
        let alreadyStarted = started.withLock { current -> Bool in
            if current != nil { return true }
            current = task
            return false
        }
        if alreadyStarted {
            task.cancel()
            throw TeamtailorSimulatorStoppedError()
        }
        let bound = try await waitUntilListening()
        return URL(string: "http://\(host):\(bound)")!
    }

    /// Shuts down what `start()` started (in-flight calls finish) and waits for it.
    public func stop() async {
        guard let task = started.withLock({ $0 }) else { return }
        task.cancel()
        _ = try? await task.value
    }

    private func serve(host: String, port: Int) async throws {
        let listening = self.listening
        let sink = changeSink
        let application = Application(
            router: TeamtailorRoutes.router(state: state) { events in
                guard let sink else { return }
                for event in events { await sink(event) }
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "rsc-teamtailor-simulator"),
            onServerRunning: { channel in listening.listening(on: channel.localAddress?.port ?? port) },
            logger: logger)
        try await listening.serve(application, logger: logger, stoppedError: TeamtailorSimulatorStoppedError())
    }

    // MARK: - Changes from Swift (the demo), published like API changes

    /// Creates a candidate as `POST /v1/candidates` would (same rules); returns its id.
    @discardableResult
    public func createCandidate(company: String, attributes: [String: JSONValue], merge: Bool = false) async throws -> Int {
        try await change(company) { store, now throws(APIFailure) in
            let (record, change) = try store.createCandidate(attributes, merge: merge, now: now)
            return (record.id, [change])
        }
    }

    /// Changes only the given attributes (kebab-case, as the API takes them).
    public func updateCandidate(company: String, id: Int, attributes: [String: JSONValue]) async throws {
        try await change(company) { store, now throws(APIFailure) in ((), [try store.updateCandidate(id, attributes, now: now)]) }
    }

    public func deleteCandidate(company: String, id: Int) async throws {
        try await change(company) { store, _ throws(APIFailure) in ((), [try store.deleteCandidate(id)]) }
    }

    /// e.g. `["status": "archived"]` (title, body, status, internal, remote-status, pinned).
    public func updateJob(company: String, id: Int, attributes: [String: JSONValue]) async throws {
        try await change(company) { store, now throws(APIFailure) in ((), [try store.updateJob(id, attributes, now: now)]) }
    }

    public func renameStage(company: String, id: Int, to name: String) async throws {
        try await change(company) { store, now throws(APIFailure) in
            ((), [try store.updateStage(id, ["name": .string(name)], now: now)])
        }
    }

    /// Applies the candidate to the job (its Inbox); returns the application's id.
    @discardableResult
    public func createApplication(company: String, candidate: Int, job: Int) async throws -> Int {
        try await change(company) { store, now throws(APIFailure) in
            let (record, change) = try store.createApplication(candidate: candidate, job: job, stage: nil, [:], now: now)
            return (record.id, [change])
        }
    }

    /// Moves the application to another stage of its job.
    public func moveApplication(company: String, id: Int, toStage stage: Int) async throws {
        try await change(company) { store, now throws(APIFailure) in
            ((), [try store.updateApplication(id, stage: stage, [:], now: now)])
        }
    }

    public func rejectApplication(company: String, id: Int, reason: String) async throws {
        try await change(company) { store, now throws(APIFailure) in
            let reasonID = store.rejectReason(reason, now: now)
            let attributes: [String: JSONValue] = ["rejected-at": .string(TimestampText.format(now))]
            return ((), [try store.updateApplication(id, stage: nil, rejectReason: reasonID, attributes, now: now)])
        }
    }

    /// A comment credited to `user`; returns the note's id.
    @discardableResult
    public func addComment(
        company: String, candidate: Int, user: Int, application: Int? = nil, text: String, isPrivate: Bool = false
    ) async throws -> Int {
        try await change(company) { store, now throws(APIFailure) in
            let (record, change) = try store.createNote(
                candidate: candidate, user: user, application: application, text: text, isPrivate: isPrivate, now: now)
            return (record.id, [change])
        }
    }

    private func change<T: Sendable>(
        _ company: String, _ work: @Sendable (inout CompanyStore, Date) throws(APIFailure) -> (T, [RecordChange])
    ) async throws -> T {
        let (result, events) = try await state.mutate(company: company, work)
        if let changeSink {
            for event in events { await changeSink(event) }
        }
        return result
    }
}

/// `waitUntilListening()` after the simulator stopped without ever listening, or a second `start()`.
public struct TeamtailorSimulatorStoppedError: Error, CustomStringConvertible {
    public var description: String { "The Teamtailor simulator is not (or no longer) listening" }
}
