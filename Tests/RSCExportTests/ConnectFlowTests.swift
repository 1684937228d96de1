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

    @Test("a key this deployment's Teamtailor region refuses (another region's) stops the activation before anything is provisioned")
    func otherRegionKeyRefused() async throws {
        try await ConnectHarness.run { harness in
            let refused = try await harness.activate(key: "key-of-the-na-region")
            #expect(refused.status == 422)
            #expect(refused.errorCode == "teamtailor_key_refused")
            #expect(String(decoding: refused.body, as: UTF8.self).contains("127.0.0.1"), "the message names this deployment's host")
            #expect(await harness.linkedIn.state.childApplicationCount(uniqueForeignId: ConnectHarness.companyID) == 0)
            #expect(try await harness.count("SELECT count(*)::int FROM companies") == 0)
            #expect(try await harness.activate().status == 200, "the company's own region's key is accepted")
        }
    }

    @Test("an activation stores the secret from the create at once; repeating it reuses it, sets the JS SDK domain again, and leaves one child application")
    func activationIsIdempotent() async throws {
        try await ConnectHarness.run { harness in
            let first = try await harness.activate()
            #expect(first.status == 200)
            let clientID = try #require((first.json["widget"] as? [String: Any])?["clientId"] as? String)
            #expect(((first.json["widget"] as? [String: Any])?["extensionName"] as? String)?.hasPrefix("ATSIntegrationWidget@") == true)
            let stored = try await harness.companies.credentials(ConnectHarness.companyID)
            #expect(stored.linkedInClientID == clientID)
            #expect(stored.teamtailorToken == ConnectHarness.teamtailorKey)
            // The domain comes from TEAMTAILOR_APP_URL (its origin); LinkedIn's lookup shows it, and no secret.
            let listing = try #require(try await harness.linkedInClient.findProvisionedApplication(
                uniqueForeignId: ConnectHarness.companyID, partner: ConnectHarness.partner))
            #expect(listing.validJsSdkDomains == ["https://tt.example.com:8443"])
            // Someone changed the domain on LinkedIn; activating again reuses the stored secret and sets it back.
            try await harness.linkedInClient.updateApplication(
                key: listing.key, validJsSdkDomains: ["https://elsewhere.example.com"], partner: ConnectHarness.partner)
            let again = try await harness.activate()
            #expect(again.status == 200)
            #expect((again.json["widget"] as? [String: Any])?["clientId"] as? String == clientID)
            #expect(await harness.linkedIn.state.childApplicationCount(uniqueForeignId: ConnectHarness.companyID) == 1)
            #expect(try await harness.linkedInClient.findProvisionedApplication(
                uniqueForeignId: ConnectHarness.companyID, partner: ConnectHarness.partner)?.validJsSdkDomains == ["https://tt.example.com:8443"])
            #expect(try await harness.companies.credentials(ConnectHarness.companyID).linkedInClientSecret == stored.linkedInClientSecret)
        }
    }

    @Test("when LinkedIn has the company's application and no secret is held here, activation and the admin status say so with the remedy")
    func existingApplicationWithoutSecret() async throws {
        try await ConnectHarness.run { harness in
            // The crash: LinkedIn created the application, but its answer (the only one with the secret) was lost.
            guard case .created(let orphan) = try await harness.linkedInClient.provisionOrReportApplication(
                uniqueForeignId: ConnectHarness.companyID, name: "Teamtailor - Åkerlund", description: "d", partner: ConnectHarness.partner)
            else { Issue.record("the orphan must be created"); return }
            let answer = try await harness.activate()
            #expect(answer.status == 409)
            #expect(answer.errorCode == "application_secret_missing")
            let message = ((answer.json["error"] as? [String: Any])?["message"] as? String) ?? ""
            #expect(message.contains(orphan.key) && message.contains("delete that application"))
            #expect(!message.contains(orphan.credentials.clientSecret))
            #expect(await harness.linkedIn.state.childApplicationCount(uniqueForeignId: ConnectHarness.companyID) == 1)

            let status = try await harness.call(.GET, "/companies/1842/rsc/status")
            #expect(status.status == 200)
            let errors = status.json["errors"] as? [[String: Any]] ?? []
            let problem = try #require(errors.first { $0["cause"] as? String == "application_secret_missing" })
            #expect((problem["message"] as? String)?.contains("partner support") == true)
            #expect((status.json["state"] as? [String: Any])?["code"] as? String == "provisioned")
            // Nothing pretends to hold credentials, and the next step says the same instead of "activate first".
            #expect(try await harness.companies.credentials(ConnectHarness.companyID).linkedInClientSecret == nil)
            let integration = try await harness.call(.POST, "/companies/1842/rsc/integration", [
                "actingUser": ConnectHarness.admin, "organizationUrn": ConnectHarness.organization, "contractUrns": [ConnectHarness.contract],
            ])
            #expect(integration.status == 409 && integration.errorCode == "application_secret_missing")

            // The remedy works: LinkedIn's support deletes the application, the admin activates again.
            #expect(await harness.linkedIn.state.deleteProvisionedApplication(uniqueForeignId: ConnectHarness.companyID))
            let again = try await harness.activate()
            #expect(again.status == 200)
            let clientID = try #require((again.json["widget"] as? [String: Any])?["clientId"] as? String)
            #expect(clientID != orphan.credentials.clientID)
            #expect(try await harness.companies.credentials(ConnectHarness.companyID).linkedInClientID == clientID)
            let healed = try await harness.call(.GET, "/companies/1842/rsc/status")
            #expect((healed.json["errors"] as? [[String: Any]] ?? []).allSatisfy { $0["cause"] as? String != "application_secret_missing" })
            #expect((healed.json["state"] as? [String: Any])?["reason"] == nil)
        }
    }

    @Test("the admin status shows the standing reconciliation: never run, then the last pass with what it repaired")
    func statusShowsReconciliation() async throws {
        try await ConnectHarness.run { harness in
            #expect(try await harness.activate().status == 200)
            let before = try await harness.call(.GET, "/companies/1842/rsc/status")
            #expect((before.json["reconciliation"] as? [String: Any])?["state"] as? String == "never")
            try await harness.postgres.query(
                """
                INSERT INTO reconcile_state (company_id, last_kind, last_started_at, last_finished_at, last_checked, last_repaired)
                VALUES ('1842', 'incremental', now() - interval '2 minutes', now(), '{"candidates": 120, "jobs": 4}', '{"candidates": 3, "jobs": 0}')
                """,
                logger: harness.logger)
            let after = try await harness.call(.GET, "/companies/1842/rsc/status")
            let reconciliation = try #require(after.json["reconciliation"] as? [String: Any])
            #expect(reconciliation["state"] as? String == "done")
            #expect(reconciliation["kind"] as? String == "incremental")
            #expect(reconciliation["recordsChecked"] as? Int == 124)
            #expect(reconciliation["recordsRepaired"] as? [String: Int] == ["candidates": 3])
            #expect(reconciliation["lastCompletedAt"] is String)
        }
    }

    @Test("an application LinkedIn no longer has (404 on its update) is replaced by a new one on the next activation")
    func storedApplicationGoneFromLinkedIn() async throws {
        try await ConnectHarness.run { harness in
            let first = try await harness.activate()
            let oldClientID = try #require((first.json["widget"] as? [String: Any])?["clientId"] as? String)
            #expect(await harness.linkedIn.state.deleteProvisionedApplication(uniqueForeignId: ConnectHarness.companyID))
            let again = try await harness.activate()
            #expect(again.status == 200)
            let newClientID = try #require((again.json["widget"] as? [String: Any])?["clientId"] as? String)
            #expect(newClientID != oldClientID)
            #expect(try await harness.companies.credentials(ConnectHarness.companyID).linkedInClientID == newClientID)
            #expect(await harness.linkedIn.state.childApplicationCount(uniqueForeignId: ConnectHarness.companyID) == 1)
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
            // Viewers on the keys LinkedIn's collection uses: no ACLs are sent, so JOB_POSTING_VIEWERS is required.
            let export = try #require(named.first { $0.type == .oneClickExport })
            #expect(export.configurations["JOB_POSTING_VIEWERS"] == "ALL_PRODUCT_USERS")
            #expect(export.configurations["CALLBACK_URL"]?.contains("/linkedin/callbacks/") == true)
            #expect(named.first { $0.type == .inATSIndicator }?.configurations == ["APPLICATION_VIEWERS": "ALL_PRODUCT_USERS"])
            // LinkedIn validates the registered URL with a challenge our listener answers.
            let validation = try await harness.linkedIn.state.validateCallback(organization: ConnectHarness.organization)
            #expect(validation.passed)

            let change = try await harness.linkedIn.state.setIntegrationStatus(.enabled, organization: ConnectHarness.organization)
            #expect(change.delivery?.delivered == true)
            #expect(try await status() == "waiting_for_linkedin_admin", "stored, not yet processed")
            try await harness.processAll()
            let answer = try await harness.call(.GET, "/companies/1842/rsc/status")
            #expect((answer.json["state"] as? [String: Any])?["code"] as? String == "active")
            #expect(answer.json["integrations"] == nil, "LinkedIn is asked only on request")
            // Verified on request with one BATCH_GET: every integration enabled.
            let calls = await harness.linkedIn.state.requestLog().filter { $0.path.hasPrefix("/v2/atsIntegrations") && $0.method == "GET" }.count
            let verified = try await harness.call(.GET, "/companies/1842/rsc/status?verify=linkedin")
            let checks = try #require(verified.json["integrations"] as? [[String: Any]])
            #expect(checks.count == 4 && checks.allSatisfy { $0["state"] as? String == "enabled" })
            #expect(await harness.linkedIn.state.requestLog().filter { $0.path.hasPrefix("/v2/atsIntegrations") && $0.method == "GET" }.count == calls + 1)
            let firstSync = try #require(answer.json["firstSync"] as? [String: Any])
            #expect(firstSync["state"] as? String == "reading")
            // users, jobs, stages, candidates, applications, notes: Teamtailor publishes no interviews endpoint.
            #expect((firstSync["resources"] as? [[String: Any]])?.count == 6)
        }
    }

    @Test("while the history is being sent, the admin page shows what waits per type, the rate and when it should finish")
    func firstSyncSendingProgress() async throws {
        try await ConnectHarness.run { harness in
            try await harness.connect()
            try await harness.postgres.query(
                "UPDATE first_sync_progress SET state = 'read', read_count = 10, total = 10 WHERE company_id = '1842'", logger: harness.logger)
            // History waiting (priority 1): 3 candidates, 2 applications and their 4 stage records, 1 note;
            // one live candidate change (priority 0) that is not the history's. Never sent, so only queued: the
            // sender writes a record's `linkedin_records` row with its first outcome.
            try await harness.postgres.query(
                """
                INSERT INTO linkedin_send_queue (company_id, resource, parent_id, record_id, priority)
                SELECT '1842', r.resource, r.parent, r.id, r.priority
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
            #expect(waiting == ["users": 0, "jobs": 0, "stages": 0, "candidates": 3, "job-applications": 6, "notes": 1])
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
                INSERT INTO linkedin_records (company_id, resource, parent_id, record_id, state, synced_hash)
                SELECT '1842', r.resource, '', r.id, 'synced', 'h'
                FROM (VALUES ('job_posting', 'j1'), ('job_posting', 'j2'), ('job_posting', 'j3'),
                             ('candidate', 'c1'), ('application', 'a1')) AS r(resource, id)
                """,
                logger: harness.logger)
            let toggle = try await harness.call(.PUT, "/companies/1842/rsc/settings", ["actingUser": ConnectHarness.admin, "jobsPrivate": true])
            #expect(toggle.status == 200)
            #expect(toggle.json["jobsResent"] as? Int == 3)
            #expect(try await harness.count("SELECT count(*)::int FROM linkedin_send_queue WHERE resource = 'job_posting'") == 3)
            #expect(try await harness.count("SELECT count(*)::int FROM linkedin_send_queue WHERE resource <> 'job_posting'") == 0)
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
