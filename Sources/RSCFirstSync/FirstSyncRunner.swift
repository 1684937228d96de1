import Foundation
import Logging
import Metrics
import PostgresNIO
import RSCChangeEvents
import RSCOutbound
import RSCRetry
import RSCStore
import RSCTeamtailorClient
import ServiceLifecycle

/// Reads a newly connected company's whole history from Teamtailor's API into the entity state, page by
/// page, behind live changes (priority 1: the sender always sends live work first).
///
/// Resumable: each page's records and the cursor to the next page are stored before the next read, so a
/// crash re-reads at most one page — and re-reading changes nothing (the version rule). One replica reads a
/// company at a time (a lease in PostgreSQL). It reads ahead of LinkedIn only up to `maxQueuedRecords`, so
/// the queue holds minutes of work, not the whole history; LinkedIn's quota is held by the sender.
public struct FirstSyncRunner: Service {
    public struct Settings: Sendable {
        public var leaseDuration: Duration = .seconds(60)
        public var idlePoll: Duration = .seconds(2)
        /// History records waiting for LinkedIn above which reading pauses (≈ 3 minutes of LinkedIn's quota).
        public var maxQueuedRecords = 30_000
        public var backoff = ExponentialBackoff(initial: .seconds(1), maximum: .seconds(120))
        public var owner = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        public init() {}
    }

    let postgres: PostgresClient
    let companies: CompanyStore
    let teamtailor: TeamtailorClient
    let states: EntityStateStore
    let settings: Settings
    let logger: Logger

    public init(
        postgres: PostgresClient, companies: CompanyStore, teamtailor: TeamtailorClient, settings: Settings = Settings(),
        logger: Logger
    ) {
        self.postgres = postgres
        self.companies = companies
        self.teamtailor = teamtailor
        self.states = EntityStateStore(client: postgres, logger: logger)
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let worked = try await readOneCompany()
                failures = 0
                if !worked { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: settings.idlePoll) } }
            } catch {
                failures += 1
                logger.error("first sync round failed", metadata: ["error": "\(loggable(error))"])
                let delay = settings.backoff.delay(attempt: failures)
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
            }
        }
    }

    /// Claims one company with history left to read and reads until done, paused, or shut down.
    /// Returns false when there was nothing to do.
    @discardableResult
    public func readOneCompany() async throws -> Bool {
        guard let companyID = try await claimCompany() else { return false }
        defer { Task { [postgres, logger, settings] in try? await Self.release(companyID, settings.owner, postgres, logger) } }
        let credentials: CompanyCredentials
        do {
            credentials = try await companies.credentials(companyID)
        } catch let error as CompanyStoreError {
            logger.warning("first sync skipped: no credentials", metadata: ["company": "\(companyID)", "error": "\(error)"])
            return false
        }
        let teamtailorKey = TeamtailorCredentials(apiKey: credentials.teamtailorToken)
        do {
            try await readHistory(companyID, teamtailorKey)
        } catch let error as TeamtailorError where !error.isRetryable {
            // Retrying cannot help: stop (this resource, or all of them when the key is refused) and tell the admin.
            try await stopReading(companyID, error)
        }
        return true
    }

    func readHistory(_ companyID: String, _ teamtailorKey: TeamtailorCredentials) async throws {
        var users: [String: HistoryMapping.Author] = [:]
        for resource in try await unreadResources(companyID) {
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            if resource.name == "users" {
                users = try await readUsers(companyID, teamtailorKey)
                continue
            }
            if users.isEmpty, resource.name == "notes" {
                users = Dictionary(
                    try await teamtailor.users(credentials: teamtailorKey).map { ($0.id, HistoryMapping.Author(email: $0.email, name: $0.name)) },
                    uniquingKeysWith: { first, _ in first })
            }
            let finished = try await read(resource: resource.name, from: resource.cursor, companyID: companyID, credentials: teamtailorKey, users: users)
            if !finished { return }
        }
    }

    /// Marks the history read failed — every unread resource when Teamtailor refuses the key, else the one being
    /// read — and records why for the admin page; `rsc companies resync` starts it again once fixed.
    func stopReading(_ companyID: String, _ error: TeamtailorError) async throws {
        let keyRefused = error.verdict == .unauthorized
        let message = keyRefused
            ? "Teamtailor refused the integration's API key (\(error.status ?? 401)), so the history could not be read; reconnect the integration"
            : "Teamtailor refused a history read (\(error.status.map(String.init) ?? "-")): \(error.errors.compactMap { $0.detail ?? $0.title }.joined(separator: "; "))"
        try await postgres.query(
            """
            UPDATE first_sync_progress SET state = 'failed', last_error = \(message)
            WHERE company_id = \(companyID) AND state IN ('waiting', 'reading')
              AND (\(keyRefused) OR state = 'reading')
            """,
            logger: logger)
        try await CompanyErrorLog(client: postgres, logger: logger).record(
            companyID: companyID, source: .firstSync, cause: keyRefused ? "teamtailor_access_lost" : "teamtailor_refused",
            message: message, subject: nil, at: Date())
        logger.error("first sync stopped", metadata: ["company": "\(companyID)", "call": "\(error.call)", "status": "\(error.status.map(String.init) ?? "-")"])
    }

    /// Reads one resource from its stored cursor; false when it paused (queue full, shutdown, lease lost).
    func read(resource: String, from storedCursor: String?, companyID: String, credentials: TeamtailorCredentials,
              users: [String: HistoryMapping.Author]) async throws -> Bool {
        guard let apiResource = TeamtailorResource(rawValue: resource) else {
            // A resource Teamtailor publishes no endpoint for (`interviews`, queued by an older version): nothing to read.
            try await recordPage(companyID, resource, read: 0, total: 0, next: nil)
            return true
        }
        var cursor = storedCursor.flatMap(HistoryCursor.init(rawValue:))
        try await markReading(companyID, resource)
        // The history queued is at most the last count plus what this read queued since: the sender only takes
        // from it. So the queue is counted again (a scan of up to `maxQueuedRecords` rows) only when that
        // bound reaches the limit, not for every page. Records woken by a parent rejoin it unseen here, which
        // makes the limit a soft one, as it is meant to be.
        var queuedAtMost = Int.max
        while true {
            if Task.isShuttingDownGracefully || Task.isCancelled { return false }
            guard try await renewLease(companyID) else { return false }
            if queuedAtMost >= settings.maxQueuedRecords {
                queuedAtMost = try await queuedHistory(companyID)
                if queuedAtMost >= settings.maxQueuedRecords {
                    // LinkedIn is the bottleneck; let the sender drain before reading on.
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
                    continue
                }
            }
            try await throttleForTeamtailor(credentials)
            let page = try await teamtailor.historyPage(apiResource, after: cursor, credentials: credentials)
            let events = page.records.compactMap {
                HistoryMapping.event(companyID: companyID, resource: apiResource, record: $0, page: page, users: users)
            }
            if !events.isEmpty { queuedAtMost += try await store(events, companyID: companyID) }
            try await recordPage(companyID, resource, read: page.records.count, total: page.total, next: page.history)
            Counter(label: "rsc_first_sync_records_read_total", dimensions: [("resource", resource)]).increment(by: page.records.count)
            guard let next = page.history else { return true }
            cursor = next
        }
    }

    /// A page's history into the entity state. A record PostgreSQL refuses (a NUL in a name, say) would fail
    /// the page on every attempt and stall the company's sync for good: it is set aside with an error the
    /// admin sees, and the rest of the page is stored. Returns how many LinkedIn records it queued.
    func store(_ events: [ChangeEvent], companyID: String) async throws -> Int {
        var queued = 0
        let refused = try await storeIsolatingFailures(events, isIsolatable: { StorageFailure(classifying: $0) == .dataRejected }) { part in
            queued += try await states.apply(part, priority: 1).markedRecords
        }
        for (event, error) in refused {
            let record = "\(event.data.type)/\(shownIdentifier(event.data.id))"
            try? await CompanyErrorLog(client: postgres, logger: logger).record(
                companyID: companyID, source: .firstSync, cause: "unstorable_record",
                message: "A Teamtailor record could not be stored (\(loggable(error))) and was left out of the first sync",
                subject: record, at: Date())
            logger.error("first sync left out a record PostgreSQL refused", metadata: [
                "company": "\(companyID)", "record": "\(record)", "error": "\(loggable(error))",
            ])
        }
        return queued
    }

    func readUsers(_ companyID: String, _ credentials: TeamtailorCredentials) async throws -> [String: HistoryMapping.Author] {
        try await markReading(companyID, "users")
        let users = try await teamtailor.users(credentials: credentials)
        try await recordPage(companyID, "users", read: users.count, total: users.count, next: nil)
        return Dictionary(users.map { ($0.id, HistoryMapping.Author(email: $0.email, name: $0.name)) }, uniquingKeysWith: { first, _ in first })
    }

    /// Teamtailor's own limit: when its headers say the budget is spent, wait for the reset.
    func throttleForTeamtailor(_ credentials: TeamtailorCredentials) async throws {
        guard let limit = teamtailor.rateLimit(for: credentials), limit.remaining <= 1, let reset = limit.resetAfter,
              reset > .zero
        else { return }
        try await Task.sleep(for: min(reset, .seconds(60)))
    }

    // MARK: - PostgreSQL

    func claimCompany() async throws -> String? {
        let rows = try await postgres.query(
            """
            WITH candidate AS (
                SELECT p.company_id FROM first_sync_progress p
                JOIN companies c ON c.company_id = p.company_id
                LEFT JOIN first_sync_leases l ON l.company_id = p.company_id
                WHERE p.state IN ('waiting', 'reading') AND c.status IN ('active', 'parked')
                  AND (l.company_id IS NULL OR l.expires_at < now() OR l.owner = \(settings.owner))
                GROUP BY p.company_id ORDER BY min(c.integration_enabled_at) NULLS LAST LIMIT 1
            )
            INSERT INTO first_sync_leases (company_id, owner, expires_at)
            SELECT company_id, \(settings.owner), now() + make_interval(secs => \(Double(settings.leaseDuration.components.seconds)))
            FROM candidate
            ON CONFLICT (company_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
            WHERE first_sync_leases.expires_at < now() OR first_sync_leases.owner = EXCLUDED.owner
            RETURNING company_id
            """,
            logger: logger)
        for try await id in rows.decode(String.self) { return id }
        return nil
    }

    func renewLease(_ companyID: String) async throws -> Bool {
        let rows = try await postgres.query(
            """
            UPDATE first_sync_leases SET expires_at = now() + make_interval(secs => \(Double(settings.leaseDuration.components.seconds)))
            WHERE company_id = \(companyID) AND owner = \(settings.owner) RETURNING 1
            """,
            logger: logger)
        for try await _ in rows { return true }
        return false
    }

    static func release(_ companyID: String, _ owner: String, _ postgres: PostgresClient, _ logger: Logger) async throws {
        try await postgres.query(
            "DELETE FROM first_sync_leases WHERE company_id = \(companyID) AND owner = \(owner)", logger: logger)
    }

    func unreadResources(_ companyID: String) async throws -> [(name: String, cursor: String?)] {
        let rows = try await postgres.query(
            """
            SELECT resource, cursor FROM first_sync_progress
            WHERE company_id = \(companyID) AND state IN ('waiting', 'reading') ORDER BY position
            """,
            logger: logger)
        var resources: [(String, String?)] = []
        for try await row in rows.decode((String, String?).self) { resources.append(row) }
        return resources.map { (name: $0.0, cursor: $0.1) }
    }

    func markReading(_ companyID: String, _ resource: String) async throws {
        try await postgres.query(
            """
            UPDATE first_sync_progress SET state = 'reading', started_at = coalesce(started_at, now())
            WHERE company_id = \(companyID) AND resource = \(resource) AND state = 'waiting'
            """,
            logger: logger)
    }

    func recordPage(_ companyID: String, _ resource: String, read: Int, total: Int?, next: HistoryCursor?) async throws {
        try await postgres.query(
            """
            UPDATE first_sync_progress SET read_count = read_count + \(read), total = coalesce(\(total), total),
                   cursor = \(next?.rawValue), state = CASE WHEN \(next == nil) THEN 'read' ELSE 'reading' END,
                   read_at = CASE WHEN \(next == nil) THEN now() ELSE NULL END
            WHERE company_id = \(companyID) AND resource = \(resource)
            """,
            logger: logger)
    }

    func queuedHistory(_ companyID: String) async throws -> Int {
        let rows = try await postgres.query(
            "SELECT count(*)::int FROM linkedin_send_queue WHERE company_id = \(companyID) AND priority = 1",
            logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
