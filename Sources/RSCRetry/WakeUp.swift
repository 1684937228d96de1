import Synchronization

/// Ends a worker loop's idle wait early when there is work: the consumer rings it after marking records
/// for the sender, the callback listener after storing a push for the export processor.
///
/// A ring while nobody waits is kept for the next wait (work is never missed); a wait that ends — rung,
/// timed out or cancelled — leaves nothing behind, so the next wait lasts until the next real ring or its
/// whole timeout. (The pair this replaces signalled again from its cancelled timer: every real wake-up
/// left a stale one behind, and the loop ran an extra empty pass.)
public final class WakeUp: Sendable {
    private struct State {
        var rung = false
        var waiter: Waiter?
        var nextWait: UInt64 = 0
    }

    private enum Waiter {
        case waiting(UInt64, CheckedContinuation<Void, Never>)
        /// The wait was cancelled (its timeout passed) before it could park: it must not park at all.
        case cancelled(UInt64)
    }

    private let state = Mutex(State())

    public init() {}

    public func ring() {
        let waiting: CheckedContinuation<Void, Never>? = state.withLock { state in
            if case .waiting(_, let continuation) = state.waiter {
                state.waiter = nil
                return continuation
            }
            state.rung = true
            return nil
        }
        waiting?.resume()
    }

    /// Returns when rung (now or since the last wait ended), after `timeout`, or when the task is cancelled.
    /// One waiter at a time: the loop that owns this wake-up.
    public func wait(upTo timeout: Duration) async {
        let (alreadyRung, id): (Bool, UInt64) = state.withLock { state in
            state.nextWait &+= 1
            defer { state.rung = false }
            return (state.rung, state.nextWait)
        }
        if alreadyRung || Task.isCancelled { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.parkUntilRung(id) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Parks until rung; cancellation (the timeout won, or the task ends) unparks it without a ring.
    private func parkUntilRung(_ id: UInt64) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = state.withLock { state in
                    if state.rung {
                        state.rung = false
                        return true
                    }
                    if case .cancelled(id) = state.waiter {
                        state.waiter = nil
                        return true
                    }
                    state.waiter = .waiting(id, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiting: CheckedContinuation<Void, Never>? = state.withLock { state in
                if case .waiting(id, let continuation) = state.waiter {
                    state.waiter = nil
                    return continuation
                }
                if state.waiter == nil { state.waiter = .cancelled(id) }
                return nil
            }
            waiting?.resume()
        }
    }
}
