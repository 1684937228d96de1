import Foundation
import Logging
import Metrics
import PostgresNIO
import RSCOutbound
import RSCRetry
import RSCStore
import RSCTeamtailorClient
import ServiceLifecycle

/// Runs each company's reconciliation pass when it is due (`ReconciliationSchedule`), one company at a time
/// per replica and one replica at a time per company (a lease in PostgreSQL, renewed before every page; a
/// pass whose lease was taken over stops at once). Run by `rsc-outbound`.
public struct ReconciliationRunner: Service {
    public struct Settings: Sendable {
        public var schedule = ReconciliationSchedule()
        public var leaseDuration: Duration = .seconds(120)
        /// How often a replica looks for due companies when it has nothing to do.
        public var idlePoll: Duration = .seconds(30)
        /// Records marked by reconciliation and first syncs waiting for LinkedIn above which a pass reads no further.
        public var maxQueuedRecords = 10_000
        /// Requests left in the key's Teamtailor budget below which a pass waits for the reset, so live work
        /// (exports, inbound writes) keeps some.
        public var teamtailorHeadroom = 5
        public var backoff = ExponentialBackoff(initial: .seconds(5), maximum: .seconds(300))
        public var owner = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        public init() {}
    }

    let postgres: PostgresClient
    let companies: CompanyStore
    let teamtailor: TeamtailorClient
    let store: ReconciliationStore
    let settings: Settings
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        postgres: PostgresClient, companies: CompanyStore, teamtailor: TeamtailorClient, settings: Settings = Settings(),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.postgres = postgres
        self.companies = companies
        self.teamtailor = teamtailor
        self.store = ReconciliationStore(postgres: postgres, logger: logger)
        self.settings = settings
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        Gauge(label: "rsc_reconcile_interval_seconds").record(settings.schedule.interval.timeInterval)
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let worked = try await runOneDuePass()
                failures = 0
                if !worked { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: settings.idlePoll) } }
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                logger.error("reconciliation round failed", metadata: ["error": "\(loggable(error))"])
                let delay = settings.backoff.delay(attempt: failures)
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
            }
        }
    }

    /// Runs the most pressing due pass, if any; false when none was due (or every due one was taken).
    @discardableResult
    public func runOneDuePass() async throws -> Bool {
        let at = now()
        let facts = try await store.candidates(owner: settings.owner)
        reportAges(facts, at: at)
        // A pass cut short first, then the ones asked for, then by how long they have waited.
        let due = facts.compactMap { fact in settings.schedule.due(fact, now: at).map { (fact, $0) } }
            .sorted { lhs, rhs in
                let left = (lhs.0.running != nil ? 0 : lhs.0.requested ? 1 : 2, lhs.0.lastStartedAt ?? .distantPast)
                let right = (rhs.0.running != nil ? 0 : rhs.0.requested ? 1 : 2, rhs.0.lastStartedAt ?? .distantPast)
                return left < right
            }
        for (candidate, _) in due {
            guard try await store.claim(companyID: candidate.companyID, owner: settings.owner, for: settings.leaseDuration) else { continue }
            // Read again under the lease: another replica may have run this very pass since the list was read.
            guard let fact = try await store.candidates(owner: settings.owner).first(where: { $0.companyID == candidate.companyID }),
                  let kind = settings.schedule.due(fact, now: now())
            else {
                try await store.release(companyID: candidate.companyID, owner: settings.owner)
                continue
            }
            do {
                try await runPass(fact, kind)
            } catch {
                try? await store.release(companyID: fact.companyID, owner: settings.owner)
                throw error
            }
            try await store.release(companyID: fact.companyID, owner: settings.owner)
            return true
        }
        return false
    }

    func runPass(_ fact: ReconciliationSchedule.Facts, _ kind: ReconciliationSchedule.Pass) async throws {
        let companyID = fact.companyID
        let credentials: CompanyCredentials
        do {
            credentials = try await companies.credentials(companyID)
        } catch let error as CompanyStoreError {
            logger.warning("reconciliation skipped: no credentials", metadata: ["company": "\(companyID)", "error": "\(error)"])
            try await store.fail(companyID: companyID, reason: "no Teamtailor credentials", now: now())
            return
        }
        let progress = try await store.begin(companyID: companyID, kind: kind, since: settings.schedule.readsSince(fact), now: now())
        logger.info("reconciliation pass started", metadata: [
            "company": "\(companyID)", "kind": "\(progress.kind.rawValue)", "resumedAt": "\(progress.resource ?? "-")",
        ])
        let pass = ReconciliationPass(
            companyID: companyID, credentials: TeamtailorCredentials(apiKey: credentials.teamtailorToken), teamtailor: teamtailor,
            states: EntityStateStore(client: postgres, logger: logger), store: store, postgres: postgres, settings: settings,
            now: now, logger: logger)
        let outcome: ReconciliationPass.Outcome
        do {
            outcome = try await pass.run(progress)
        } catch let error as TeamtailorError where !error.isRetryable {
            // Retrying cannot help until someone acts (a revoked key); the admin page says why.
            let reason = "Teamtailor refused a reconciliation read (\(error.status.map(String.init) ?? "-")): \(error.call)"
            try await store.fail(companyID: companyID, reason: reason, now: now())
            try? await CompanyErrorLog(client: postgres, logger: logger).record(
                companyID: companyID, source: .outbound, cause: "reconciliation_refused", message: reason, subject: nil, at: now())
            logger.error("reconciliation pass stopped", metadata: ["company": "\(companyID)", "call": "\(error.call)"])
            return
        }
        switch outcome {
        case .finished:
            try await store.finish(companyID: companyID, now: now())
            let done = try await store.status(companyID: companyID)
            logger.info("reconciliation pass finished", metadata: [
                "company": "\(companyID)", "kind": "\(progress.kind.rawValue)",
                "checked": "\(done?.checked.values.reduce(0, +) ?? 0)", "repaired": "\(done?.repaired.values.reduce(0, +) ?? 0)",
            ])
        case .leaseLost:
            logger.warning("reconciliation pass stopped: another replica took the company over", metadata: ["company": "\(companyID)"])
        case .stopped:
            logger.info("reconciliation pass paused by shutdown; resumes from its cursor", metadata: ["company": "\(companyID)"])
        }
    }

    /// `rsc_reconcile_last_completed_age_seconds{company}`: since the last completed pass (or since the first
    /// sync finished, before any). Every replica reports the same figures; the alert takes the max.
    func reportAges(_ facts: [ReconciliationSchedule.Facts], at: Date) {
        for fact in facts {
            guard let since = fact.lastFinishedAt ?? fact.historyFinishedAt else { continue }
            Gauge(label: "rsc_reconcile_last_completed_age_seconds", dimensions: [("company", fact.companyID)])
                .record(max(0, at.timeIntervalSince(since)))
        }
    }
}
