import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCExport
import RSCLinkedInClient
import RSCLinkedInMapping
import RSCRetry
import RSCStore
import ServiceLifecycle

/// Finishes a disconnect: removes the company's data from LinkedIn by RSC's rules, then its data here,
/// then its Teamtailor key and callback token (the child application's credentials stay for a reconnect).
///
/// LinkedIn's rules: deleting a candidate deletes its notes and every application naming it (and what hangs
/// under them); deleting an application deletes its notes, feedback and stages; job postings cannot be
/// deleted, so they are closed. The company's sending lease is held while this runs, so no outbound
/// sender writes for it meanwhile. Each step is repeatable: after a crash the next round starts over from
/// what LinkedIn still holds according to our records.
public struct Disconnection: Service {
    let postgres: PostgresClient
    let companies: CompanyStore
    let directory: CallbackDirectory
    let linkedIn: LinkedInClient
    let logger: Logger
    let idlePoll: Duration
    /// `TEAMTAILOR_APP_URL`: a closed job without an apply URL links to its page there.
    let teamtailorAppURL: String
    let owner = "disconnect-\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"

    public init(
        postgres: PostgresClient, companies: CompanyStore, directory: CallbackDirectory, linkedIn: LinkedInClient,
        idlePoll: Duration = .seconds(2), teamtailorAppURL: String = CompanyMappingSettings.defaultTeamtailorAppURL, logger: Logger
    ) {
        self.postgres = postgres
        self.companies = companies
        self.directory = directory
        self.linkedIn = linkedIn
        self.idlePoll = idlePoll
        self.teamtailorAppURL = teamtailorAppURL
        self.logger = logger
    }

    public func run() async throws {
        let backoff = ExponentialBackoff(initial: .seconds(2), maximum: .seconds(300))
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let finished = try await disconnectNext()
                failures = 0
                if finished == nil { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: idlePoll) } }
            } catch {
                failures += 1
                logger.error("disconnect round failed; retrying", metadata: ["error": "\(loggable(error))"])
                let delay = backoff.delay(attempt: failures)
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
            }
        }
    }

    /// Disconnects one company waiting for it; returns its id, or nil when none waits.
    @discardableResult
    public func disconnectNext() async throws -> String? {
        guard let companyID = try await claim() else { return nil }
        do {
            try await removeFromLinkedIn(companyID)
            try await forgetLocally(companyID)
            try await companies.forgetCredentials(companyID)
            await directory.forget()
            logger.notice("company disconnected: its LinkedIn data removed, its Teamtailor key and callback token forgotten", metadata: ["company": "\(companyID)"])
        } catch {
            try? await release(companyID)
            throw error
        }
        try? await release(companyID)
        return companyID
    }

    func removeFromLinkedIn(_ companyID: String) async throws {
        let company = try await companies.find(companyID)
        guard let organization = company?.organizationURN,
              let credentials = try? await companies.credentials(companyID),
              let clientID = credentials.linkedInClientID, let secret = credentials.linkedInClientSecret
        else { return }  // never got as far as LinkedIn: nothing there to remove
        let application = LinkedInApplication(clientID: clientID, clientSecret: secret)
        do {
            for batch in try await heldRecords(companyID, resource: "candidate").chunked(100) {
                try await linkedIn.deleteCandidates(batch, context: organization, application: application)
                try await markGone(companyID, resource: "candidate", ids: batch)
            }
            // Applications of candidates LinkedIn never held are not covered by the cascade.
            for batch in try await heldRecords(companyID, resource: "application").chunked(100) {
                try await linkedIn.deleteApplications(batch, context: organization, application: application)
                try await markGone(companyID, resource: "application", ids: batch)
            }
            let jobs = try await openJobPostings(companyID)
            for batch in jobs.chunked(100) {
                let closing = batch.map { job in (id: job.id, body: Self.closedPosting(job, organization: organization, companyID: companyID, teamtailorAppURL: teamtailorAppURL)) }
                _ = try await linkedIn.createJobPostings(closing, application: application)
                try await markGone(companyID, resource: "job_posting", ids: batch.map(\.id))
            }
        } catch let error as LinkedInError where error.kind == .accessLost {
            // LinkedIn's admin already removed the integration: LinkedIn deletes the data on its side.
            logger.warning("LinkedIn refused the disconnect's deletes; access already gone", metadata: ["company": "\(companyID)"])
        }
    }

    struct JobTitle { var id: String; var title: String?; var applyURL: String? }

    /// A posting closed on LinkedIn: the fields LinkedIn requires (`companyApplyUrl` among them), state CLOSED, private.
    static func closedPosting(_ job: JobTitle, organization: String, companyID: String, teamtailorAppURL: String) -> JSONValue {
        let settings = CompanyMappingSettings(
            organizationURN: organization, jobsPrivate: true, companyID: companyID, teamtailorAppURL: teamtailorAppURL)
        let title = String((job.title ?? "Closed job").prefix(200))
        let description = "<p>\(title)</p><p>This job is closed. It was synced from the applicant tracking system, which is no longer connected.</p>"
        return .object([
            "integrationContext": .string(organization), "externalJobPostingId": .string(job.id), "title": .string(title),
            "description": .string(description), "listedAt": .number(Double(Int64(Date().timeIntervalSince1970 * 1000) - 1_000)),
            "state": .string("CLOSED"), "availability": .string("PRIVATE_TO_ATS_INTEGRATION"),
            "companyApplyUrl": .string(job.applyURL ?? settings.jobPageURL(job.id)),
        ])
    }

    // MARK: - PostgreSQL

    /// Takes a company in `disconnecting` together with its sending lease (no sender runs for it meanwhile).
    func claim() async throws -> String? {
        let rows = try await postgres.query(
            """
            WITH next AS (
                SELECT c.company_id FROM companies c LEFT JOIN sender_leases l ON l.company_id = c.company_id
                WHERE c.status = 'disconnecting' AND (l.company_id IS NULL OR l.expires_at < now() OR l.owner = \(owner))
                ORDER BY c.updated_at LIMIT 1
            )
            INSERT INTO sender_leases (company_id, owner, expires_at)
            SELECT company_id, \(owner), now() + interval '10 minutes' FROM next
            ON CONFLICT (company_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
            WHERE sender_leases.expires_at < now() OR sender_leases.owner = EXCLUDED.owner
            RETURNING company_id
            """,
            logger: logger)
        for try await id in rows.decode(String.self) { return id }
        return nil
    }

    func release(_ companyID: String) async throws {
        try await postgres.query("DELETE FROM sender_leases WHERE company_id = \(companyID) AND owner = \(owner)", logger: logger)
    }

    /// Records LinkedIn holds according to our bookkeeping.
    func heldRecords(_ companyID: String, resource: String) async throws -> [String] {
        let rows = try await postgres.query(
            """
            SELECT record_id FROM linkedin_records
            WHERE company_id = \(companyID) AND resource = \(resource) AND parent_id = '' AND synced_hash IS NOT NULL
            ORDER BY record_id
            """,
            logger: logger)
        return try await rows.decode(String.self).reduce(into: []) { $0.append($1) }
    }

    func openJobPostings(_ companyID: String) async throws -> [JobTitle] {
        let rows = try await postgres.query(
            """
            SELECT r.record_id, e.attributes->>'title', e.attributes->>'apply-url' FROM linkedin_records r
            LEFT JOIN entity_states e ON e.company_id = r.company_id AND e.entity_type = 'jobs' AND e.entity_id = r.record_id
            WHERE r.company_id = \(companyID) AND r.resource = 'job_posting' AND r.synced_hash IS NOT NULL
            ORDER BY r.record_id
            """,
            logger: logger)
        var jobs: [JobTitle] = []
        for try await (id, title, apply) in rows.decode((String, String?, String?).self) {
            jobs.append(JobTitle(id: id, title: title, applyURL: apply.flatMap { $0.hasPrefix("http") ? $0 : nil }))
        }
        return jobs
    }

    func markGone(_ companyID: String, resource: String, ids: [String]) async throws {
        try await postgres.query(
            """
            WITH unqueued AS (
                DELETE FROM linkedin_send_queue
                WHERE company_id = \(companyID) AND resource = \(resource) AND parent_id = '' AND record_id = ANY(\(ids))
            )
            UPDATE linkedin_records SET synced_hash = NULL, state = 'deleted'
            WHERE company_id = \(companyID) AND resource = \(resource) AND parent_id = '' AND record_id = ANY(\(ids))
            """,
            logger: logger)
    }

    /// Everything the company left here except the row that says it was connected (and is now disconnected).
    func forgetLocally(_ companyID: String) async throws {
        try await postgres.withTransaction(logger: logger) { connection in
            for table in [
                "entity_states", "linkedin_records", "linkedin_send_queue", "application_stage_entries", "candidate_members", "linkedin_usage", "linkedin_daily_calls",
                "first_sync_progress", "first_sync_leases", "linkedin_notifications", "company_errors",
            ] {
                try await connection.query(
                    PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE company_id = $1", binds: Self.binds(companyID)),
                    logger: logger)
            }
        }
    }

    static func binds(_ value: String) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(value)
        return binds
    }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
