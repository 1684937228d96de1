import Foundation
import Testing
@testable import RSCLinkedInSimulator

@Suite("Recruiter data: seats, notes, InMails, stubs")
struct RecruiterDataTests {
    static let hour: TimeInterval = 3600
    static let member = "urn:li:person:m1"

    /// Onboarded org 123 with CSA_API enabled on contract 900 (no callback, so no push).
    static func ready(_ h: Harness) async throws -> String {
        let token = try await h.onboard(callback: nil)
        _ = try await h.state.setIntegrationStatus(.enabled, organization: Harness.org)
        return token
    }

    static func ms(_ date: Date) -> Int64 { date.epochMilliseconds }

    @Test("seats of a contract are listed with holder name and email, filtered by active, and paged")
    func seats() async throws {
        try await withSimulator { h in
            let token = try await Self.ready(h)
            for number in 502...504 {
                try await h.state.addSeat(
                    "urn:li:seat:\(number)", contract: Harness.contract, organization: Harness.org, firstName: "R\(number)",
                    lastName: "Recruiter", email: "r\(number)@example.com")
            }
            try await h.state.setSeatActive("urn:li:seat:504", active: false)
            let contract = Keys.encode(Harness.contract)
            let first = try await h.call(
                .get, "/v2/seats?q=seatsByAttributes&contracts=\(contract)&active=true&start=0&count=2", token: token)
            #expect(first.status == 200)
            let elements = try #require(first.json?["elements"]?.arrayValue)
            #expect(elements.map { $0["id"]?.intValue } == [501, 502])
            #expect(elements[0]["email"]?.stringValue == "rita@example.com")
            #expect(elements[0]["firstName"]?.stringValue == "Rita")
            #expect(first.json?["paging"]?["total"]?.intValue == 3)
            let second = try await h.call(
                .get, "/v2/seats?q=seatsByAttributes&contracts=\(contract)&active=true&start=2&count=2", token: token)
            #expect(second.json?["elements"]?.arrayValue?.map { $0["id"]?.intValue } == [503])
            let all = try await h.call(.get, "/v2/seats?q=seatsByAttributes&contracts=\(contract)&count=10", token: token)
            #expect(all.json?["elements"]?.arrayValue?.count == 4)
            let foreign = try await h.call(
                .get, "/v2/seats?q=seatsByAttributes&contracts=urn%3Ali%3Acontract%3A1", token: token)
            #expect(foreign.status == 403)
        }
    }

    @Test("seatsV2 lists seat holders with LinkedIn's numeric id and state, filters by states, and refuses a request without start")
    func seatsV2() async throws {
        try await withSimulator { h in
            let token = try await Self.ready(h)
            try await h.state.addSeat(
                "urn:li:seat:502", contract: Harness.contract, organization: Harness.org, firstName: "Bo", lastName: "B")
            try await h.state.setSeatActive("urn:li:seat:502", active: false)
            let contract = Keys.encode(Harness.contract)
            let active = try await h.call(.get, "/v2/seatsV2?q=attributes&contracts=\(contract)&states=ACTIVE&start=0&count=10", token: token)
            #expect(active.status == 200)
            let elements = try #require(active.json?["elements"]?.arrayValue)
            #expect(elements.map { $0["id"]?.intValue } == [501])
            #expect(elements.first?["state"]?.stringValue == "ACTIVE")
            #expect(elements.first?["contract"]?.stringValue == Harness.contract)
            #expect(elements.first?["member"]?.stringValue?.hasPrefix("urn:li:person:") == true)
            let all = try await h.call(.get, "/v2/seatsV2?q=attributes&contracts=\(contract)&start=0&count=10", token: token)
            #expect(all.json?["elements"]?.arrayValue?.map { $0["id"]?.intValue } == [501, 502])
            let noStart = try await h.call(.get, "/v2/seatsV2?q=attributes&contracts=\(contract)&states=ACTIVE&count=10", token: token)
            #expect(noStart.status == 400 && noStart.isLinkedInError)
            let wrongFinder = try await h.call(.get, "/v2/seatsV2?q=seatsByAttributes&contracts=\(contract)&start=0", token: token)
            #expect(wrongFinder.status == 400)
            // LinkedIn's collection asks the older finder for ids only.
            let ids = try await h.call(
                .get, "/v2/seats?q=seatsByAttributes&fields=id&active=true&count=100&start=0&contracts=\(Harness.contract)", token: token)
            #expect(ids.json?["elements"]?.arrayValue?.map { $0.objectValue ?? [:] } == [["id": .int(501)]])
        }
    }

    @Test("a note modified exactly at cutoffDate is left out, one exactly at beforeDate is in (and its id is a number)")
    func noteWindowBounds() async throws {
        try await withSimulator { h in
            let token = try await Self.ready(h)
            let now = h.clock.now()
            let cutoff = now.addingTimeInterval(-2 * Self.hour), before = now.addingTimeInterval(-1 * Self.hour)
            let onCutoff = try await h.state.addProspectNote(owner: Harness.seat, member: Self.member, note: "at cutoff", at: cutoff)
            let onBefore = try await h.state.addProspectNote(owner: Harness.seat, member: Self.member, note: "at before", at: before)
            let reply = try await h.call(
                .get,
                "/v2/prospectNotes?q=criteria&contract=\(Keys.encode(Harness.contract))&owners=\(Keys.encode(Harness.seat))"
                    + "&cutoffDate=\(Self.ms(cutoff))&beforeDate=\(Self.ms(before))&start=0&count=100",
                token: token)
            let elements = try #require(reply.json?["elements"]?.arrayValue)
            #expect(elements.map { $0["id"]?.intValue.map(String.init) } == [onBefore])
            #expect(elements.first?["contract"]?.stringValue == Harness.contract)
            #expect(Int64(onCutoff) != nil && Int64(onBefore) != nil)
        }
    }

    @Test("InMail history takes timeRange.start inclusive and timeRange.end exclusive")
    func inMailWindowBounds() async throws {
        try await withSimulator { h in
            let token = try await Self.ready(h)
            let now = h.clock.now()
            let start = now.addingTimeInterval(-2 * Self.hour), end = now.addingTimeInterval(-1 * Self.hour)
            let atStart = try await h.state.addInMail(seat: Harness.seat, member: Self.member, body: "first", at: start)
            _ = try await h.state.addInMail(seat: Harness.seat, member: Self.member, body: "later", at: end)
            let reply = try await h.call(
                .get,
                "/v2/conversationEvents?q=criteria&viewer=\(Keys.encode(Harness.seat))&timeRange.start=\(Self.ms(start))"
                    + "&timeRange.end=\(Self.ms(end))&start=0&count=50",
                token: token)
            #expect(reply.json?["elements"]?.arrayValue?.map { $0["id"]?.stringValue } == [atStart.id])
        }
    }

    @Test("notes are selected by last update; private notes come with PRIVATE, deleted ones with active false")
    func notes() async throws {
        try await withSimulator { h in
            let token = try await Self.ready(h)
            let now = h.clock.now()
            let early = try await h.state.addProspectNote(
                owner: Harness.seat, member: Self.member, note: "Strong", at: now.addingTimeInterval(-10 * Self.hour))
            let secret = try await h.state.addProspectNote(
                owner: Harness.seat, member: Self.member, note: "Private", visibility: .private,
                at: now.addingTimeInterval(-9 * Self.hour))
            let gone = try await h.state.addProspectNote(
                owner: Harness.seat, member: Self.member, note: "Old", at: now.addingTimeInterval(-20 * Self.hour))
            try await h.state.deactivateProspectNote(gone, at: now.addingTimeInterval(-8 * Self.hour))
            try await h.state.updateProspectNote(early, note: "Stronger", at: now.addingTimeInterval(-1 * Self.hour))

            func read(_ from: Date, _ to: Date, start: Int = 0, count: Int = 100) async throws -> Reply {
                try await h.call(
                    .get,
                    "/v2/prospectNotes?q=criteria&contract=\(Keys.encode(Harness.contract))&owners=\(Keys.encode(Harness.seat))"
                        + "&cutoffDate=\(Self.ms(from))&beforeDate=\(Self.ms(to))&start=\(start)&count=\(count)",
                    token: token)
            }
            let window = try await read(now.addingTimeInterval(-12 * Self.hour), now.addingTimeInterval(-2 * Self.hour))
            #expect(window.status == 200)
            let elements = try #require(window.json?["elements"]?.arrayValue)
            #expect(elements.map { $0["id"]?.intValue.map(String.init) } == [secret, gone])
            #expect(elements[0]["visibility"]?.stringValue == "PRIVATE")
            #expect(elements[0]["active"]?.boolValue == true)
            #expect(elements[1]["active"]?.boolValue == false)
            #expect(elements[1]["created"]?.intValue == Self.ms(now.addingTimeInterval(-20 * Self.hour)))

            let latest = try await read(now.addingTimeInterval(-2 * Self.hour), now)
            #expect(latest.json?["elements"]?.arrayValue?.map { $0["id"]?.intValue.map(String.init) } == [early])
            #expect(latest.json?["elements"]?.arrayValue?.first?["note"]?.stringValue == "Stronger")

            let paged = try await read(now.addingTimeInterval(-12 * Self.hour), now.addingTimeInterval(-2 * Self.hour), start: 1, count: 1)
            #expect(paged.json?["elements"]?.arrayValue?.map { $0["id"]?.intValue.map(String.init) } == [gone])

            let tooLong = try await read(now.addingTimeInterval(-13 * Self.hour), now)
            #expect(tooLong.status == 400)
            #expect(tooLong.isLinkedInError)
        }
    }

    @Test("InMails are listed for the viewing seat in the window, paged; over 12 records of a member a minute is a 429")
    func conversationEvents() async throws {
        try await withSimulator { h in
            let token = try await Self.ready(h)
            let now = h.clock.now()
            var thread: String?
            for index in 0..<10 {
                let added = try await h.state.addInMail(
                    seat: Harness.seat, member: Self.member, thread: thread, fromMember: index % 2 == 1,
                    subject: "Hello", body: "Message \(index)", at: now.addingTimeInterval(-Double(10 - index) * 60))
                thread = added.thread
            }
            try await h.state.addInMail(
                seat: Harness.seat, member: "urn:li:person:m2", body: "Outside", at: now.addingTimeInterval(-13 * Self.hour))
            func read(start: Int, count: Int, hours: Double = 12) async throws -> Reply {
                try await h.call(
                    .get,
                    "/v2/conversationEvents?q=criteria&viewer=\(Keys.encode(Harness.seat))"
                        + "&timeRange.start=\(Self.ms(now.addingTimeInterval(-hours * Self.hour)))&timeRange.end=\(Self.ms(now))"
                        + "&start=\(start)&count=\(count)",
                    token: token)
            }
            let page = try await read(start: 0, count: 6)
            #expect(page.status == 200)
            let elements = try #require(page.json?["elements"]?.arrayValue)
            #expect(elements.count == 6)
            #expect(elements[0]["body"]?.stringValue == "Message 0")
            #expect(elements[0]["sender"]?.stringValue == Harness.seat)
            #expect(elements[1]["sender"]?.stringValue == Self.member)
            #expect(elements.allSatisfy { $0["thread"]?.stringValue == thread })
            #expect(page.json?["paging"]?["total"]?.intValue == 10)

            // 6 of this member's records already read this minute: 4 more pass, then the limit of 12 is hit.
            let rest = try await read(start: 6, count: 6)
            #expect(rest.json?["elements"]?.arrayValue?.count == 4)
            let over = try await read(start: 0, count: 6)
            #expect(over.status == 429)
            #expect(over.isLinkedInError)
            h.clock.advance(by: .seconds(60))
            #expect(try await read(start: 0, count: 6).status == 200)

            #expect(try await read(start: 0, count: 6, hours: 12.5).status == 400)
        }
    }

    @Test("mail stubs are selected by creation with the end exclusive")
    func mailStubs() async throws {
        try await withSimulator { h in
            let token = try await Self.ready(h)
            let now = h.clock.now()
            let inside = try await h.state.addMailStub(
                owner: Harness.seat, member: Self.member, emailAddress: "m1@example.com",
                at: now.addingTimeInterval(-Self.hour))
            try await h.state.addMailStub(owner: Harness.seat, member: "urn:li:person:m2", phoneNumber: "+46700", at: now)
            let reply = try await h.call(
                .get,
                "/v2/mailStubs?q=contract&contract=\(Keys.encode(Harness.contract))&owners=\(Keys.encode(Harness.seat))"
                    + "&createdDateStart=\(Self.ms(now.addingTimeInterval(-2 * Self.hour)))&createdDateEnd=\(Self.ms(now))",
                token: token)
            #expect(reply.status == 200)
            let elements = try #require(reply.json?["elements"]?.arrayValue)
            #expect(elements.map { $0["id"]?.stringValue } == [inside])
            #expect(elements.first?["emailAddress"]?.stringValue == "m1@example.com")
            #expect(elements.first?["phoneNumber"] == nil)
            let tooLong = try await h.call(
                .get,
                "/v2/mailStubs?q=contract&contract=\(Keys.encode(Harness.contract))"
                    + "&createdDateStart=0&createdDateEnd=\(12 * 3_600_000 + 1)",
                token: token)
            #expect(tooLong.status == 400)
        }
    }

    @Test("without CSA_API enabled recruiter data is a 403; past the daily recruiter-data budget a 429")
    func accessAndQuota() async throws {
        try await withSimulator({ $0.recruiterDataCallsPerDay = 2 }) { h in
            let token = try await h.onboard(callback: nil)
            let uri = "/v2/seats?q=seatsByAttributes&contracts=\(Keys.encode(Harness.contract))"
            let notEnabled = try await h.call(.get, uri, token: token)
            #expect(notEnabled.status == 403)
            _ = try await h.state.setIntegrationStatus(.enabled, organization: Harness.org)
            #expect(try await h.call(.get, uri, token: token).status == 200)
            let over = try await h.call(.get, uri, token: token)
            #expect(over.status == 429)
            #expect(over.isLinkedInError)
            #expect(over.header("Retry-After") != nil)
            // The sync budget is separate.
            #expect(try await h.putCandidates(["C1": Fixtures.candidate()], token: token).status == 200)
        }
    }

    @Test("a seeded scenario spreads its records over the last hours, the same for the same seed")
    func scenario() async throws {
        try await withSimulator { h in
            let scenario = RecruiterScenario(
                organization: Harness.org, contract: Harness.contract, seats: 3, members: 5, notes: 20, inMails: 30,
                stubs: 4, hours: 6, seed: 7, grantRecruiterData: true)
            let summary = try await h.state.generateScenario(scenario)
            #expect(summary.seats.count == 3)
            let token = try await h.token()
            let now = h.clock.now()
            var total = 0
            for seat in summary.seats {
                let reply = try await h.call(
                    .get,
                    "/v2/prospectNotes?q=criteria&contract=\(Keys.encode(Harness.contract))&owners=\(Keys.encode(seat))"
                        + "&cutoffDate=\(Self.ms(now.addingTimeInterval(-6 * Self.hour)))&beforeDate=\(Self.ms(now) + 1)&count=100",
                    token: token)
                total += reply.json?["elements"]?.arrayValue?.count ?? 0
            }
            #expect(total == 20)
        }
    }

    @Test("holdings show what is left of a company: deletes cascade, closed jobs are counted apart")
    func holdings() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            _ = try await h.putCandidates(["C1": Fixtures.candidate()], token: token)
            _ = try await h.putApplications(["A1": Fixtures.application(candidate: "C1")], token: token)
            _ = try await h.call(
                .post, "/v2/simpleJobPostings", token: token, restli: "batch_create", json: ["elements": [Fixtures.job(id: "J1")]])
            var holdings = await h.state.holdings(organization: Harness.org)
            #expect(holdings.candidates == 1 && holdings.applications == 1 && holdings.listedJobs == 1)
            #expect(!holdings.customerDataGone)

            let deleted = try await h.call(.delete, "/v2/atsCandidates?" + Keys.query(["C1"], field: "atsCandidateId"), token: token)
            #expect(deleted.status == 200)
            _ = try await h.call(
                .post, "/v2/simpleJobPostings", token: token, restli: "batch_create",
                json: ["elements": [Fixtures.job(id: "J1", extra: ["state": "CLOSED"])]])
            holdings = await h.state.holdings(organization: Harness.org)
            #expect(holdings.candidates == 0 && holdings.applications == 0)
            #expect(holdings.listedJobs == 0 && holdings.closedJobs == 1)
            #expect(holdings.customerDataGone)
            let route = try await h.send(.get, "/_simulator/holdings?organization=\(Keys.encode(Harness.org))")
            #expect(route.json?["customerDataGone"]?.boolValue == true)
        }
    }
}
