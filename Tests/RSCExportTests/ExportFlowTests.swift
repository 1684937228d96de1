import Foundation
import PostgresNIO
import RSCChangeEvents
import RSCExport
import RSCLinkedInClient
import RSCLinkedInSimulator
import RSCStore
import RSCTeamtailorClient
import RSCTeamtailorSimulator
import RSCTestSupport
import Testing

/// "Export to ATS" end to end: LinkedIn's signed push → our listener → stored → processed into Teamtailor.
@Suite("Export to ATS", .serialized)
struct ExportFlowTests {
    static let person = "urn:li:person:ada-77"

    static func profile(email: String? = "ada@example.com") -> ExportedProfile {
        ExportedProfile(
            person: person, firstName: "Ada", lastName: "Ångström", headline: "Engineer", location: "Malmö, SE",
            profileUrl: "https://www.linkedin.com/in/ada-77", emailAddresses: email.map { [$0] } ?? [], phoneNumbers: [])
    }

    /// A Teamtailor job synced to LinkedIn, so the export picker offers it.
    static func syncedJob(_ harness: ConnectHarness, teamtailorJob: Int? = nil) async throws -> String {
        let jobID: String
        if let teamtailorJob {
            jobID = String(teamtailorJob)
        } else {
            jobID = "990001"  // on LinkedIn, unknown to Teamtailor (deleted there since)
        }
        let posting: JSONValue = .object([
            "integrationContext": .string(ConnectHarness.organization), "externalJobPostingId": .string(jobID),
            "title": .string("Backend engineer"), "description": .string(String(repeating: "A job worth doing. ", count: 8)),
            "listedAt": .number(1_700_000_000_000), "state": .string("LISTED"), "availability": .string("PUBLIC"),
            "location": .string("Malmö, SE"), "companyApplyUrl": .string("https://careers.example.com/jobs/\(jobID)"),
        ])
        _ = try await harness.linkedInClient.createJobPostings([(id: jobID, body: posting)], application: try await harness.application())
        return jobID
    }

    static func teamtailorJob(_ harness: ConnectHarness) async throws -> Int {
        let jobs = await harness.teamtailor.state.records(.jobs, company: ConnectHarness.companyID)
        return try #require(jobs.first?.id)
    }

    static func seat(_ harness: ConnectHarness) async throws -> String {
        try await harness.linkedIn.state.addSeat(
            contract: ConnectHarness.contract, organization: ConnectHarness.organization, firstName: "Rita", lastName: "Recruiter")
    }

    @Test("a signed export → candidate and application in Teamtailor and manualMatchedMember on LinkedIn; a replay changes nothing")
    func exportCreatesCandidateAndLinks() async throws {
        try await ConnectHarness.run { harness in
            try await harness.teamtailor.state.seedCompany(id: ConnectHarness.companyID, .init(seed: 3, users: 2, jobs: 2, candidates: 0, applications: 0))
            try await harness.connect()
            let job = try await Self.syncedJob(harness, teamtailorJob: try await Self.teamtailorJob(harness))
            // The candidate exists in Teamtailor and on LinkedIn already (synced earlier), so the link lands at once.
            let existing = try await harness.teamtailor.createCandidate(
                company: ConnectHarness.companyID, attributes: ["first-name": .string("Ada"), "last-name": .string("Ångström"), "email": .string("ada@example.com")])
            _ = try await harness.linkedInClient.upsertCandidates(
                [(id: String(existing), body: .object([
                    "addresses": .array([]), "atsCreatedAt": .number(1_700_000_000_000), "atsLastModifiedAt": .number(1_700_000_000_000),
                    "firstName": .string("Ada"), "lastName": .string("Ångström"), "emailAddresses": .array([.string("ada@example.com")]),
                    "phoneNumbers": .array([]), "externalProfileUrl": .string("https://app.teamtailor.com/companies/1842/candidates/\(existing)"),
                ]))],
                context: ConnectHarness.organization, application: try await harness.application())

            let export = try await harness.linkedIn.state.exportCandidate(
                organization: ConnectHarness.organization, seat: try await Self.seat(harness), profile: Self.profile(), atsJobPostingId: job)
            #expect(export.delivery?.delivered == true)
            #expect(try await harness.count("SELECT count(*)::int FROM linkedin_notifications WHERE state = 'pending'") == 1,
                    "stored before the answer, processed after")
            try await harness.processAll()

            let detail = try #require(await harness.teamtailor.state.candidateDetail(id: existing, company: ConnectHarness.companyID))
            #expect(detail.applications.count == 1)
            #expect(detail.applications.first?.relationships["job"]??.id == Int(job))
            #expect(detail.candidate.attributes["linkedin-url"]?.stringValue == "https://www.linkedin.com/in/ada-77")
            #expect(await harness.teamtailor.state.recordCounts(company: ConnectHarness.companyID)[.candidates] == 1, "found by email, not created")
            let members = await harness.linkedIn.state.matchedMembers(atsCandidateId: String(existing), in: ConnectHarness.organization)
            #expect(members?.contains(Self.person) == true)
            #expect(try await harness.count("SELECT count(*)::int FROM candidate_members WHERE person_urn = '\(Self.person)' AND matched_by = 'export'") == 1)
            let link = try await harness.call(.GET, "/companies/1842/candidates/\(existing)/linkedin")
            #expect(link.json["status"] as? String == "matched")
            #expect(link.json["personUrn"] as? String == Self.person)

            // LinkedIn delivers the same notification again: acknowledged, nothing new.
            let replay = try await harness.linkedIn.state.redeliver(notificationId: try #require(export.delivery?.notification.notificationId))
            #expect(replay.delivered)
            #expect(try await harness.processor.processDue() == 0)
            #expect(try await harness.count("SELECT count(*)::int FROM linkedin_notifications") == 2, "the enable push and the export")
            let again = try #require(await harness.teamtailor.state.candidateDetail(id: existing, company: ConnectHarness.companyID))
            #expect(again.applications.count == 1)
        }
    }

    @Test("the running processor (production's loop, not processDue) handles exports as they arrive, several at once")
    func runningProcessorHandlesArrivals() async throws {
        try await ConnectHarness.run { harness in
            try await harness.connect()
            try await harness.processAll()  // the enable push of connecting
            let running = Task { try await harness.processor.run() }
            defer { running.cancel() }
            let seat = try await Self.seat(harness)
            for index in 1...3 {
                var profile = Self.profile(email: "export\(index)@example.com")
                profile.person = "urn:li:person:export-\(index)"
                profile.profileUrl = "https://www.linkedin.com/in/export-\(index)"
                _ = try await harness.linkedIn.state.exportCandidate(organization: ConnectHarness.organization, seat: seat, profile: profile)
            }
            // Nothing here calls processDue: only the loop can take them from stored to done.
            let deadline = ContinuousClock.now + .seconds(30)
            var done = 0
            while ContinuousClock.now < deadline {
                done = try await harness.count("SELECT count(*)::int FROM linkedin_notifications WHERE type = 'EXPORT_CANDIDATE_PROFILE' AND state = 'done'")
                if done == 3 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(done == 3)
            let emails = Set(await harness.teamtailor.state.records(.candidates, company: ConnectHarness.companyID)
                .compactMap { $0.attributes["email"]?.stringValue })
            #expect(emails == ["export1@example.com", "export2@example.com", "export3@example.com"])
        }
    }

    @Test("a processing failure in PostgreSQL is logged with its SQLSTATE, and the notification is kept for a retry")
    func databaseFailureLogsSQLState() async throws {
        try await ConnectHarness.run { harness in
            try await harness.connect()
            let logs = CapturedLogs()
            let processor = NotificationProcessor(
                postgres: harness.postgres, companies: harness.companies, linkedIn: harness.linkedInClient,
                teamtailor: TeamtailorClient(baseURL: harness.teamtailorURL, http: .shared, logger: harness.logger),
                logger: logs.logger(), now: { harness.clock.now() })
            _ = try await harness.linkedIn.state.exportCandidate(
                organization: ConnectHarness.organization, seat: try await Self.seat(harness), profile: Self.profile())
            // Claiming works; reading the company for it does not.
            try await harness.postgres.query("ALTER TABLE companies RENAME TO companies_gone", logger: harness.logger)
            #expect(try await processor.processDue() == 1)
            let failure = try #require(logs.lines.first { $0.message == "notification processing failed; will retry" }, "\(logs.text)")
            #expect(failure.metadata["detail"]?.hasPrefix("PostgreSQL 42P01") == true, "\(failure.text)")
            #expect(failure.metadata["company"] == ConnectHarness.companyID)
            #expect(try await harness.count("SELECT count(*)::int FROM linkedin_notifications WHERE type = 'EXPORT_CANDIDATE_PROFILE' AND state = 'pending'") == 1)
        }
    }

    @Test("an export without email creates a sourced candidate that stays not matched, and says why")
    func exportWithoutEmail() async throws {
        try await ConnectHarness.run { harness in
            try await harness.connect()
            _ = try await harness.linkedIn.state.exportCandidate(
                organization: ConnectHarness.organization, seat: try await Self.seat(harness), profile: Self.profile(email: nil))
            try await harness.processAll()
            let candidates = await harness.teamtailor.state.records(.candidates, company: ConnectHarness.companyID)
            #expect(candidates.count == 1)
            let candidate = try #require(candidates.first)
            #expect(candidate.attributes["sourced"]?.boolValue == true)
            #expect(candidate.attributes["email"]?.stringValue == nil)
            #expect(candidate.attributes["linkedin-url"]?.stringValue?.hasPrefix("https://www.linkedin.com/in/") == true)
            let outcome = try await harness.postgres.query(
                "SELECT outcome->>'notMatchedReason' FROM linkedin_notifications WHERE type = 'EXPORT_CANDIDATE_PROFILE'",
                logger: harness.logger).decode(String?.self).reduce(into: [String?]()) { $0.append($1) }
            #expect(outcome.first??.contains("no email") == true)
            // A second export of the same member (still no email) finds the candidate through the stored member link
            // (Teamtailor publishes no filter by LinkedIn URL), not by creating another.
            _ = try await harness.linkedIn.state.exportCandidate(
                organization: ConnectHarness.organization, seat: try await Self.seat(harness), profile: Self.profile(email: nil))
            try await harness.processAll()
            #expect(await harness.teamtailor.state.records(.candidates, company: ConnectHarness.companyID).count == 1)
        }
    }

    @Test("an export to a job Teamtailor does not have → candidate created, error visible in the status")
    func exportToUnknownJob() async throws {
        try await ConnectHarness.run { harness in
            try await harness.connect()
            let job = try await Self.syncedJob(harness)
            _ = try await harness.linkedIn.state.exportCandidate(
                organization: ConnectHarness.organization, seat: try await Self.seat(harness), profile: Self.profile(), atsJobPostingId: job)
            try await harness.processAll()
            let candidateID = try #require(await harness.teamtailor.state.candidateID(email: "ada@example.com", company: ConnectHarness.companyID))
            let detail = try #require(await harness.teamtailor.state.candidateDetail(id: candidateID, company: ConnectHarness.companyID))
            #expect(detail.applications.isEmpty)
            let status = try await harness.call(.GET, "/companies/1842/rsc/status")
            let errors = try #require(status.json["errors"] as? [[String: Any]])
            #expect(errors.contains { $0["cause"] as? String == "export_unknown_job" && ($0["message"] as? String)?.contains(job) == true })
        }
    }

    @Test("Teamtailor down → retried with backoff until it works; the notification is never lost")
    func retriesWhileTeamtailorIsDown() async throws {
        try await ConnectHarness.run { harness in
            try await harness.connect()
            var faults = await harness.teamtailor.state.faultConfiguration()
            faults.down = true
            await harness.teamtailor.state.setFaults(faults)
            _ = try await harness.linkedIn.state.exportCandidate(
                organization: ConnectHarness.organization, seat: try await Self.seat(harness), profile: Self.profile())
            #expect(try await harness.processor.processDue() == 1)
            #expect(try await harness.processor.processDue() == 0, "not due again before its backoff")
            #expect(try await harness.count("SELECT count(*)::int FROM linkedin_notifications WHERE state = 'pending' AND last_error IS NOT NULL") == 1)
            harness.clock.advance(600)
            #expect(try await harness.processor.processDue() == 1, "retried once due, still down")
            faults.down = false
            await harness.teamtailor.state.setFaults(faults)
            harness.clock.advance(600)
            try await harness.processAll()
            #expect(await harness.teamtailor.state.candidateID(email: "ada@example.com", company: ConnectHarness.companyID) != nil)
            #expect(try await harness.count("SELECT count(*)::int FROM linkedin_notifications WHERE state = 'done'") == 2)
        }
    }

    @Test("disconnect leaves nothing of the company on LinkedIn, nothing here, and no Teamtailor key; reconnecting needs no one else")
    func disconnectRemovesEverything() async throws {
        try await ConnectHarness.run { harness in
            try await harness.connect()
            let application = try await harness.application()
            let job = try await Self.syncedJob(harness)
            let candidate: JSONValue = .object([
                "addresses": .array([]), "atsCreatedAt": .number(1_700_000_000_000), "atsLastModifiedAt": .number(1_700_000_000_000),
                "firstName": .string("Bo"), "lastName": .string("Ek"), "emailAddresses": .array([.string("bo@example.com")]),
                "phoneNumbers": .array([]), "externalProfileUrl": .string("https://app.teamtailor.com/companies/1842/candidates/c1"),
            ])
            _ = try await harness.linkedInClient.upsertCandidates([(id: "c1", body: candidate)], context: ConnectHarness.organization, application: application)
            _ = try await harness.linkedInClient.upsertApplications(
                [(id: "a1", body: .object([
                    "atsCandidateId": .string("c1"), "atsCreatedAt": .number(1_700_000_000_000), "atsLastModifiedAt": .number(1_700_000_000_000),
                    "atsJobPostingId": .string(job), "atsJobPostingName": .string("Backend engineer"),
                ]))],
                context: ConnectHarness.organization, application: application)
            // What our bookkeeping says LinkedIn holds (the outbound sender writes these as it syncs).
            try await harness.postgres.query(
                """
                INSERT INTO linkedin_records (company_id, resource, parent_id, record_id, state, synced_hash)
                VALUES ('1842', 'candidate', '', 'c1', 'synced', 'h'), ('1842', 'application', '', 'a1', 'synced', 'h'),
                       ('1842', 'job_posting', '', \(job), 'synced', 'h')
                """,
                logger: harness.logger)
            #expect(await harness.linkedIn.state.holdings(organization: ConnectHarness.organization).customerDataGone == false)

            let refused = try await harness.call(.DELETE, "/companies/1842/rsc", ["actingUser": ["id": "u-9", "role": "recruiter"]])
            #expect(refused.status == 403)
            let answer = try await harness.call(.DELETE, "/companies/1842/rsc", ["actingUser": ConnectHarness.admin])
            #expect(answer.status == 202)
            #expect(answer.json["status"] as? String == "disconnecting")
            #expect(try await harness.disconnection.disconnectNext() == "1842")

            #expect(await harness.linkedIn.state.holdings(organization: ConnectHarness.organization).customerDataGone)
            let company = try #require(try await harness.companies.find("1842"))
            #expect(company.status == .disconnected)
            await #expect(throws: CompanyStoreError.noCredentials(companyID: "1842")) {
                _ = try await harness.companies.credentials("1842")
            }
            #expect(try await harness.count(
                "SELECT count(*)::int FROM companies WHERE teamtailor_token_sealed IS NOT NULL OR callback_token_sha256 IS NOT NULL") == 0)
            for table in ["linkedin_records", "linkedin_send_queue", "linkedin_notifications", "candidate_members", "first_sync_progress"] {
                #expect(try await harness.count("SELECT count(*)::int FROM \(table)") == 0, "\(table) emptied")
            }

            // The child application's secret is kept, sealed: LinkedIn shows it only when it creates the application
            // and cannot delete it, so without it the admin could not reconnect without LinkedIn's partner support.
            let kept = try #require(try await harness.companies.childApplicationCredentials("1842"))
            #expect(kept.clientID == application.clientID)
            let activated = try await harness.activate()
            #expect(activated.status == 200, "\(String(decoding: activated.body, as: UTF8.self))")
            #expect((activated.json["widget"] as? [String: Any])?["clientId"] as? String == application.clientID)
            #expect(await harness.linkedIn.state.childApplicationCount(uniqueForeignId: ConnectHarness.companyID) == 1)
            #expect(try #require(try await harness.companies.find("1842")).status == .provisioned)
            let status = try await harness.call(.GET, "/companies/1842/rsc/status")
            #expect((status.json["errors"] as? [[String: Any]] ?? []).allSatisfy { $0["cause"] as? String != "application_secret_missing" })
        }
    }
}
