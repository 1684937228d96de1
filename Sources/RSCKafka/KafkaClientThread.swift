import Dispatch
import Foundation
import Synchronization

/// A serial executor on one dedicated OS thread, so librdkafka's blocking calls never occupy
/// Swift's cooperative thread pool.
final class KafkaClientThread: Sendable {
    typealias Job = @Sendable () -> Void

    private struct Queue {
        var jobs: [Job] = []
        var isAccepting = true
        var hasExited = false
        var joiners: [CheckedContinuation<Void, Never>] = []
    }

    private let queue = Mutex(Queue())
    private let wakeUp = DispatchSemaphore(value: 0)
    /// When set, the thread never sleeps: between jobs it runs this (e.g. `rd_kafka_poll(rk, 100)`),
    /// which itself bounds how long a newly submitted job waits.
    private let idle: (@Sendable () -> Void)?

    init(name: String, idle: (@Sendable () -> Void)? = nil) {
        self.idle = idle
        let thread = Thread { [self] in self.loop() }
        thread.name = name
        thread.start()
    }

    /// Enqueues `job`; false once `finish()` has been called.
    @discardableResult
    func submit(_ job: @escaping Job) -> Bool {
        let accepted = queue.withLock { queue in
            guard queue.isAccepting else { return false }
            queue.jobs.append(job)
            return true
        }
        if accepted { wakeUp.signal() }
        return accepted
    }

    /// Runs `body` on the thread and hands its result back to the suspended caller.
    func run<T: Sendable>(
        closedError: @autoclosure @Sendable () -> KafkaError,
        _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = submit { continuation.resume(with: Result { try body() }) }
            if !accepted { continuation.resume(throwing: closedError()) }
        }
    }

    /// Stops accepting jobs; the thread exits after running those already queued.
    func finish() {
        queue.withLock { $0.isAccepting = false }
        wakeUp.signal()
    }

    /// Suspends until the thread has exited (after `finish()`).
    func join() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let exited = queue.withLock { queue in
                if queue.hasExited { return true }
                queue.joiners.append(continuation)
                return false
            }
            if exited { continuation.resume() }
        }
    }

    private func loop() {
        while true {
            let (jobs, stop) = queue.withLock { queue -> ([Job], Bool) in
                let jobs = queue.jobs
                queue.jobs.removeAll()
                return (jobs, jobs.isEmpty && !queue.isAccepting)
            }
            if stop { break }
            for job in jobs { job() }
            if jobs.isEmpty {
                if let idle { idle() } else { wakeUp.wait() }
            }
        }
        let joiners = queue.withLock { queue in
            queue.hasExited = true
            defer { queue.joiners.removeAll() }
            return queue.joiners
        }
        for joiner in joiners { joiner.resume() }
    }
}
