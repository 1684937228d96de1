import Synchronization

/// Rung by the consumer when a batch marked LinkedIn records, so the sender in the same process looks for
/// work within milliseconds instead of at its next idle poll. Work marked by another replica is still found
/// by polling; the bell only shortens the wait for this replica's own changes.
public final class SendDoorbell: Sendable {
    private let rung = Atomic<Bool>(false)

    public init() {}

    public func ring() {
        rung.store(true, ordering: .releasing)
    }

    /// Returns when the bell rang (since the last wait) or after `timeout`, whichever is first. The flag is
    /// checked every `step`: cheaper and simpler than a continuation raced against a timer, and 10 ms is
    /// small beside a send round.
    func wait(upTo timeout: Duration, step: Duration = .milliseconds(10)) async {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, !Task.isCancelled {
            if rung.exchange(false, ordering: .acquiringAndReleasing) { return }
            try? await Task.sleep(for: min(step, deadline - ContinuousClock.now))
        }
        _ = rung.exchange(false, ordering: .acquiringAndReleasing)
    }
}
