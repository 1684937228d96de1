import Foundation
import Logging
import Metrics
import PostgresNIO
import RSCLinkedInClient
import RSCRetry
import RSCStore
import RSCTeamtailorClient
import ServiceLifecycle
import Synchronization

/// Polls every active company's LinkedIn notes, InMails and shared contact details into Teamtailor, once per
/// interval at the company's own slot. Any number of replicas run it: a company is leased to one replica at
/// a time (`inbound_schedule`), and a crashed replica's lease expires and is taken over.
///
/// Configuration (read by rsc-inbound): `INBOUND_INTERVAL_SECONDS`, `INBOUND_CONCURRENCY`,
/// `INBOUND_FALLBACK_USER_ID`, `TEAMTAILOR_API_URL`. Metrics: `rsc_inbound_polls_total{outcome}`,
/// `rsc_inbound_overdue_companies`, `rsc_inbound_items_total{kind,result}`.
public struct InboundPoller: Service {
    public struct Settings: Sendable {
        /// How often each company is polled (`INBOUND_INTERVAL_SECONDS`).
        public var interval: Duration = .seconds(7_200)
        /// Companies polled at once by this replica (`INBOUND_CONCURRENCY`).
        public var concurrency = 4
        /// Who notes are credited to when no Teamtailor user has the seat holder's email
        /// (`INBOUND_FALLBACK_USER_ID`); nil: the account's first user.
        public var fallbackUserID: String?
        /// The Teamtailor API base URL (the client's), for the note lookup after an interrupted create.
        public var teamtailorBaseURL: URL
        public var leaseTTL: Duration = .seconds(600)
        /// How long to wait before looking for due companies again when none was due.
        public var idlePoll: Duration = .seconds(1)
        /// A company this late past its slot counts in `rsc_inbound_overdue_companies`.
        public var overdueAfter: Duration = .seconds(900)
        /// How far back a seat's first poll reads.
        public var initialLookback: Duration = .seconds(24 * 3_600)
        /// Windows end this long before now: LinkedIn may list a just-saved item a moment late.
        public var settleDelay: Duration = .seconds(60)
        /// After a failed poll, the next try comes this soon (or at the next slot if sooner).
        public var retryFailedAfter: Duration = .seconds(600)
        public var backoff = ExponentialBackoff(initial: .seconds(1), maximum: .seconds(120))
        public var maxAttempts = 8
        /// LinkedIn's recruiter-data budget per application and day.
        public var callsPerDay = 100_000
        /// Pages of newest notes searched when an interrupted note create is retried.
        public var noteScanPages = 100
        public var inMailBodyLimit = 10_000

        public init(teamtailorBaseURL: URL) {
            self.teamtailorBaseURL = teamtailorBaseURL
        }
    }

    /// Test seams: an injected crash between a Teamtailor write and its record.
    public struct Hooks: Sendable {
        public var afterWrite: @Sendable (InboundItem.Kind, String) async throws -> Void
        public init(afterWrite: @escaping @Sendable (InboundItem.Kind, String) async throws -> Void = { _, _ in }) {
            self.afterWrite = afterWrite
        }

        func afterTeamtailorWrite(_ item: InboundItem) async throws { try await afterWrite(item.kind, item.id) }
    }

    let postgres: PostgresClient
    let linkedIn: LinkedInClient
    let teamtailor: TeamtailorClient
    let companies: CompanyStore
    let settings: Settings
    let hooks: Hooks
    let schedule: InboundScheduleStore
    let items: InboundItemStore
    let quota: RecruiterDataQuota
    let errors: CompanyErrorLog
    let retry: InboundRetry
    public let owner: String
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        postgres: PostgresClient, linkedIn: LinkedInClient, teamtailor: TeamtailorClient, companies: CompanyStore,
        settings: Settings, hooks: Hooks = Hooks(), owner: String? = nil, now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }, logger: Logger
    ) {
        self.postgres = postgres
        self.linkedIn = linkedIn
        self.teamtailor = teamtailor
        self.companies = companies
        self.settings = settings
        self.hooks = hooks
        self.schedule = InboundScheduleStore(client: postgres, schedule: IntervalSlots(interval: settings.interval), logger: logger)
        self.items = InboundItemStore(client: postgres, logger: logger)
        self.quota = RecruiterDataQuota(client: postgres, callsPerDay: settings.callsPerDay, logger: logger)
        self.errors = CompanyErrorLog(client: postgres, logger: logger)
        self.retry = InboundRetry(backoff: settings.backoff, maxAttempts: settings.maxAttempts, sleep: sleep, logger: logger)
        self.owner = owner ?? "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(UUID().uuidString.prefix(8))"
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        logger.info("inbound poller started", metadata: ["interval": "\(settings.interval)", "concurrency": "\(settings.concurrency)"])
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var polled = 0
            do {
                polled = try await pollDue()
            } catch {
                logger.error("could not look for due companies; will look again", metadata: ["error": "\(loggable(error))"])
            }
            if polled == 0 { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: settings.idlePoll) } }
        }
        logger.info("inbound poller stopped")
    }

    /// One round: schedules new companies, leases up to `concurrency` due ones, polls them in parallel and
    /// reports the overdue gauge. Returns how many companies it polled.
    @discardableResult
    public func pollDue() async throws -> Int {
        let started = now()
        try await schedule.scheduleNewCompanies(now: started)
        Gauge(label: "rsc_inbound_overdue_companies").record(try await schedule.overdueCount(now: started, grace: settings.overdueAfter))
        let due = try await schedule.claimDue(owner: owner, now: started, ttl: settings.leaseTTL, limit: settings.concurrency)
        guard !due.isEmpty else { return 0 }
        await withDiscardingTaskGroup { group in
            for (company, _) in due {
                group.addTask { _ = await pollLeased(company) }
            }
        }
        return due.count
    }

    /// Polls a company this replica holds the lease of, then sets its next slot and lets the lease go.
    func pollLeased(_ company: String) async -> InboundPollReport {
        let report = await poll(company)
        let finished = now()
        let slots = IntervalSlots(interval: settings.interval)
        var next = slots.nextSlot(company: company, after: finished)
        if report.outcome == .failed {
            next = min(next, finished.addingTimeInterval(settings.retryFailedAfter.timeInterval))
        }
        Counter(label: "rsc_inbound_polls_total", dimensions: [("outcome", report.outcome.rawValue)]).increment()
        do {
            try await schedule.finish(company: company, owner: owner, outcome: report.outcome, error: report.error, now: finished, nextPollAt: next)
        } catch {
            logger.error("could not record the end of a poll; the lease expires and the company is polled again", metadata: [
                "company": "\(company)", "error": "\(loggable(error))",
            ])
        }
        return report
    }

    /// One poll of one company without the schedule (the bench calls it directly).
    public func poll(_ company: String) async -> InboundPollReport {
        let leaseOwner = owner, ttl = settings.leaseTTL, schedule = self.schedule, now = self.now
        let poll = CompanyPoll(
            companyID: company, linkedIn: linkedIn, teamtailor: teamtailor, companies: companies, items: items, quota: quota,
            errors: errors, retry: retry, settings: settings, hooks: hooks, now: now,
            keepLease: {
                // Only a scheduled poll holds a lease; a direct poll (bench) has none to keep.
                if try await schedule.hasLease(company: company) {
                    guard try await schedule.renew(company: company, owner: leaseOwner, now: now(), ttl: ttl) else {
                        throw InboundPollStop(outcome: .failed, reason: "lease lost to another replica; it continues from the cursors")
                    }
                }
            },
            logger: logger)
        let report = await poll.run()
        switch report.outcome {
        case .success:
            logger.info("inbound poll done", metadata: [
                "company": "\(company)", "linkedInCalls": "\(report.linkedInCalls)", "written": "\(report.written)",
                "waiting": "\(report.waiting)", "failed": "\(report.failed)",
            ])
        case .accessLost, .teamtailorUnauthorized:
            try? await errors.record(
                companyID: company, source: .inbound, cause: "inbound_\(report.outcome.rawValue)",
                message: (report.error ?? report.outcome.rawValue) + "; the next poll tries again", subject: nil, at: now())
            logger.warning("inbound poll stopped; next poll at the company's next slot", metadata: [
                "company": "\(company)", "outcome": "\(report.outcome.rawValue)", "error": "\(report.error ?? "")",
            ])
        case .quota, .noCredentials, .failed:
            logger.warning("inbound poll stopped early; the next poll resumes from the cursors", metadata: [
                "company": "\(company)", "outcome": "\(report.outcome.rawValue)", "error": "\(report.error ?? "")",
            ])
        }
        return report
    }
}
