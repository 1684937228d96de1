import Foundation
import RSCChangeEvents
import RSCTeamtailorClient
import RSCTeamtailorSimulator
import Testing

@Suite("Pages and filters")
struct PaginationTests {
    @Test("walking a collection returns every record exactly once; a stored cursor resumes in a new client")
    func walkAndResume() async throws {
        try await withHarness(seed: TeamtailorSeed(seed: 3, users: 2, jobs: 3, candidates: 95, applications: 10)) { h in
            var seen: [String] = []
            var page = try await h.client.page(.candidates, from: nil, credentials: Harness.key)
            #expect(page.total == 95)
            #expect(page.records.count == 30)
            seen += page.records.map(\.id)
            page = try await h.client.page(.candidates, from: page.next, credentials: Harness.key)
            seen += page.records.map(\.id)

            // "Crash": the cursor survives only as the string a sync stored.
            let stored = String(decoding: try JSONEncoder().encode(page.next), as: UTF8.self)
            let cursor = try JSONDecoder().decode(PageCursor.self, from: Data(stored.utf8))
            let resumed = h.freshClient()
            var next: PageCursor? = cursor
            var pages = 2
            while let current = next {
                page = try await resumed.page(.candidates, from: current, credentials: Harness.key)
                seen += page.records.map(\.id)
                next = page.next
                pages += 1
            }
            #expect(pages == 4)
            #expect(page.records.count == 5)
            #expect(seen.count == 95)
            #expect(Set(seen).count == 95)
            let stored95 = await h.state.records(.candidates, company: Harness.company).map { String($0.id) }
            #expect(seen == stored95)
        }
    }

    @Test("the default page is 10 and the last page has no links.next")
    func defaultsAndLastPage() async throws {
        try await withHarness { h in
            let first = try await h.raw(.GET, "/v1/jobs", headers: Harness.apiHeaders())
            guard case .array(let data)? = first.json?["data"] else { Issue.record("no data"); return }
            #expect(data.count == 5)
            #expect(first.json?["links"]?["next"] == nil)
            #expect(first.json?["meta"]?["record-count"] == .number(5))
            #expect(first.headers.first(name: "X-Rate-Limit-Remaining") != nil)
            let stages = try await h.raw(.GET, "/v1/stages", headers: Harness.apiHeaders())
            guard case .array(let stageData)? = stages.json?["data"] else { Issue.record("no data"); return }
            #expect(stageData.count == 10)
            #expect(stages.json?["links"]?["next"]?.stringValue?.contains("page%5Bnumber%5D=2") == true)
        }
    }

    @Test("filters: email (with a plus sign), LinkedIn URL, and updated-at from")
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
            let byURL = try await h.client.findCandidate(linkedInURL: "https://www.linkedin.com/in/asa-oberg", credentials: Harness.key)
            #expect(byURL?.id == byEmail?.id)
            #expect(try await h.client.findCandidate(linkedInURL: "https://www.linkedin.com/in/nobody", credentials: Harness.key) == nil)

            let since = h.clock.now().addingTimeInterval(-60)
            let recent = try await h.client.page(.candidates, from: nil, updatedFrom: since, credentials: Harness.key)
            #expect(recent.records.map(\.id) == [later.id])
            #expect(recent.total == 1)
        }
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
