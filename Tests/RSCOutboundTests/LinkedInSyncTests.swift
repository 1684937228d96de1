import Foundation
import PostgresNIO
import RSCChangeEvents
import RSCLinkedInSimulator
@testable import RSCOutbound
import RSCTestSupport
import Testing

@Suite("outbound sync to the LinkedIn simulator")
struct LinkedInSyncTests {
    @Test("a company's history reaches LinkedIn: job, candidate, application, stages with Rejected, feedback, notes — not private comments")
    func fullMapping() async throws {
        try await SyncHarness.run { harness in
            let events = EventFactory()
            try await harness.apply([
                events.job("j-1"), events.stage("s-1", name: "Inbox", job: "j-1"), events.stage("s-2", name: "Phone screen", job: "j-1"),
                events.candidate("c-1"),
                events.application("a-1", candidate: "c-1", job: "j-1", stage: "s-1", changedAt: "2026-10-04T08:00:00Z"),
            ])
            try await harness.apply([events.application("a-1", candidate: "c-1", job: "j-1", stage: "s-2", rejected: true)])
            try await harness.apply([
                events.interview("i-1", candidate: "c-1", application: "a-1"),
                events.comment("m-1", candidate: "c-1", application: "a-1"),
                events.comment("m-2", candidate: "c-1", application: nil),
                events.comment("m-3", candidate: "c-1", application: "a-1", private: true),
            ])
            try await harness.drain()

            #expect(await harness.held(.simpleJobPostings).count == 1)
            #expect(await harness.held(.atsCandidates).count == 1)
            let application = try #require(await harness.held(.atsApplications).values.first)
            #expect(application["atsJobPostingName"]?.stringValue == "Backend Engineer")
            #expect(application["candidateEmail"]?.stringValue == "asa@example.com")
            #expect(application["dispositionReason"]?.stringValue == "Position filled")
            let stages = await harness.held(.atsApplicationStages)
            #expect(Set(stages.values.compactMap { $0["stage"]?.stringValue }) == ["Inbox", "Phone screen", "Rejected"])
            #expect(await harness.held(.atsApplicationInterviewFeedback).count == 1)
            #expect(await harness.held(.atsApplicationNotes).count == 1)
            #expect(await harness.held(.atsCandidateNotes).count == 1)
            #expect(try await harness.state("application_note", "m-3", parent: "a-1")?.0 == "skipped")

            // The person URN LinkedIn matched is stored (certification RSC-204).
            let members = try await harness.client.query("SELECT person_urn FROM candidate_members WHERE candidate_id = 'c-1'", logger: harness.logger)
                .decode(String.self).reduce(into: [String]()) { $0.append($1) }
            #expect(members.count == 1 && members[0].hasPrefix("urn:li:person:"))

            // The quota ledger counts exactly what was sent: rounds take their quota ahead in one go, and
            // must neither make a call they did not count nor count calls they did not make.
            let log = await harness.simulator.state.requestLog().filter { $0.path.hasPrefix("/v2/") }
            let counted = try await harness.client.query("SELECT coalesce(sum(calls), 0)::int FROM linkedin_daily_calls", logger: harness.logger)
                .decode(Int.self).reduce(0, +)
            #expect(counted == log.count)
            let countedRecords = try await harness.client.query("SELECT coalesce(sum(records), 0)::int FROM linkedin_usage", logger: harness.logger)
                .decode(Int.self).reduce(0, +)
            #expect(countedRecords == log.filter { $0.method != "GET" }.reduce(0) { $0 + $1.recordCount })
        }
    }

    @Test("a job task still in progress is asked again after a rest, not in a loop, and the job is synced once it resolves")
    func jobTaskInProgress() async throws {
        var configuration = LinkedInSimulatorConfiguration()
        configuration.jobTaskProcessingTime = .seconds(3)
        try await SyncHarness.run(simulatorConfiguration: configuration) { harness in
            let events = EventFactory()
            try await harness.apply([events.job("j-1")])
            try await harness.drain()
            #expect(try await harness.state("job_posting", "j-1")?.0 == "synced")
            let polls = await harness.simulator.state.requestLog().filter { $0.path == "/v2/simpleJobPostingTasks" }.count
            #expect(polls >= 2, "the task was asked while it was in progress")
            // 3 s in progress, asked again every second: a handful of polls, not one per round of a busy loop.
            #expect(polls <= 6, "\(polls) polls")
        }
    }

    @Test("an unchanged record is not sent again, and a changed one is sent once")
    func unchangedSkipped() async throws {
        try await SyncHarness.run { harness in
            let events = EventFactory()
            try await harness.apply([events.candidate("c-1")])
            try await harness.drain()
            let before = await harness.simulator.state.requestLog().filter { $0.method == "PUT" }.count
            try await harness.apply([events.candidate("c-1")])  // newer version, same content
            try await harness.drain()
            #expect(await harness.simulator.state.requestLog().filter { $0.method == "PUT" }.count == before)
            try await harness.apply([events.candidate("c-1", first: "Åsa-Maria")])
            try await harness.drain()
            #expect(await harness.simulator.state.requestLog().filter { $0.method == "PUT" }.count == before + 1)
            #expect(await harness.held(.atsCandidates).values.first?["firstName"]?.stringValue == "Åsa-Maria")
        }
    }

    @Test("an application that arrives before its candidate and job is sent once they are there")
    func outOfOrder() async throws {
        try await SyncHarness.run { harness in
            let events = EventFactory()
            try await harness.apply([events.application("a-1", candidate: "c-1", job: "j-1", stage: "s-1")])
            try await harness.drain()
            #expect(await harness.held(.atsApplications).isEmpty)
            #expect(try await harness.state("application", "a-1")?.0 == "waiting")
            try await harness.apply([events.candidate("c-1")])
            try await harness.apply([events.job("j-1")])
            try await harness.apply([events.stage("s-1", name: "Inbox", job: "j-1")])
            try await harness.drain()
            #expect(await harness.held(.atsApplications).count == 1)
            #expect(await harness.held(.atsApplicationStages).count == 1)
        }
    }

    @Test("a dirty parent outside the round (marked after a full round of its children) is pulled in: the children go at once")
    func dirtyParentPulledIn() async throws {
        try await SyncHarness.run { harness in
            let events = EventFactory()
            let notes = (1...CompanySender.recordsPerRound).map { events.comment("m-\($0)", candidate: "c-1", application: nil) }
            try await harness.apply(notes)  // marked first: they fill the round
            try await harness.apply([events.candidate("c-1")])  // marked after them: past the round's limit
            #expect(try await harness.sender.runRound(company: "1842") == .progressed)
            #expect(await harness.held(.atsCandidates).count == 1)
            #expect(await harness.held(.atsCandidateNotes).count == CompanySender.recordsPerRound, "the notes went in the same round as their candidate")
            let waiting = try await harness.client.query("SELECT count(*)::int FROM linkedin_records WHERE state = 'waiting'", logger: harness.logger)
                .decode(Int.self).reduce(0, +)
            #expect(waiting == 0)
        }
    }

    @Test("a candidate without email is not matched, with the reason, and nothing of it is sent — until the email arrives, then all of it is")
    func notMatched() async throws {
        try await SyncHarness.run { harness in
            let events = EventFactory()
            try await harness.apply([
                events.job("j-1"), events.candidate("c-1", email: nil), events.stage("s-1", name: "Inbox", job: "j-1"),
                events.application("a-1", candidate: "c-1", job: "j-1", stage: "s-1"),
                events.comment("m-1", candidate: "c-1", application: "a-1"), events.comment("m-2", candidate: "c-1", application: nil),
                events.interview("i-1", candidate: "c-1", application: "a-1"),
            ])
            try await harness.drain()
            #expect(await harness.held(.atsCandidates).isEmpty)
            #expect(await harness.held(.atsApplications).isEmpty)
            let state = try await harness.state("candidate", "c-1")
            #expect(state?.0 == "not_matched")
            #expect(state?.1 == "not matched: missing email")
            #expect(try await harness.state("application_stage", "s-1", parent: "a-1")?.0 == "skipped")
            // Adding the email later sends the candidate, its application and everything under them.
            try await harness.apply([events.candidate("c-1", email: "late@example.com")])
            try await harness.drain()
            #expect(await harness.held(.atsCandidates).count == 1)
            #expect(await harness.held(.atsApplications).count == 1)
            #expect(await harness.held(.atsApplicationStages).count == 1)
            #expect(await harness.held(.atsApplicationNotes).count == 1)
            #expect(await harness.held(.atsCandidateNotes).count == 1)
            #expect(await harness.held(.atsApplicationInterviewFeedback).count == 1)
        }
    }

    @Test("a destroyed candidate is deleted from LinkedIn with everything under it")
    func destroyCascades() async throws {
        try await SyncHarness.run { harness in
            let events = EventFactory()
            try await harness.apply([events.job("j-1"), events.candidate("c-1"), events.stage("s-1", name: "Inbox", job: "j-1"),
                                     events.application("a-1", candidate: "c-1", job: "j-1", stage: "s-1"),
                                     events.comment("m-1", candidate: "c-1", application: "a-1")])
            try await harness.drain()
            #expect(await harness.held(.atsApplicationNotes).count == 1)
            try await harness.apply([events.destroy("candidates", "c-1")])
            try await harness.drain()
            #expect(await harness.held(.atsCandidates).isEmpty)
            #expect(await harness.held(.atsApplications).isEmpty)
            #expect(await harness.held(.atsApplicationNotes).isEmpty)
            #expect(await harness.simulator.state.requestLog().filter { $0.method == "DELETE" }.count == 1)
            // What went with the candidate is known to be gone (else a later change would be judged "unchanged").
            let held = try await harness.client.query(
                "SELECT resource FROM linkedin_records WHERE company_id = '1842' AND synced_hash IS NOT NULL AND resource <> 'job_posting'",
                logger: harness.logger
            ).decode(String.self).reduce(into: []) { $0.append($1) }
            #expect(held.isEmpty, "still believed on LinkedIn: \(held)")
        }
    }

    @Test("a stage that only a late (stale) event shows still reaches LinkedIn, without waiting for the application's next change")
    func staleEventStage() async throws {
        try await SyncHarness.run { harness in
            let events = EventFactory()
            try await harness.apply([
                events.job("j-1"), events.candidate("c-1"),
                events.stage("s-1", name: "Inbox", job: "j-1"), events.stage("s-2", name: "Phone screen", job: "j-1"),
                events.stage("s-3", name: "Offer", job: "j-1"),
            ])
            // Teamtailor moved the application Inbox → Phone screen → Offer; the middle event arrives last.
            let inbox = events.application("a-1", candidate: "c-1", job: "j-1", stage: "s-1", changedAt: "2026-10-04T08:00:00Z")
            let phone = events.application("a-1", candidate: "c-1", job: "j-1", stage: "s-2", changedAt: "2026-10-05T08:00:00Z")
            let offer = events.application("a-1", candidate: "c-1", job: "j-1", stage: "s-3", changedAt: "2026-10-06T08:00:00Z")
            try await harness.apply([inbox])
            try await harness.apply([offer])
            try await harness.drain()
            #expect(Set(await harness.held(.atsApplicationStages).values.compactMap { $0["stage"]?.stringValue }) == ["Inbox", "Offer"])

            let outcome = try await harness.apply([phone])
            #expect(outcome.changed == 0)  // stale: the stored application stays at Offer
            try await harness.drain()
            let names = Set(await harness.held(.atsApplicationStages).values.compactMap { $0["stage"]?.stringValue })
            #expect(names == ["Inbox", "Phone screen", "Offer"])

            // Delivered again, it adds nothing and sends nothing.
            let calls = await harness.simulator.state.requestLog().count
            #expect(try await harness.apply([phone]).markedRecords == 0)
            try await harness.drain()
            #expect(await harness.simulator.state.requestLog().count == calls)
        }
    }

    @Test("a stage rename re-sends the stage records that name it")
    func stageRename() async throws {
        try await SyncHarness.run { harness in
            let events = EventFactory()
            try await harness.apply([events.job("j-1"), events.candidate("c-1"), events.candidate("c-2", email: "b@example.com"),
                                     events.stage("s-2", name: "Phone screen", job: "j-1"),
                                     events.application("a-1", candidate: "c-1", job: "j-1", stage: "s-2"),
                                     events.application("a-2", candidate: "c-2", job: "j-1", stage: "s-2")])
            try await harness.drain()
            try await harness.apply([events.stage("s-2", name: "Technical interview", job: "j-1")])
            try await harness.drain()
            let names = await harness.held(.atsApplicationStages).values.compactMap { $0["stage"]?.stringValue }
            #expect(names == ["Technical interview", "Technical interview"])
        }
    }

    @Test("a 429 storm and 5xx bursts end with everything on LinkedIn")
    func throttlingAndErrors() async throws {
        try await SyncHarness.run { harness in
            let events = EventFactory()
            await harness.simulator.state.forceThrottle(nextCalls: 5, retryAfterSeconds: 1)
            await harness.simulator.state.setFaults(FaultConfiguration(serverErrorRate: 0.3, seed: 7))
            try await harness.apply((1...250).map { events.candidate("c-\($0)", email: "c\($0)@example.com") })
            try await harness.drain(timeout: .seconds(90))
            #expect(await harness.held(.atsCandidates).count == 250)
            #expect(await harness.simulator.state.throttledCount() == 5)
            #expect(await harness.simulator.state.injectedServerErrorCount() > 0)
        }
    }

    @Test("the company's quota is held: records are paced and LinkedIn never answers 429")
    func quotaHeld() async throws {
        var configuration = LinkedInSimulatorConfiguration()
        configuration.recordsPerWindow = 150
        configuration.recordWindow = .seconds(2)
        try await SyncHarness.run(simulatorConfiguration: configuration, quota: .init(recordsPerWindow: 150, window: .seconds(2), callsPerDay: 100_000)) { harness in
            let events = EventFactory()
            try await harness.apply((1...400).map { events.candidate("c-\($0)", email: "c\($0)@example.com") })
            let started = ContinuousClock.now
            try await harness.drain(timeout: .seconds(60))
            #expect(await harness.held(.atsCandidates).count == 400)
            #expect(await harness.simulator.state.throttledCount() == 0)
            // 400 records at 150 per 2 s cannot finish in under 4 s.
            #expect(ContinuousClock.now - started >= .seconds(4))
        }
    }

    @Test("a round whose calls take long counts what it has not sent yet again from when it sends it, as LinkedIn counts on arrival")
    func longRoundRedatesItsCredit() async throws {
        try await SyncHarness.run { harness in
            // Every call takes a quarter of a second, so the round's eight calls span two seconds.
            await harness.simulator.state.setFaults(FaultConfiguration(latency: .milliseconds(250)))
            let events = EventFactory()
            var changes = [events.job("j-1"), events.stage("s-1", name: "Interview", job: "j-1")]
            for n in 1...3 {
                changes.append(events.candidate("c-\(n)", email: "c\(n)@example.com"))
                changes.append(events.application("a-\(n)", candidate: "c-\(n)", job: "j-1", stage: "s-1"))
            }
            try await harness.apply(changes)
            _ = try await harness.sender.runRound(company: "1842")
            #expect(await harness.held(.atsApplications).count == 3, "the round sent the applications")
            let buckets = try await harness.client.query(
                "SELECT extract(epoch FROM second)::float8 FROM linkedin_usage WHERE company_id = '1842' AND records > 0 ORDER BY second",
                logger: harness.logger
            ).decode(Double.self).reduce(into: [Double]()) { $0.append($1) }
            // Reserved ahead in one statement, the round's records all sat in its first bucket before.
            #expect(buckets.count >= 2, "usage counted in \(buckets.count) bucket(s)")
            #expect((buckets.last ?? 0) - (buckets.first ?? 0) >= 0.3, "the later calls are counted when they go")
        }
    }

    @Test("lost LinkedIn access parks the company with a reason, and another company is not held up")
    func parked() async throws {
        try await SyncHarness.run(companies: ["1842", "2077"]) { harness in
            _ = await harness.simulator.state.revokeTokens(clientID: "client-1842")
            let first = EventFactory(company: "1842"), second = EventFactory(company: "2077")
            try await harness.apply([first.candidate("c-1")])
            try await harness.apply([second.candidate("c-9", email: "zoe@example.org")])
            let result = try await harness.sender.runRound(company: "1842")
            guard case .waitUntil = result else {
                Issue.record("a parked company must wait, got \(result)")
                return
            }
            let status = try await harness.client.query("SELECT status, status_reason FROM companies WHERE company_id = '1842'", logger: harness.logger)
                .decode((String, String?).self).reduce(into: [(String, String?)]()) { $0.append($1) }
            #expect(status.first?.0 == "parked")
            #expect(status.first?.1?.contains("LinkedIn access lost") == true)
            try await harness.drain("2077")
            #expect(await harness.held(.atsCandidates, "2077").count == 1)
            // Access restored: after the pause the company syncs again and is active.
            _ = await harness.simulator.state.restoreTokens(clientID: "client-1842")
            // (A success a moment ago, as after a short outage: "last success" is renewed at most every 5 s,
            // but leaving "parked" must not wait for that.)
            try await harness.client.query(
                "UPDATE companies SET parked_until = now(), last_sync_success_at = now() WHERE company_id = '1842'", logger: harness.logger)
            try await harness.drain("1842")
            #expect(await harness.held(.atsCandidates, "1842").count == 1)
            let after = try await harness.client.query("SELECT status, parked_until IS NULL FROM companies WHERE company_id = '1842'", logger: harness.logger)
                .decode((String, Bool).self).reduce(into: [(String, Bool)]()) { $0.append($1) }
            #expect(after.first?.0 == "active")
            #expect(after.first?.1 == true, "the pause is cleared")
        }
    }

    @Test("a candidate linked to a member by an export keeps the link when its record is sent again")
    func exportLinkKept() async throws {
        try await SyncHarness.run { harness in
            let events = EventFactory()
            try await harness.client.query(
                "INSERT INTO candidate_members (company_id, candidate_id, person_urn, matched_by) VALUES ('1842', 'c-1', 'urn:li:person:exported1', 'export')",
                logger: harness.logger
            )
            try await harness.apply([events.candidate("c-1")])
            try await harness.drain()
            try await harness.apply([events.candidate("c-1", first: "Åsa-Maria")])
            try await harness.drain()
            let members = await harness.simulator.state.matchedMembers(atsCandidateId: "c-1", in: SyncHarness.organization("1842"))
            #expect(members == ["urn:li:person:exported1"])
            // The read-back does not overwrite a member an export chose.
            let stored = try await harness.client.query("SELECT person_urn, matched_by FROM candidate_members WHERE candidate_id = 'c-1'", logger: harness.logger)
                .decode((String, String).self).reduce(into: [(String, String)]()) { $0.append($1) }
            #expect(stored.first?.0 == "urn:li:person:exported1")
            #expect(stored.first?.1 == "export")
        }
    }
}
