import Foundation
import Logging
import Metrics
import PostgresNIO
import RSCLinkedInClient
import RSCLinkedInMapping
import RSCRetry
import RSCStore
import ServiceLifecycle

/// Drains dirty records to LinkedIn for every company, decoupled from Kafka consumption: a slow or
/// parked company never holds up a partition or another company. Each company is sent by one replica at
/// a time (a lease in PostgreSQL), one call at a time; up to `concurrentCompanies` companies in parallel.
public struct LinkedInSender: Service {
    public struct Settings: Sendable {
        public var concurrentCompanies = 8
        /// Companies started at once while this process's consumer is catching up (see `ConsumerPace`).
        public var concurrentCompaniesWhileConsumerCatchesUp = 2
        /// How often to look for due work when there was none and the doorbell did not ring.
        public var idlePoll: Duration = .milliseconds(100)
        public var leaseTTL: Duration = .seconds(60)
        /// How often old quota usage is deleted (by every replica; deleting twice is harmless).
        public var pruneEvery: Duration = .seconds(600)
        /// How long a company whose LinkedIn access failed waits before the next try.
        public var parkFor: Duration = .seconds(15 * 60)
        public var backoff = ExponentialBackoff(initial: .seconds(1), maximum: .seconds(300))
        public var quota = LinkedInQuota.Limits.linkedIn
        /// `TEAMTAILOR_APP_URL`: the base of each candidate's `externalProfileUrl` (its page in Teamtailor).
        public var teamtailorAppURL = CompanyMappingSettings.defaultTeamtailorAppURL
        /// How long accepted candidates gather before their LinkedIn members are read back in one call.
        public var memberReadBackDelay: TimeInterval = 1
        /// How long a company's live changes may gather before its round starts: changes that come within it
        /// share calls (one candidates call, one stages call per application) instead of each making its own.
        /// The latency it adds is at most this; history is never held.
        public var gatherLiveChanges: Duration = .zero
        /// How long a stopping replica may spend reading back the members it gathered.
        public var shutdownReadBackBudget: Duration = .seconds(10)
        public init() {}
    }

    let store: SyncRecordStore
    let sender: CompanySender
    let settings: Settings
    let owner: String
    let doorbell: WakeUp
    let pace: ConsumerPace?
    let now: @Sendable () -> Date
    let logger: Logger

    /// - Parameter doorbell: rung by this process's consumer when it marks records (see `WakeUp`).
    /// - Parameter pace: whether this process's consumer is catching up (see `ConsumerPace`).
    public init(
        postgres: PostgresClient, linkedIn: LinkedInClient, companies: CompanyStore, settings: Settings = Settings(),
        doorbell: WakeUp = WakeUp(), pace: ConsumerPace? = nil, now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        let store = SyncRecordStore(client: postgres, logger: logger, teamtailorAppURL: settings.teamtailorAppURL)
        self.store = store
        self.sender = CompanySender(
            store: store, quota: LinkedInQuota(client: postgres, limits: settings.quota, logger: logger),
            linkedIn: linkedIn, companies: companies, backoff: settings.backoff, parkFor: settings.parkFor, now: now, logger: logger,
            memberReadBackDelay: settings.memberReadBackDelay
        )
        self.settings = settings
        self.doorbell = doorbell
        self.pace = pace
        self.now = now
        self.owner = "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(UUID().uuidString.prefix(8))"
        self.logger = logger
    }

    public func run() async throws {
        let busy = BusyCompanies()
        var nextPrune = ContinuousClock.now
        await withDiscardingTaskGroup { group in
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                if ContinuousClock.now >= nextPrune {
                    nextPrune = ContinuousClock.now + settings.pruneEvery
                    do {
                        try await sender.quota.prune()
                    } catch {
                        logger.warning("could not prune old quota usage; trying again later", metadata: ["error": "\(loggable(error))"])
                    }
                }
                var started = 0
                // The soonest a company held back to gather its changes is ready.
                var soonestGathered = settings.idlePoll
                do {
                    var due = try await store.companiesWithWork(limit: settings.concurrentCompanies * 4)
                    // Members to read back: the round that reads them may have no other work.
                    let readBacks = sender.memberReadBacks.dueCompanies(at: now(), after: sender.memberReadBackDelay)
                    due += readBacks.filter { company in !due.contains { $0.company == company } }
                        .map { SyncRecordStore.CompanyWork(company: $0, hasDueRecords: true) }
                    let lanes = pace?.isCatchingUp == true
                        ? min(settings.concurrentCompanies, settings.concurrentCompaniesWhileConsumerCatchesUp) : settings.concurrentCompanies
                    for work in due where await busy.count < lanes {
                        // Only open job tasks: not before their next poll.
                        if !work.hasDueRecords && !sender.taskPolls.isDue(work.company, at: now()) { continue }
                        if let age = work.liveChangeAge, age < settings.gatherLiveChanges {
                            soonestGathered = min(soonestGathered, settings.gatherLiveChanges - age)
                            continue
                        }
                        guard let lease = try await start(work.company, busy: busy) else { continue }
                        started += 1
                        group.addTask { await drain(lease, busy: busy) }
                    }
                } catch {
                    logger.error("could not look for due work", metadata: ["error": "\(loggable(error))"])
                }
                if started == 0 { await doorbell.wait(upTo: soonestGathered) }
            }
        }
        await readBackGatheredMembers(busy: busy)
        logger.info("LinkedIn sender stopped")
    }

    /// Before stopping: the members of candidates LinkedIn accepted are read back now, not lost with this
    /// process's memory (they would be read only after each candidate's next change). Within a budget, so a
    /// LinkedIn that does not answer cannot hold the shutdown past Kubernetes' grace period.
    func readBackGatheredMembers(busy: BusyCompanies) async {
        let deadline = ContinuousClock.now + settings.shutdownReadBackBudget
        for company in sender.memberReadBacks.companies where ContinuousClock.now < deadline {
            do {
                guard let lease = try await start(company, busy: busy) else { continue }
                do {
                    try await sender.readBackGatheredMembers(company: company, lease: lease)
                } catch {
                    logger.notice("could not read back matched members before stopping; they are read after the candidates' next change",
                                  metadata: ["company": "\(company)", "error": "\(loggable(error))"])
                }
                try? await lease.release()
                await busy.end(company, until: nil)
            } catch {
                logger.notice("could not claim the company to read back its matched members before stopping",
                              metadata: ["company": "\(company)", "error": "\(loggable(error))"])
            }
        }
        // Out of budget, held by another replica, resting, or over quota: said once, so a missing match is explained.
        let left = sender.memberReadBacks.companies
        if !left.isEmpty {
            logger.notice("matched members not read back before stopping; they are read after the candidates' next change",
                          metadata: ["companies": "\(left.sorted())"])
        }
    }

    /// The company's lease, with the company marked running on this replica — or nil, with nothing marked,
    /// when it is running or resting here already or another replica holds it. The mark comes only after the
    /// claim: a claim that fails (the database is away) must not leave the company "running" here for good,
    /// holding one of the sending slots.
    func start(_ company: String, busy: BusyCompanies) async throws -> SenderLease? {
        guard await busy.mayBegin(company) else { return nil }
        let lease = SenderLease(company: company, owner: owner, ttl: settings.leaseTTL, store: store, now: now)
        guard try await lease.renew() else { return nil }
        await busy.begin(company)
        return lease
    }

    /// Rounds for one company until it has nothing due, must wait, loses its lease, or shutdown begins;
    /// then the lease goes.
    func drain(_ lease: SenderLease, busy: BusyCompanies) async {
        let company = lease.company
        var until: Date?
        do {
            rounds: while !Task.isShuttingDownGracefully && !Task.isCancelled {
                // A round is safe to abandon: whatever it did not record stays dirty and is sent again.
                let result = try await cancelWhenGracefulShutdown { try await sender.runRound(company: company, lease: lease) }
                switch result {
                case .progressed:
                    guard try await lease.renew() else {
                        logger.warning("lease on the company lost between rounds; another replica sends for it", metadata: ["company": "\(company)"])
                        break rounds
                    }
                case .idle, .leaseLost, .followUpAt:
                    break rounds
                case .waitUntil(let date):
                    until = date
                    break rounds
                }
            }
        } catch is CancellationError {
            logger.info("send round abandoned for shutdown", metadata: ["company": "\(company)"])
        } catch {
            logger.error("send round failed", metadata: ["company": "\(company)", "error": "\(loggable(error))"])
            until = Date().addingTimeInterval(5)
        }
        try? await lease.release()
        await busy.end(company, until: until)
    }
}

/// Companies this replica is sending for, and those it should leave alone until a time.
actor BusyCompanies {
    private var running: Set<String> = []
    private var resting: [String: Date] = [:]

    var count: Int { running.count }

    /// True when the company is neither running here nor resting; the caller then claims its lease.
    func mayBegin(_ company: String) -> Bool {
        if running.contains(company) { return false }
        if let until = resting[company], until > Date() { return false }
        return true
    }

    func begin(_ company: String) {
        resting[company] = nil
        running.insert(company)
    }

    func isRunning(_ company: String) -> Bool { running.contains(company) }

    func end(_ company: String, until: Date?) {
        running.remove(company)
        if let until { resting[company] = until }
    }
}
