import Foundation
import RSCChangeEvents
@testable import RSCTeamtailorClient
import RSCTeamtailorSimulator
import Testing

@Suite("Pages and filters")
struct PaginationTests {
    @Test("walking a collection returns every record exactly once; a stored cursor resumes in a new client")
    func walkAndResume() async throws {
        try await withHarness(seed: TeamtailorSeed(seed: 3, users: 2, jobs: 3, candidates: 95, applications: 10)) { h in
            var seen: [String] = []
            var page = try await h.client.historyPage(.candidates, after: nil, credentials: Harness.key)
            #expect(page.total == 95)
            #expect(page.records.count == 30)
            seen += page.records.map(\.id)
            page = try await h.client.historyPage(.candidates, after: page.history, credentials: Harness.key)
            seen += page.records.map(\.id)

            // "Crash": the cursor survives only as the text a sync stored.
            let stored = try #require(page.history).rawValue
            let resumed = h.freshClient()
            var next = HistoryCursor(rawValue: stored)
            #expect(next != nil)
            // At most 10 pages for 95 records: a cursor that never ends fails the test instead of hanging it.
            for _ in 0..<10 {
                guard let current = next else { break }
                page = try await resumed.historyPage(.candidates, after: current, credentials: Harness.key)
                seen += page.records.map(\.id)
                next = page.history
            }
            #expect(next == nil, "the read ended")
            let stored95 = await h.state.records(.candidates, company: Harness.company).map { String($0.id) }
            #expect(seen == stored95, "every record once, in id order")
            // Each page overlaps the last by at least one record, so a few more calls than 95 / 30.
            let calls = await h.state.requestLog()
            #expect(calls.count <= 6)
            #expect(calls.allSatisfy { $0.status == 200 })
        }
    }

    @Test("each next window starts before the last one ended, on a multiple of its size, and brings new records")
    func windows() {
        for end in 1...20_000 {
            let window = HistoryWindow.overlapping(end: end)
            #expect(window.size >= 2 && window.size <= 30)
            #expect(window.start % window.size == 0)
            #expect(window.start < end || window.start == 0, "overlaps what was read (\(end))")
            #expect(window.start + window.size - end >= 10, "brings new records (\(end))")
            if window.start + window.size - end < 10 { return }
        }
        #expect(HistoryWindow.overlapping(end: 0) == HistoryWindow(start: 0, size: 30))
        #expect(HistoryWindow.overlapping(end: 30) == HistoryWindow(start: 29, size: 29))
    }

    @Test("records deleted and created between page reads: the read still returns every record that stayed, once")
    func movingCollection() async throws {
        try await withHarness(seed: TeamtailorSeed(seed: 4, users: 2, jobs: 2, candidates: 100, applications: 5, notes: 0)) { h in
            var seen: [String] = []
            var page = try await h.client.historyPage(.candidates, after: nil, credentials: Harness.key)
            seen += page.records.map(\.id)
            page = try await h.client.historyPage(.candidates, after: page.history, credentials: Harness.key)
            seen += page.records.map(\.id)
            // Between reads: three candidates already read are deleted (every later one moves three places back,
            // onto page 2), and two are created (at the end: ids only grow).
            for id in [2, 10, 40] { try await h.simulator.deleteCandidate(company: Harness.company, id: id) }
            for index in 0..<2 {
                try await h.simulator.createCandidate(
                    company: Harness.company, attributes: ["email": .string("new\(index)@example.com"), "first-name": .string("New")])
            }
            var next = page.history
            for _ in 0..<20 {
                guard let current = next else { break }
                page = try await h.client.historyPage(.candidates, after: current, credentials: Harness.key)
                seen += page.records.map(\.id)
                next = page.history
            }
            #expect(next == nil, "the read ended")
            #expect(Set(seen).count == seen.count, "no record twice")
            let now = await h.state.records(.candidates, company: Harness.company).map { String($0.id) }
            #expect(Set(now).isSubset(of: Set(seen)), "missed: \(Set(now).subtracting(seen).sorted())")
        }
    }

    @Test("following links.next stops with an error on a page already read and past the page cap")
    func pageWalkGuards() throws {
        let base = "https://api.teamtailor.com"
        var walk = PageWalk(baseURL: base, maxPages: 3, call: "GET /v1/users")
        #expect(try walk.follow(PageCursor(rawValue: base + "/v1/users?page%5Bnumber%5D=2")) == "/v1/users?page%5Bnumber%5D=2")
        let loop = #expect(throws: TeamtailorError.self) {
            _ = try walk.follow(PageCursor(rawValue: base + "/v1/users?page%5Bnumber%5D=2"))
        }
        #expect(loop?.verdict == .permanent)
        #expect(loop?.reason?.contains("repeats a page already read") == true)

        var long = PageWalk(baseURL: base, maxPages: 3, call: "GET /v1/users")
        _ = try long.follow(PageCursor(rawValue: base + "/v1/users?page%5Bnumber%5D=2"))
        _ = try long.follow(PageCursor(rawValue: base + "/v1/users?page%5Bnumber%5D=3"))
        let capped = #expect(throws: TeamtailorError.self) {
            _ = try long.follow(PageCursor(rawValue: base + "/v1/users?page%5Bnumber%5D=4"))
        }
        #expect(capped?.reason?.contains("more than 3 pages") == true)
        #expect(try long.follow(nil) == nil)

        var elsewhere = PageWalk(baseURL: base, maxPages: 3, call: "GET /v1/users")
        #expect(throws: TeamtailorError.self) { _ = try elsewhere.follow(PageCursor(rawValue: "https://evil.example/v1/users")) }
    }

    @Test("the default page is 10 and the last page has no links.next")
    func defaultsAndLastPage() async throws {
        try await withHarness { h in
            let first = try await h.raw(.GET, "/v1/candidates", headers: Harness.apiHeaders())
            guard case .array(let data)? = first.json?["data"] else { Issue.record("no data"); return }
            #expect(data.count == 10)
            #expect(first.json?["meta"]?["record-count"] == .number(40))
            #expect(first.json?["links"]?["next"]?.stringValue?.contains("page%5Bnumber%5D=2") == true)
            #expect(first.headers.first(name: "X-Rate-Limit-Remaining") != nil)
            let last = try await h.raw(.GET, "/v1/candidates?page%5Bnumber%5D=4", headers: Harness.apiHeaders())
            #expect(last.json?["links"]?["next"] == nil)
        }
    }

    @Test("filters: email (with a plus sign) and updated-at from")
    func filters() async throws {
        try await withHarness(seed: nil) { h in
            _ = try await h.client.createCandidate(
                TeamtailorNewCandidate(firstName: "Åsa", lastName: "Öberg", email: "asa+rsc@example.com",
                                       linkedInURL: "https://www.linkedin.com/in/asa-oberg"), credentials: Harness.key)
            h.clock.advance(by: .seconds(3600))
            let later = try await h.client.createCandidate(
                TeamtailorNewCandidate(firstName: "Zoë", email: "zoe@example.com"), credentials: Harness.key)

            let byEmail = try await h.client.findCandidate(email: "asa+rsc@example.com", credentials: Harness.key)
            #expect(byEmail?.attributes["first-name"] == .string("Åsa"))
            #expect(try await h.client.findCandidate(email: "asa rsc@example.com", credentials: Harness.key) == nil)

            // Teamtailor writes offsets; a filter in UTC and one in +01:00 name the same instant.
            let since = h.clock.now().addingTimeInterval(-60)
            for stamp in [RFC3339.format(since), Self.plusOneHour(since)] {
                let reply = try await h.raw(
                    .GET, "/v1/candidates?filter%5Bupdated-at%5D%5Bfrom%5D=\(stamp.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                    headers: Harness.apiHeaders())
                guard case .array(let data)? = reply.json?["data"] else { Issue.record("no data"); return }
                #expect(data.map { $0["id"]?.stringValue } == [later.id], "\(stamp)")
            }
        }
    }

    static func plusOneHour(_ date: Date) -> String {
        var utc = RFC3339.format(date.addingTimeInterval(3600))
        utc.removeLast()  // the Z
        return utc + "+01:00"
    }

    @Test("the users list names and emails every user")
    func users() async throws {
        try await withHarness(seed: TeamtailorSeed(seed: 1, users: 33, jobs: 1, candidates: 1, applications: 1)) { h in
            let users = try await h.client.users(credentials: Harness.key)
            #expect(users.count == 33)
            #expect(users.allSatisfy { $0.name?.isEmpty == false && $0.email?.contains("@") == true })
        }
    }
}
