import Foundation
import PostgresNIO
import RSCChangeEvents
import RSCInbound
import RSCLinkedInSimulator
import RSCTeamtailorSimulator
import Synchronization
import Testing

@Suite("inbound poller", .serialized)
struct InboundPollerTests {
    static let member = "urn:li:person:ada"

    @Test("a public note created, edited and deleted in LinkedIn is created, updated and deleted in Teamtailor once each")
    func noteLifecycle() async throws {
        try await InboundHarness.run { h in
            let company = try await h.addCompany(1)
            let candidate = try await h.addCandidate(company, member: Self.member)
            let poller = h.poller()
            let note = try await h.linkedIn.state.addProspectNote(owner: company.seat, member: Self.member, note: "Strong Swift background", at: h.clock.now())
            try await h.pollNextWindow(poller)
            var notes = try await h.detail(company, candidate: candidate).notes
            #expect(notes.count == 1)
            #expect(notes.first?.attributes["note"]?.stringValue == "Strong Swift background")
            // Credited to the Teamtailor user whose email is the seat holder's (compared without case).
            #expect(notes.first?.link("user")?.id == Int(company.seatUserID))

            try await h.linkedIn.state.updateProspectNote(note, note: "Strong Swift and Go background", at: h.clock.now())
            try await h.pollNextWindow(poller)
            notes = try await h.detail(company, candidate: candidate).notes
            #expect(notes.map { $0.attributes["note"]?.stringValue } == ["Strong Swift and Go background"])

            try await h.linkedIn.state.deactivateProspectNote(note, at: h.clock.now())
            try await h.pollNextWindow(poller)
            try await h.pollNextWindow(poller)
            #expect(try await h.detail(company, candidate: candidate).notes.isEmpty)
            #expect(await h.calls(company, "POST", "/v1/notes") == 1)
            #expect(await h.calls(company, "PATCH", "/v1/notes/") == 1)
            #expect(await h.calls(company, "DELETE", "/v1/notes/") == 1)
        }
    }

    @Test("a note PostgreSQL refuses (a NUL in its text) is skipped with an error the admin sees; the notes beside it arrive")
    func unstorableNote() async throws {
        try await InboundHarness.run { h in
            let company = try await h.addCompany(1)
            let candidate = try await h.addCandidate(company, member: Self.member)
            try await h.linkedIn.state.addProspectNote(owner: company.seat, member: Self.member, note: "Before", at: h.clock.now())
            try await h.linkedIn.state.addProspectNote(owner: company.seat, member: Self.member, note: "Zero\u{0}byte", at: h.clock.now())
            try await h.linkedIn.state.addProspectNote(owner: company.seat, member: Self.member, note: "After", at: h.clock.now())
            try await h.pollNextWindow(h.poller())
            let notes = try await h.detail(company, candidate: candidate).notes.compactMap { $0.attributes["note"]?.stringValue }
            #expect(Set(notes) == ["Before", "After"])
            #expect(try await h.count("SELECT count(*)::int FROM company_errors WHERE source = 'inbound' AND cause = 'unstorable_note'") == 1)
            // The window was finished: the next poll reads on from its end instead of failing on the same note.
            #expect(try await h.count("SELECT count(*)::int FROM inbound_cursors WHERE kind = 'note'") == 1)
        }
    }

    @Test("an item exactly on a window's bound is read once: a note at beforeDate in that window, an InMail at timeRange.end in the next")
    func itemsOnTheBound() async throws {
        try await InboundHarness.run { h in
            let company = try await h.addCompany(1)
            let candidate = try await h.addCandidate(company, member: Self.member)
            let poller = h.poller()
            // The first poll's windows end here (the poller's own arithmetic: the next window's now, less the settle delay).
            let settle = Double(h.settings().settleDelay.components.seconds)
            let bound = Int64((h.clock.now().addingTimeInterval(InboundHarness.interval).timeIntervalSince1970 - settle) * 1000)
            let onBound = Date(timeIntervalSince1970: (Double(bound) + 0.5) / 1000)
            try await h.linkedIn.state.addProspectNote(owner: company.seat, member: Self.member, note: "On the bound", at: onBound)
            try await h.linkedIn.state.addInMail(seat: company.seat, member: Self.member, subject: "Bound", body: "On the bound", at: onBound)

            try await h.pollNextWindow(poller)
            // beforeDate is inclusive: the note is in the window that ends on it; timeRange.end is exclusive: the InMail is not.
            #expect(try await h.detail(company, candidate: candidate).publicNotes.count == 1)
            #expect(try await h.detail(company, candidate: candidate).privateNotes.isEmpty)

            try await h.pollNextWindow(poller)
            try await h.pollNextWindow(poller)
            // cutoffDate is exclusive: the next window does not read the note again; timeRange.start is inclusive: the InMail
            // arrives (as a private note).
            #expect(try await h.detail(company, candidate: candidate).publicNotes.count == 1)
            #expect(try await h.detail(company, candidate: candidate).privateNotes.count == 1)
            #expect(await h.calls(company, "POST", "/v1/notes") == 2)
            #expect(try await h.count("SELECT count(*)::int FROM inbound_items") == 2)
        }
    }

    @Test("a private note never arrives, and is never stored")
    func privateNote() async throws {
        try await InboundHarness.run { h in
            let company = try await h.addCompany(1)
            let candidate = try await h.addCandidate(company, member: Self.member)
            try await h.linkedIn.state.addProspectNote(owner: company.seat, member: Self.member, note: "Private thoughts", visibility: .private, at: h.clock.now())
            try await h.pollNextWindow(h.poller())
            #expect(try await h.detail(company, candidate: candidate).notes.isEmpty)
            #expect(try await h.count("SELECT count(*)::int FROM inbound_items") == 0)
        }
    }

    @Test("an InMail arrives once; re-polling the same window adds nothing")
    func inMailOnce() async throws {
        try await InboundHarness.run { h in
            let company = try await h.addCompany(1)
            let candidate = try await h.addCandidate(company, member: Self.member)
            let poller = h.poller()
            try await h.linkedIn.state.addInMail(seat: company.seat, member: Self.member, subject: "Opportunity", body: "Hi Ada", at: h.clock.now())
            try await h.pollNextWindow(poller)
            // A private note on the candidate (a published resource; never sent back to LinkedIn).
            var inMails = try await h.detail(company, candidate: candidate).privateNotes
            #expect(inMails.count == 1)
            let text = inMails.first?.attributes["note"]?.stringValue ?? ""
            #expect(text.hasPrefix("LinkedIn InMail sent"))
            #expect(text.contains("Subject: Opportunity\nHi Ada"))
            #expect(try await h.detail(company, candidate: candidate).activities.isEmpty)

            // Forget the cursors: the same InMail is read again, and recognised by its id.
            try await h.postgres.query("DELETE FROM inbound_cursors", logger: h.logger)
            try await h.pollNextWindow(poller)
            inMails = try await h.detail(company, candidate: candidate).privateNotes
            #expect(inMails.count == 1)
            #expect(await h.calls(company, "POST", "/v1/notes") == 1)
        }
    }

    @Test("a stub fills an empty email and phone, and otherwise becomes a private note with the shared details")
    func stubs() async throws {
        try await InboundHarness.run { h in
            let company = try await h.addCompany(1)
            let empty = try await h.addCandidate(company, member: "urn:li:person:empty")
            let filled = try await h.addCandidate(company, member: "urn:li:person:filled", email: "old@example.com")
            try await h.linkedIn.state.addMailStub(owner: company.seat, member: "urn:li:person:empty", emailAddress: "ada@example.com", phoneNumber: "+46 70 000 00 01", at: h.clock.now())
            try await h.linkedIn.state.addMailStub(owner: company.seat, member: "urn:li:person:filled", emailAddress: "new@example.com", at: h.clock.now())
            try await h.pollNextWindow(h.poller())

            let emptyDetail = try await h.detail(company, candidate: empty)
            #expect(emptyDetail.candidate.attributes["email"]?.stringValue == "ada@example.com")
            #expect(emptyDetail.candidate.attributes["phone"]?.stringValue == "+46 70 000 00 01")
            #expect(emptyDetail.notes.isEmpty)

            let filledDetail = try await h.detail(company, candidate: filled)
            #expect(filledDetail.candidate.attributes["email"]?.stringValue == "old@example.com")
            #expect(filledDetail.privateNotes.count == 1)
            let text = filledDetail.privateNotes.first?.attributes["note"]?.stringValue ?? ""
            #expect(text.hasPrefix("LinkedIn contact details shared"))
            #expect(text.contains("Email: new@example.com"))
        }
    }

    @Test("an item for an unmatched member waits and arrives once the member is matched")
    func unmatchedMember() async throws {
        try await InboundHarness.run { h in
            let company = try await h.addCompany(1)
            let poller = h.poller()
            try await h.linkedIn.state.addProspectNote(owner: company.seat, member: Self.member, note: "Met at a meetup", at: h.clock.now())
            try await h.linkedIn.state.addInMail(seat: company.seat, member: Self.member, body: "Hello", at: h.clock.now())
            try await h.pollNextWindow(poller)
            #expect(try await h.count("SELECT count(*)::int FROM inbound_items WHERE state = 'waiting'") == 2)

            let candidate = try await h.addCandidate(company, member: Self.member)
            try await h.pollNextWindow(poller)
            let detail = try await h.detail(company, candidate: candidate)
            #expect(detail.publicNotes.map { $0.attributes["note"]?.stringValue } == ["Met at a meetup"])
            #expect(detail.privateNotes.count == 1)
            #expect(try await h.count("SELECT count(*)::int FROM inbound_items WHERE state = 'written' AND payload IS NULL") == 2)
        }
    }

    @Test("a crash between the Teamtailor write and its record leaves no duplicate and no missing item")
    func crashBetweenWriteAndRecord() async throws {
        try await InboundHarness.run { h in
            let company = try await h.addCompany(1)
            let candidate = try await h.addCandidate(company, member: Self.member)
            for index in 1...3 {
                try await h.linkedIn.state.addProspectNote(owner: company.seat, member: Self.member, note: "Note \(index)", at: h.clock.now())
                try await h.linkedIn.state.addInMail(seat: company.seat, member: Self.member, body: "Message \(index)", at: h.clock.now())
            }
            // The first replica dies right after its second Teamtailor write, before recording it.
            let writes = Mutex(0)
            let crashing = h.poller(owner: "replica-dies", hooks: .init(afterWrite: { _, _ in
                let count = writes.withLock { $0 += 1; return $0 }
                if count == 2 { throw CancellationError() }
            }))
            try await h.pollNextWindow(crashing)
            #expect(try await h.count("SELECT count(*)::int FROM inbound_items WHERE state = 'writing'") == 1)
            // Its lease is still held, as after kill -9: only its expiry lets another replica in.
            try await h.postgres.query(
                "UPDATE inbound_schedule SET lease_owner = 'replica-dies', lease_expires_at = \(h.clock.now().addingTimeInterval(600)), next_poll_at = \(h.clock.now())",
                logger: h.logger)
            let survivor = h.poller(owner: "replica-b")
            #expect(try await survivor.pollDue() == 0)
            h.clock.advance(601)
            try await InboundHarness.pollUntilNothingDue(survivor)

            let detail = try await h.detail(company, candidate: candidate)
            #expect(detail.publicNotes.compactMap { $0.attributes["note"]?.stringValue }.sorted() == ["Note 1", "Note 2", "Note 3"])
            #expect(detail.privateNotes.count == 3)
            #expect(try await h.count("SELECT count(*)::int FROM inbound_items WHERE state = 'written'") == 6)
        }
    }

    @Test("429 and 5xx bursts from both sides end with everything written once")
    func bursts() async throws {
        try await InboundHarness.run { h in
            let company = try await h.addCompany(1)
            let candidate = try await h.addCandidate(company, member: Self.member)
            for index in 1...5 {
                try await h.linkedIn.state.addProspectNote(owner: company.seat, member: Self.member, note: "Note \(index)", at: h.clock.now())
                try await h.linkedIn.state.addInMail(seat: company.seat, member: Self.member, body: "Message \(index)", at: h.clock.now())
            }
            await h.linkedIn.state.forceThrottle(nextCalls: 3, clientID: company.clientID, retryAfterSeconds: 1)
            await h.linkedIn.state.setFaults(.init(serverErrorRate: 0.3, seed: 7))
            await h.teamtailor.state.setFaults(.init(serverErrorRate: 0.3, seed: 9))
            try await h.pollNextWindow(h.poller())

            let detail = try await h.detail(company, candidate: candidate)
            #expect(detail.publicNotes.count == 5)
            #expect(detail.privateNotes.count == 5)
            #expect(await h.linkedIn.state.throttledCount(clientID: company.clientID) >= 3)
            #expect(await h.linkedIn.state.injectedServerErrorCount() > 0)
            #expect(await h.teamtailor.state.injectedServerErrorCount() > 0)
            let outcome = try await h.postgres.query("SELECT last_outcome FROM inbound_schedule", logger: h.logger).decode(String?.self).reduce(into: []) { $0.append($1) }
            #expect(outcome == ["success"])
        }
    }

    @Test("LinkedIn refusing the application records a company error and stops that company's poll")
    func accessLost() async throws {
        try await InboundHarness.run { h in
            let company = try await h.addCompany(1)
            _ = await h.linkedIn.state.revokeTokens(clientID: company.clientID)
            try await h.pollNextWindow(h.poller())
            #expect(try await h.count("SELECT count(*)::int FROM company_errors WHERE source = 'inbound' AND cause = 'inbound_access_lost'") == 1)
            let status = try await InboundStatus.load(company: company.id, client: h.postgres, logger: h.logger, now: h.clock.now())
            #expect(status.lastOutcome == "access_lost")
            #expect(status.polls == 1)
        }
    }

    @Test("two pollers over 50 companies poll each company exactly once per window")
    func twoPollersShareTheWork() async throws {
        try await InboundHarness.run { h in
            for number in 1...50 { try await h.addCompany(number) }
            let replicas = [h.poller(owner: "replica-a"), h.poller(owner: "replica-b")]
            for window in 1...2 {
                h.clock.advance(InboundHarness.interval)
                let polled = try await withThrowingTaskGroup(of: Int.self) { group in
                    for replica in replicas {
                        group.addTask {
                            var total = 0
                            for _ in 0..<1_000 {
                                let count = try await replica.pollDue()
                                if count == 0 { return total }
                                total += count
                            }
                            throw InboundHarness.PollingDidNotSettle()
                        }
                    }
                    return try await group.reduce(0, +)
                }
                #expect(polled == 50)
                let polls = try await h.postgres.query("SELECT polls FROM inbound_schedule", logger: h.logger).decode(Int.self).reduce(into: [Int]()) { $0.append($1) }
                #expect(polls.count == 50)
                #expect(polls.allSatisfy { $0 == window })
            }
            // Spread over the window, not all at the top of the hour.
            let distinctSlots = try await h.count("SELECT count(DISTINCT next_poll_at)::int FROM inbound_schedule")
            #expect(distinctSlots > 40)
            #expect(try await h.count("SELECT count(*)::int FROM inbound_schedule WHERE last_outcome <> 'success'") == 0)
        }
    }
}

extension SimulatedCandidateDetail {
    /// LinkedIn's public notes, as written to Teamtailor.
    var publicNotes: [SimulatedTeamtailorRecord] { notes.filter { $0.attributes["private-note"] != .bool(true) } }
    /// InMails and shared contact details: private notes.
    var privateNotes: [SimulatedTeamtailorRecord] { notes.filter { $0.attributes["private-note"] == .bool(true) } }
}
