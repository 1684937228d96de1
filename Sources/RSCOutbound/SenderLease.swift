import Foundation
import RSCRetry
import Synchronization

/// This replica's hold on one company's sending (a row in `sender_leases`), which keeps LinkedIn's calls
/// for the company one at a time across replicas. Taken before the company's first round, renewed between
/// rounds, and within a long round before a call once a third of it has passed. A renewal that fails means
/// the hold ran out and another replica may be sending for the company now: the round stops at once.
final class SenderLease: Sendable {
    let company: String
    let owner: String
    let ttl: Duration
    let store: SyncRecordStore
    let now: @Sendable () -> Date
    private let renewedAt = Mutex<Date?>(nil)

    init(company: String, owner: String, ttl: Duration, store: SyncRecordStore, now: @escaping @Sendable () -> Date) {
        self.company = company
        self.owner = owner
        self.ttl = ttl
        self.store = store
        self.now = now
    }

    /// Takes or renews the hold; false when another replica holds it.
    func renew() async throws -> Bool {
        let moment = now()
        guard try await store.claim(company: company, owner: owner, ttl: ttl) else {
            renewedAt.withLock { $0 = nil }
            return false
        }
        renewedAt.withLock { $0 = moment }
        return true
    }

    /// Before a call: renews the hold when a third of it has passed (or it was never taken); false when lost.
    func keep() async throws -> Bool {
        let due: Bool = renewedAt.withLock { renewed in
            guard let renewed else { return true }
            return now().timeIntervalSince(renewed) >= ttl.timeInterval / 3
        }
        return due ? try await renew() : true
    }

    func release() async throws {
        try await store.release(company: company, owner: owner)
    }
}
