import Logging
import ServiceLifecycle
import Synchronization

/// Hands the bound port to everyone waiting for it, or the reason the server never listened (both simulators).
public final class ListeningSignal: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case listening(Int)
        case failed(any Error)
    }

    private let state = Mutex<State>(.waiting([]))

    public init() {}

    public func wait() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let immediate: Result<Int, any Error>? = state.withLock { state in
                switch state {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                case .listening(let port):
                    return .success(port)
                case .failed(let error):
                    return .failure(error)
                }
            }
            if let immediate { continuation.resume(with: immediate) }
        }
    }

    public func listening(on port: Int) { finish(.success(port)) }

    /// Called when `run()` ends; waiters still waiting learn the server is gone.
    public func stopped(_ error: any Error) { finish(.failure(error)) }

    private func finish(_ result: Result<Int, any Error>) {
        let waiters: [CheckedContinuation<Int, any Error>] = state.withLock { state in
            guard case .waiting(let waiters) = state else { return [] }
            switch result {
            case .success(let port): state = .listening(port)
            case .failure(let error): state = .failed(error)
            }
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}

extension ListeningSignal {
    /// Serves `server` (an HTTP application reporting its port through this signal) until it ends or the
    /// calling task is cancelled; waiters then learn `stoppedError`, or the error the server ended with.
    ///
    /// Cancelling shuts the server down gracefully (in-flight calls finish, no error log) instead of tearing
    /// channels down: the group runs in its own task, which inherits the caller's task locals, so a parent
    /// ServiceGroup's graceful shutdown still reaches it.
    public func serve(_ server: some Service, logger: Logger, stoppedError: any Error) async throws {
        let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
        let serving = Task { try await group.run() }
        do {
            try await withTaskCancellationHandler {
                try await serving.value
            } onCancel: {
                Task { await group.triggerGracefulShutdown() }
            }
            stopped(stoppedError)
        } catch {
            stopped(error)
            throw error
        }
    }
}
