import Foundation
import NIOHTTP1
import PostgresNIO
import RSCChangeEvents
import RSCExport
import RSCLinkedInClient
import RSCLinkedInSimulator
import RSCStore
import RSCTeamtailorSimulator
import Testing

/// Connecting a company through the internal API, end to end over both simulators.
@Suite("connecting a company", .serialized)
struct ConnectFlowTests {
    @Test("a non-admin activation is refused with nothing provisioned and nothing stored; a bad token gets 401")
    func nonAdminRefused() async throws {
        try await ConnectHarness.run { harness in
            let refused = try await harness.activate(role: "recruiter")
            #expect(refused.status == 403)
            #expect(refused.errorCode == "admin_required")
            #expect(await harness.linkedIn.state.childApplicationCount(uniqueForeignId: ConnectHarness.companyID) == 0)
            #expect(try await harness.count("SELECT count(*)::int FROM companies") == 0)
            let stranger = try await harness.call(.GET, "/companies/1842/rsc/status", token: "wrong-token")
            #expect(stranger.status == 401)
        }
    }

    @Test("an activation repeated after a crash leaves one child application, and its credentials are stored sealed")
    func activationIsIdempotent() async throws {
        try await ConnectHarness.run { harness in
            // The crash: LinkedIn created the application, but we never stored it.
            let partner = LinkedInApplication(clientID: "rsc-partner", clientSecret: "rsc-partner-secret")
            let orphan = try await harness.linkedInClient.provisionApplication(
                uniqueForeignId: ConnectHarness.companyID, name: "Teamtailor - Åkerlund", description: "d", partner: partner)
            let first = try await harness.activate()
            let again = try await harness.activate()
            #expect(first.status == 200 && again.status == 200)
            #expect(await harness.linkedIn.state.childApplicationCount(uniqueForeignId: ConnectHarness.companyID) == 1)
            let widget = try #require(first.json["widget"] as? [String: Any])
            #expect(widget["clientId"] as? String == orphan.credentials.clientID)
            #expect((widget["extensionName"] as? String)?.hasPrefix("ATSIntegrationWidget@") == true)
            let stored = try await harness.companies.credentials(ConnectHarness.companyID)
            #expect(stored.linkedInClientSecret == orphan.credentials.clientSecret)
            #expect(stored.teamtailorToken == ConnectHarness.teamtailorKey)
            let dump = try await harness.postgres.query("SELECT row_to_json(c)::text FROM companies c", logger: harness.logger)
                .decode(String.self).reduce("", +)
            #expect(!dump.contains("SECRET") && !dump.contains(orphan.credentials.clientSecret))
        }
    }

    @Test("every status step is visible: provisioned → waiting for LinkedIn's admin → active with the first sync queued")
    func statusSteps() async throws {
        try await ConnectHarness.run { harness in
            func status() async throws -> String? {
                let answer = try await harness.call(.GET, "/companies/1842/rsc/status")
                return (answer.json["state"] as? [String: Any])?["code"] as? String
            }
            #expect(try await harness.call(.GET, "/companies/1842/rsc/status").status == 404)
            let activation = try await harness.activate()
            #expect(try await status() == "provisioned")
            let clientID = try #require((activation.json["widget"] as? [String: Any])?["clientId"] as? String)
            await harness.linkedIn.state.completeOnboarding(clientID: clientID, organization: ConnectHarness.organization)
            try await harness.linkedIn.state.addSeat(
                contract: ConnectHarness.contract, organization: ConnectHarness.organization, firstName: "R", lastName: "S")
            let badURN = try await harness.call(.POST, "/companies/1842/rsc/integration", [
                "actingUser": ConnectHarness.admin, "organizationUrn": "org-5501", "contractUrns": [ConnectHarness.contract],
            ])
            #expect(badURN.status == 422)
            let integration = try await harness.call(.POST, "/companies/1842/rsc/integration", [
                "actingUser": ConnectHarness.admin, "organizationUrn": ConnectHarness.organization,
                "contractUrns": [ConnectHarness.contract],
            ])
            #expect(integration.status == 200)
            #expect(try await status() == "waiting_for_linkedin_admin")
            let named = await harness.linkedIn.state.integrations(organization: ConnectHarness.organization)
            #expect(Set(named.map(\.type.rawValue)) == ["ONE_CLICK_EXPORT", "IN_ATS_INDICATOR", "PROFILE_PLUGIN", "CSA_API"])
            // LinkedIn validates the registered URL with a challenge our listener answers.
            let validation = try await harness.linkedIn.state.validateCallback(organization: ConnectHarness.organization)
            #expect(validation.passed)

            let change = try await harness.linkedIn.state.setIntegrationStatus(.enabled, organization: ConnectHarness.organization)
            #expect(change.delivery?.delivered == true)
            #expect(try await status() == "waiting_for_linkedin_admin", "stored, not yet processed")
            try await harness.processAll()
            let answer = try await harness.call(.GET, "/companies/1842/rsc/status")
            #expect((answer.json["state"] as? [String: Any])?["code"] as? String == "active")
            let firstSync = try #require(answer.json["firstSync"] as? [String: Any])
            #expect(firstSync["state"] as? String == "reading")
            #expect((firstSync["resources"] as? [[String: Any]])?.count == 7)
        }
    }

    @Test("while the history is being sent, the admin page shows what waits per type, the rate and when it should finish")
    func firstSyncSendingProgress() async throws {
        try await ConnectHarness.run { harness in
            try await harness.connect()
            try await harness.postgres.query(
                "UPDATE first_sync_progress SET state = 'read', read_count = 10, total = 10 WHERE company_id = '1842'", logger: harness.logger)
            // History waiting (priority 1): 3 candidates, 2 applications and their 4 stage records, 1 note;
            // one live candidate change (priority 0) that is not the history's.
            try await harness.postgres.query(
                """
                INSERT INTO linkedin_records (company_id, resource, parent_id, record_id, dirty, dirty_since, priority)
                SELECT '1842', r.resource, r.parent, r.id, true, now(), r.priority
                FROM (VALUES ('candidate', '', 'c1', 1), ('candidate', '', 'c2', 1), ('candidate', '', 'c3', 1),
                             ('application', '', 'a1', 1), ('application', '', 'a2', 1),
                             ('application_stage', 'a1', 's1', 1), ('application_stage', 'a1', 's2', 1),
                             ('application_stage', 'a2', 's1', 1), ('application_stage', 'a2', 's2', 1),
                             ('candidate_note', 'c1', 'n1', 1), ('candidate', '', 'c9', 0)) AS r(resource, parent, id, priority)
                """,
                logger: harness.logger)
            // 600 records accepted in the last five minutes: 120 a minute.
            try await harness.postgres.query(
                "INSERT INTO linkedin_usage (company_id, second, records) VALUES ('1842', date_trunc('second', now()) - interval '1 minute', 600)",
                logger: harness.logger)
            let answer = try await harness.call(.GET, "/companies/1842/rsc/status")
            #expect(answer.status == 200)
            let firstSync = try #require(answer.json["firstSync"] as? [String: Any])
            #expect(firstSync["state"] as? String == "sending")
            #expect(firstSync["recordsWaitingToSend"] as? Int == 10)
            #expect(firstSync["recordsPerMinute"] as? Double == 120)
            let waiting = Dictionary(uniqueKeysWithValues: (firstSync["resources"] as? [[String: Any]] ?? []).map {
                ($0["resource"] as? String ?? "", $0["waitingToSend"] as? Int ?? -1)
            })
            #expect(waiting == ["users": 0, "jobs": 0, "stages": 0, "candidates": 3, "job-applications": 6, "interviews": 0, "notes": 1])
            // 10 records at 120 a minute: five seconds after the service's (the harness's) clock; the answer
            // carries whole seconds.
            let finish = try #require((firstSync["estimatedFinishAt"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
            let expected = harness.clock.now().addingTimeInterval(5)
            #expect(finish <= expected && finish > expected.addingTimeInterval(-1), "estimated finish \(finish), expected \(expected)")
            #expect((answer.json["liveSync"] as? [String: Any])?["pendingRecords"] as? Int == 1, "live health counts the live change only")
        }
    }

    @Test("toggling jobs private re-sends exactly the jobs")
    func jobsPrivateResendsJobs() async throws {
        try await ConnectHarness.run { harness in
            try await harness.connect()
            try await harness.postgres.query(
                """
                INSERT INTO linkedin_records (company_id, resource, parent_id, record_id, dirty, state, synced_hash)
                SELECT '1842', r.resource, '', r.id, false, 'synced', 'h'
                FROM (VALUES ('job_posting', 'j1'), ('job_posting', 'j2'), ('job_posting', 'j3'),
                             ('candidate', 'c1'), ('application', 'a1')) AS r(resource, id)
                """,
                logger: harness.logger)
            let toggle = try await harness.call(.PUT, "/companies/1842/rsc/settings", ["actingUser": ConnectHarness.admin, "jobsPrivate": true])
            #expect(toggle.status == 200)
            #expect(toggle.json["jobsResent"] as? Int == 3)
            #expect(try await harness.count("SELECT count(*)::int FROM linkedin_records WHERE dirty AND resource = 'job_posting'") == 3)
            #expect(try await harness.count("SELECT count(*)::int FROM linkedin_records WHERE dirty AND resource <> 'job_posting'") == 0)
            let same = try await harness.call(.PUT, "/companies/1842/rsc/settings", ["actingUser": ConnectHarness.admin, "jobsPrivate": true])
            #expect(same.json["jobsResent"] as? Int == 0)
            #expect(try await harness.companies.find("1842")?.jobsPrivate == true)
            let notAdmin = try await harness.call(.PUT, "/companies/1842/rsc/settings", ["actingUser": ["id": "u-2", "role": "user"], "jobsPrivate": false])
            #expect(notAdmin.status == 403)
            #expect(try await harness.companies.find("1842")?.jobsPrivate == true)
        }
    }

    @Test("every route that changes the integration refuses a request naming no acting user (400) or a non-admin (403), and nothing changes")
    func everyChangeNeedsAnAdmin() async throws {
        try await ConnectHarness.run { harness in
            try await harness.connect()
            let changes: [(HTTPMethod, String, [String: Any])] = [
                (.POST, "/companies/1842/rsc/activate", ["teamtailorApiKey": ConnectHarness.teamtailorKey, "companyName": "Åkerlund & Co"]),
                (.POST, "/companies/1842/rsc/integration", ["organizationUrn": ConnectHarness.organization, "contractUrns": [ConnectHarness.contract]]),
                (.PUT, "/companies/1842/rsc/settings", ["jobsPrivate": true]),
                (.DELETE, "/companies/1842/rsc", [:]),
            ]
            let before = try #require(try await harness.companies.find("1842"))
            for (method, path, body) in changes {
                let anonymous = try await harness.call(method, path, body)
                #expect(anonymous.status == 400, "\(method) \(path) without actingUser")
                #expect(anonymous.errorCode == "invalid_body")
                var blank = body
                blank["actingUser"] = ["id": "", "role": "admin"]
                #expect(try await harness.call(method, path, blank).status == 400, "\(method) \(path) with an empty user id")
                var recruiter = body
                recruiter["actingUser"] = ["id": "u-7", "role": "recruiter"]
                let refused = try await harness.call(method, path, recruiter)
                #expect(refused.status == 403, "\(method) \(path) by a recruiter")
                #expect(refused.errorCode == "admin_required")
            }
            let after = try #require(try await harness.companies.find("1842"))
            #expect(after.jobsPrivate == before.jobsPrivate)
            #expect(after.status == before.status)
        }
    }

    @Test("malformed requests get a JSON 400 naming the field, and an unknown candidate is 'not synced yet'")
    func badRequests() async throws {
        try await ConnectHarness.run { harness in
            try await harness.connect()
            let missing = try await harness.call(.POST, "/companies/1842/rsc/activate", ["actingUser": ConnectHarness.admin])
            #expect(missing.status == 400)
            #expect(missing.errorCode == "invalid_body")
            let wrongType = try await harness.call(.PUT, "/companies/1842/rsc/settings", ["jobsPrivate": "yes"])
            #expect(wrongType.status == 400)
            let candidate = try await harness.call(.GET, "/companies/1842/candidates/999/linkedin")
            #expect(candidate.json["status"] as? String == "not_matched")
            #expect(candidate.json["reasonCode"] as? String == "not_synced_yet")
        }
    }
}
