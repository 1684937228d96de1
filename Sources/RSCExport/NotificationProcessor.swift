import Foundation
import Logging
import Metrics
import PostgresNIO
import RSCLinkedInClient
import RSCRetry
import RSCStore
import RSCTeamtailorClient
import ServiceLifecycle

/// Works through stored notifications in the background: claimed with a time limit (a crashed replica's
/// claims run out and are taken over), retried with backoff while Teamtailor or LinkedIn are down, and
/// failed for good only when retrying cannot help — then the company's status says why.
public struct NotificationProcessor: Service {
    public struct Settings: Sendable {
        public var batchSize = 16
        public var claimDuration: Duration = .seconds(120)
        public var idlePoll: Duration = .milliseconds(500)
        public var backoff = ExponentialBackoff(initial: .seconds(1), maximum: .seconds(300))
        /// After this many attempts a still-failing notification is shown to the admin (and still retried).
        public var attemptsBeforeReporting = 5
        public init() {}
    }

    let store: NotificationStore
    let companies: CompanyStore
    let errors: CompanyErrorLog
    let exports: ExportHandling
    let integrationStatus: IntegrationStatusHandling
    let settings: Settings
    /// Rung by the callback listener when it stored a push, so it is handled at once rather than at the next poll.
    let wakeUp: WakeUp
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        postgres: PostgresClient, companies: CompanyStore, linkedIn: LinkedInClient, teamtailor: TeamtailorClient,
        settings: Settings = Settings(), wakeUp: WakeUp = WakeUp(), logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = NotificationStore(postgres: postgres, logger: logger)
        self.companies = companies
        self.errors = CompanyErrorLog(client: postgres, logger: logger)
        self.exports = ExportHandling(
            linkedIn: linkedIn, teamtailor: teamtailor, postgres: postgres, errors: errors, logger: logger, now: now)
        self.integrationStatus = IntegrationStatusHandling(
            linkedIn: linkedIn, companies: companies, postgres: postgres, logger: logger)
        self.settings = settings
        self.wakeUp = wakeUp
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        // A stored push (or a finished notification, freeing a slot) wakes the loop at once; otherwise it
        // looks for due retries every `idlePoll`.
        let slots = Slots(settings.batchSize)
        // Each notification is handled on its own as soon as a slot is free: one slow Teamtailor call does
        // not hold back the exports that arrive behind it.
        await withDiscardingTaskGroup { group in
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let free = await slots.free
                var claimed: [StoredNotification] = []
                if free > 0 {
                    do {
                        claimed = try await store.claimDue(now: now(), limit: free, claimDuration: settings.claimDuration)
                    } catch {
                        logger.error("claiming notifications failed", metadata: ["error": "\(loggable(error))"])
                    }
                }
                for stored in claimed {
                    await slots.take()
                    group.addTask {
                        await process(stored)
                        await slots.give()
                        wakeUp.ring()
                    }
                }
                if claimed.isEmpty {
                    try? await cancelWhenGracefulShutdown { await wakeUp.wait(upTo: settings.idlePoll) }
                }
            }
        }
    }

    /// One round: claim due notifications and handle them, a few at a time. Returns how many were handled.
    @discardableResult
    public func processDue() async throws -> Int {
        let due = try await store.claimDue(now: now(), limit: settings.batchSize, claimDuration: settings.claimDuration)
        await withTaskGroup(of: Void.self) { group in
            for stored in due { group.addTask { await process(stored) } }
        }
        return due.count
    }

    func process(_ stored: StoredNotification) async {
        let type = stored.notification.kind.rawValue
        let metadata: Logger.Metadata = [
            "company": "\(stored.companyID)", "notificationId": "\(stored.notification.notificationID)", "type": "\(type)",
            "attempt": "\(stored.attempts)",
        ]
        do {
            let outcome = try await handle(stored)
            try await store.complete(stored, outcome: outcome, now: now())
            Counter(label: "rsc_export_processed_total", dimensions: [("type", type), ("outcome", "done")]).increment()
            if stored.notification.kind == .exportCandidateProfile {
                let latency = now().timeIntervalSince(stored.receivedAt)
                Timer(label: "rsc_export_processing_seconds").recordNanoseconds(Int64(latency * 1e9))
            }
            logger.info("notification processed", metadata: metadata)
        } catch {
            await failed(stored, error: error, metadata: metadata)
        }
    }

    func handle(_ stored: StoredNotification) async throws -> [String: String] {
        guard let company = try await companies.find(stored.companyID) else {
            throw ProcessingFailure.permanent(cause: "company_unknown", message: "the company is no longer connected")
        }
        guard company.status != .disconnecting, company.status != .disconnected else {
            throw ProcessingFailure.permanent(cause: "company_disconnected", message: "the company was disconnected before this was processed")
        }
        let credentials = try await companies.credentials(stored.companyID)
        guard let clientID = credentials.linkedInClientID, let secret = credentials.linkedInClientSecret,
              let organization = company.organizationURN
        else {
            throw ProcessingFailure.permanent(cause: "company_not_set_up", message: "the company's LinkedIn set-up is not finished")
        }
        let application = LinkedInApplication(clientID: clientID, clientSecret: secret)
        switch stored.notification.kind {
        case .exportCandidateProfile:
            return try await exports.handle(
                stored,
                .init(companyID: stored.companyID, organizationURN: organization, application: application,
                      teamtailor: TeamtailorCredentials(apiKey: credentials.teamtailorToken)))
        case .integrationStatusChange:
            return try await integrationStatus.handle(
                stored, companyID: stored.companyID, organizationURN: organization, contractURNs: company.contractURNs,
                application: application)
        }
    }

    /// Sorts a failure into "retry later" or "give up", and makes it visible to the admin when it matters.
    func failed(_ stored: StoredNotification, error: any Error, metadata: Logger.Metadata) async {
        let type = stored.notification.kind.rawValue
        let verdict = Self.verdict(error)
        var metadata = metadata
        metadata["error"] = "\(verdict.message)"
        if let detail = verdict.logDetail { metadata["detail"] = "\(detail)" }
        do {
            switch verdict.retry {
            case .some(let suggested):
                let delay = suggested ?? settings.backoff.delay(attempt: stored.attempts)
                let retryAt = now().addingTimeInterval(delay.timeInterval)
                try await store.retryLater(stored, reason: verdict.message, retryAt: retryAt)
                logger.warning("notification processing failed; will retry", metadata: metadata)
                if stored.attempts == settings.attemptsBeforeReporting {
                    try await errors.record(
                        companyID: stored.companyID, source: .export, cause: verdict.cause,
                        message: "\(verdict.message) — still retrying", subject: stored.notification.requestID, at: now())
                }
            case .none:
                try await store.fail(stored, reason: verdict.message, now: now())
                try await errors.record(
                    companyID: stored.companyID, source: .export, cause: verdict.cause, message: verdict.message,
                    subject: stored.notification.requestID, at: now())
                logger.error("notification processing failed for good", metadata: metadata)
            }
        } catch {
            // The claim runs out and another round tries again; nothing is lost.
            metadata["recordError"] = "\(loggable(error))"
            logger.error("could not record a processing failure", metadata: metadata)
        }
        Counter(label: "rsc_export_processing_failures_total", dimensions: [("type", type)]).increment()
    }

    struct Verdict {
        /// nil: do not retry. `.some(nil)`: retry with backoff. `.some(d)`: retry after d.
        var retry: Duration??
        var cause: String
        var message: String
        /// For the log line only: what failed inside the integration, through the fleet's redacting
        /// formatter (a PostgreSQL failure with its SQLSTATE). Never shown to the admin.
        var logDetail: String? = nil
    }

    static func verdict(_ error: any Error) -> Verdict {
        switch error {
        case ProcessingFailure.permanent(let cause, let message):
            return Verdict(retry: .none, cause: cause, message: message)
        case let error as TeamtailorError:
            switch error.verdict {
            case .retryable(let after):
                return Verdict(retry: .some(after), cause: "teamtailor_unavailable", message: "Teamtailor did not answer (\(error.status.map(String.init) ?? "no answer"))")
            case .unauthorized:
                return Verdict(retry: .some(.seconds(300)), cause: "teamtailor_access_lost", message: "Teamtailor refused the integration's API key (\(error.status ?? 401)); reconnect the integration")
            case .permanent:
                return Verdict(retry: .none, cause: "teamtailor_refused", message: "Teamtailor refused the exported candidate: \(error.errors.compactMap { $0.detail ?? $0.title }.joined(separator: "; "))")
            }
        case let error as LinkedInError:
            switch error.kind {
            case .rateLimited(let seconds):
                return Verdict(retry: .some(seconds.map { .seconds($0) }), cause: "linkedin_rate_limited", message: "LinkedIn asked us to slow down")
            case .transient, .unreadable:
                return Verdict(retry: .some(nil), cause: "linkedin_unavailable", message: "LinkedIn did not answer (\(error.status.map(String.init) ?? "no answer"))")
            case .accessLost:
                return Verdict(retry: .some(.seconds(300)), cause: "linkedin_access_lost", message: "LinkedIn refused the integration's credentials; check the integration in LinkedIn Recruiter")
            case .rejected:
                return Verdict(retry: .none, cause: "linkedin_refused", message: "LinkedIn refused to give the export (\(error.status.map(String.init) ?? "-")): \(error.message)")
            }
        case let error as CompanyStoreError:
            return Verdict(retry: .none, cause: "company_not_set_up", message: error.description)
        default:
            // Our database or something unexpected: retried; the log line has the detail.
            return Verdict(
                retry: .some(nil), cause: "internal_error", message: "processing failed inside the integration (\(type(of: error))); retrying",
                logDetail: loggable(error))
        }
    }
}

/// How many notifications are being handled at once.
actor Slots {
    private var inUse = 0
    private let limit: Int

    init(_ limit: Int) { self.limit = limit }

    var free: Int { limit - inUse }
    func take() { inUse += 1 }
    func give() { inUse -= 1 }
}
