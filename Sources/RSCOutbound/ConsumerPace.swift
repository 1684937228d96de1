import Synchronization

/// Whether this process's consumer is catching up with its topics: its last poll came back full.
///
/// The sender then starts fewer companies at once and leaves the cores to the consumer. What the consumer has
/// not read yet is newer than anything the sender could send now, so reaching the live edge first is what
/// gets recruiters' latest changes to LinkedIn soonest — and records left queued a moment longer go in fuller
/// calls.
public final class ConsumerPace: Sendable {
    private let catchingUp = Atomic<Bool>(false)

    public init() {}

    public var isCatchingUp: Bool { catchingUp.load(ordering: .relaxed) }

    /// After each poll: a full batch means more was waiting behind it.
    func polled(_ count: Int, batchLimit: Int) {
        catchingUp.store(count >= batchLimit, ordering: .relaxed)
    }
}
