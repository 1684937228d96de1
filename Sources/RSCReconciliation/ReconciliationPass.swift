import Foundation
import Logging
import Metrics
import PostgresNIO
import RSCChangeEvents
import RSCFirstSync
import RSCOutbound
import RSCStore
import RSCTeamtailorClient

/// One company's reconciliation pass: Teamtailor's records read again through the first sync's machinery
/// (the same history mapping, the same entity state, the same version rule), so what the change topics
/// missed is marked and sent, while a newer live change always wins. A full pass also deletes on LinkedIn
/// what we hold and Teamtailor no longer has.
///
/// Its LinkedIn records are marked at priority 2: sent after live changes (0) and first syncs (1).
struct ReconciliationPass: Sendable {
    static let priority: Int16 = 2
    /// Teamtailor resources in the order they are read: parents before children, so a repaired child finds its
    /// parent already stored.
    // No interviews: Teamtailor publishes no interview endpoint (docs/teamtailor-conformance.md).
    static let resources: [TeamtailorResource] = [.jobs, .stages, .candidates, .jobApplications, .notes]

    let companyID: String
    let credentials: TeamtailorCredentials
    let teamtailor: TeamtailorClient
    let states: EntityStateStore
    let store: ReconciliationStore
    let postgres: PostgresClient
    let settings: ReconciliationRunner.Settings
    let now: @Sendable () -> Date
    let logger: Logger

    enum Outcome: Equatable { case finished, leaseLost, stopped }

    func run(_ progress: ReconciliationStore.Progress) async throws -> Outcome {
        var progress = progress
        let users = try await authors()
        var seen: [String: Set<String>] = [:]
        let startIndex = progress.resource.flatMap { name in Self.resources.firstIndex { $0.rawValue == name } } ?? 0
        for resource in Self.resources[startIndex...] {
            var cursor = resource.rawValue == progress.resource ? progress.cursor.flatMap(HistoryCursor.init(rawValue:)) : nil
            let filtered = progress.kind == .incremental && resource.filtersByUpdatedAt ? progress.since : nil
            while true {
                if Task.isCancelled { return .stopped }
                guard try await store.renew(companyID: companyID, owner: settings.owner, for: settings.leaseDuration) else {
                    return .leaseLost
                }
                try await waitForQueueRoom()
                try await throttleForTeamtailor()
                let page = try await teamtailor.historyPage(resource, after: cursor, updatedFrom: filtered, credentials: credentials)
                let events = page.records.compactMap {
                    HistoryMapping.event(companyID: companyID, resource: resource, record: $0, page: page, users: users)
                }
                seen[resource.rawValue, default: []].formUnion(page.records.map(\.id))
                let repaired = try await apply(events)
                count(resource, checked: page.records.count, repaired: repaired, in: &progress)
                cursor = page.history
                try await store.record(
                    companyID: companyID, resource: resource.rawValue, next: page.history?.rawValue,
                    checked: progress.checked, repaired: progress.repaired)
                if page.history == nil { break }
            }
            if progress.kind == .full {
                let deleted = try await deleteUnlisted(resource, listed: seen[resource.rawValue] ?? [], since: progress.startedAt)
                count(resource, checked: 0, repaired: deleted, in: &progress)
                try await store.record(
                    companyID: companyID, resource: resource.rawValue, next: nil, checked: progress.checked, repaired: progress.repaired)
            }
        }
        return .finished
    }

    /// Applies read records under the version rule; answers how many changed what we held.
    func apply(_ events: [ChangeEvent]) async throws -> Int {
        var changed = 0
        let refused = try await storeIsolatingFailures(events, isIsolatable: { StorageFailure(classifying: $0) == .dataRejected }) { part in
            changed += try await states.apply(part, priority: Self.priority).changed
        }
        for (event, error) in refused {
            logger.error("reconciliation left out a record PostgreSQL refused", metadata: [
                "company": "\(companyID)", "record": "\(event.data.type)/\(shownIdentifier(event.data.id))", "error": "\(loggable(error))",
            ])
        }
        return changed
    }

    /// Records we hold (not deleted, stored before this pass began) that Teamtailor did not list: each gets a
    /// destroy one version above ours, so the dirty marking deletes it on LinkedIn by RSC's rules. A record
    /// stored after the pass began is spared — it may be a live create the listing came too early to see.
    func deleteUnlisted(_ resource: TeamtailorResource, listed: Set<String>, since started: Date) async throws -> Int {
        guard let type = HistoryMapping.contractType(of: resource.rawValue) else { return 0 }
        let rows = try await postgres.query(
            """
            SELECT entity_id, version FROM entity_states
            WHERE company_id = \(companyID) AND entity_type = \(type.type) AND NOT deleted AND received_at < \(started)
            """,
            logger: logger)
        var destroys: [ChangeEvent] = []
        let at = now()
        for try await (id, version) in rows.decode((String, Int64).self) where !listed.contains(id) {
            destroys.append(ChangeEvent(
                eventID: "reconcile-\(companyID)-\(type.type)-\(id)-\(version + 1)", event: "\(type.event).destroy",
                companyID: companyID, occurredAt: at, version: version + 1, data: .init(id: id, type: type.type)))
        }
        guard !destroys.isEmpty else { return 0 }
        logger.info("reconciliation deletes records Teamtailor no longer has", metadata: [
            "company": "\(companyID)", "resource": "\(resource.rawValue)", "count": "\(destroys.count)",
        ])
        return try await apply(destroys)
    }

    func count(_ resource: TeamtailorResource, checked: Int, repaired: Int, in progress: inout ReconciliationStore.Progress) {
        progress.checked[resource.rawValue, default: 0] += checked
        progress.repaired[resource.rawValue, default: 0] += repaired
        if checked > 0 {
            Counter(label: "rsc_reconcile_checked_total", dimensions: [("resource", resource.rawValue)]).increment(by: checked)
        }
        if repaired > 0 {
            Counter(label: "rsc_reconcile_repaired_total", dimensions: [("resource", resource.rawValue)]).increment(by: repaired)
        }
    }

    /// Notes name their author by user id; the contract carries the author's name and email.
    func authors() async throws -> [String: HistoryMapping.Author] {
        let users = try await teamtailor.users(credentials: credentials)
        return Dictionary(users.map { ($0.id, HistoryMapping.Author(email: $0.email, name: $0.name)) }, uniquingKeysWith: { first, _ in first })
    }

    /// Behind live work and first syncs: while many repaired records wait to be sent, read no further.
    func waitForQueueRoom() async throws {
        while true {
            let rows = try await postgres.query(
                "SELECT count(*)::int FROM linkedin_send_queue WHERE company_id = \(companyID) AND priority >= 1",
                logger: logger)
            var queued = 0
            for try await count in rows.decode(Int.self) { queued = count }
            if queued < settings.maxQueuedRecords { return }
            try await Task.sleep(for: .seconds(1))
        }
    }

    /// Teamtailor's own limit, shared with everything else this key does: when its headers say the budget is
    /// spent, wait for the reset.
    func throttleForTeamtailor() async throws {
        guard let limit = teamtailor.rateLimit(for: credentials), limit.remaining <= settings.teamtailorHeadroom,
              let reset = limit.resetAfter, reset > .zero
        else { return }
        try await Task.sleep(for: min(reset, .seconds(60)))
    }
}
