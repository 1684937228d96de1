import Foundation
import RSCChangeEvents
import RSCTeamtailorClient
import RSCTeamtailorSimulator
import Testing

@Suite("Seeding and inspection")
struct SeedingTests {
    @Test("a seeded company has the asked counts, every job an Inbox and a Hired stage, and realistic variety")
    func counts() async throws {
        try await withHarness(seed: TeamtailorSeed(seed: 11, users: 6, jobs: 40, candidates: 500, applications: 1200)) { h in
            let counts = await h.state.recordCounts(company: Harness.company)
            #expect(counts[.users] == 6)
            #expect(counts[.jobs] == 40)
            #expect(counts[.stages] == 200)
            #expect(counts[.candidates] == 500)
            #expect(counts[.jobApplications] == 1200)
            #expect(counts[.interviews] == 240)
            #expect(counts[.notes] == 250)

            let stages = await h.state.records(.stages, company: Harness.company)
            let byJob = Dictionary(grouping: stages) { $0.link("job")!.id }
            #expect(byJob.count == 40)
            #expect(byJob.values.allSatisfy { stages in
                let types = stages.compactMap { $0.attributes["legacy-stage-type-name"]?.stringValue }
                return types.contains("Inbox") && types.contains("Hired")
            })
            let jobs = await h.state.records(.jobs, company: Harness.company)
            let statuses = Set(jobs.compactMap { $0.attributes["status"]?.stringValue })
            #expect(statuses.contains("open") && statuses.contains("archived"))
            let candidates = await h.state.records(.candidates, company: Harness.company)
            #expect(candidates.contains { $0.attributes["email"] == .null })
            #expect(candidates.contains { ($0.attributes["first-name"]?.stringValue ?? "").unicodeScalars.contains { !$0.isASCII } })
            let emails = candidates.compactMap { $0.attributes["email"]?.stringValue }
            #expect(Set(emails).count == emails.count)
            let applications = await h.state.records(.jobApplications, company: Harness.company)
            #expect(applications.contains { $0.link("reject-reason") != nil && $0.attributes["rejected-at"] != .null })
            #expect(counts[.rejectReasons] == 5)
            #expect(counts[.locations] == 8)
            #expect(jobs.allSatisfy { $0.toMany["locations"]?.count == 1 && $0.link("user") != nil })
            let notes = await h.state.records(.notes, company: Harness.company)
            #expect(notes.contains { $0.attributes["private-note"] == .bool(true) })
            let interviews = await h.state.records(.interviews, company: Harness.company)
            #expect(interviews.allSatisfy { if case .array(let scores)? = $0.attributes["scores"] { !scores.isEmpty } else { false } })
            // Timestamps spread over two years and more before "now".
            let created = candidates.compactMap { $0.attributes["created-at"]?.stringValue.flatMap(RFC3339.parse) }
            let oldest = try #require(created.min())
            #expect(h.clock.now().timeIntervalSince(oldest) > 2 * 365 * 86_400)
            #expect(created.allSatisfy { $0 <= h.clock.now() })
        }
    }

    @Test("the same seed gives the same data; another seed gives other data")
    func determinism() async throws {
        try await withHarness(seed: nil) { h in
            let seed = TeamtailorSeed(seed: 42, users: 3, jobs: 6, candidates: 80, applications: 150)
            let resources = SimulatedTeamtailorResource.allCases
            func snapshot() async -> [[SimulatedTeamtailorRecord]] {
                var all: [[SimulatedTeamtailorRecord]] = []
                for resource in resources { all.append(await h.state.records(resource, company: "A")) }
                return all
            }
            try await h.state.seedCompany(id: "A", apiKey: "key-a", seed)
            let first = await snapshot()
            try await h.state.seedCompany(id: "A", seed)
            let second = await snapshot()
            var other = seed
            other.seed = 43
            try await h.state.seedCompany(id: "A", other)
            let third = await snapshot()
            #expect(first == second)
            #expect(first.reduce(0) { $0 + $1.count } > 0)
            for (index, resource) in resources.enumerated() where ![.users, .activities, .locations, .rejectReasons].contains(resource) {
                #expect(first[index] != third[index], "\(resource)")
            }
        }
    }

    @Test("20,000 candidates and 60,000 applications seed, and pages deep in the collection are served")
    func large() async throws {
        try await withHarness(seed: TeamtailorSeed(seed: 5, users: 20, jobs: 300, candidates: 20_000, applications: 60_000)) { h in
            let counts = await h.state.recordCounts(company: Harness.company)
            #expect(counts[.candidates] == 20_000)
            #expect(counts[.jobApplications] == 60_000)
            let reply = try await h.raw(.GET, "/v1/job-applications?page%5Bsize%5D=30&page%5Bnumber%5D=2000", headers: Harness.apiHeaders())
            guard case .array(let data)? = reply.json?["data"] else { Issue.record("no data"); return }
            #expect(data.map { $0["id"]?.stringValue } == (59_971...60_000).map { String($0) })
            #expect(reply.json?["links"]?["next"] == nil)
        }
    }

    @Test("the inspection API seeds a company, counts it, shows a candidate with its notes, and logs calls without keys")
    func inspectionOverHTTP() async throws {
        try await withHarness(seed: nil) { h in
            let seeded = try await h.raw(
                .POST, "/_simulator/companies/77/seed", body: #"{"apiKey":"key-77","seed":9,"jobs":3,"candidates":12,"applications":20,"notes":30}"#)
            #expect(seeded.status == 201)
            #expect(seeded.json?["counts"]?["candidates"] == .number(12))
            let counts = try await h.raw(.GET, "/_simulator/counts?companyId=77")
            #expect(counts.json?["counts"]?["77"]?["notes"] == .number(30))
            let notes = await h.state.records(.notes, company: "77")
            let candidate = try #require(notes.first?.link("candidate")?.id)
            let detail = try await h.raw(.GET, "/_simulator/companies/77/candidates/\(candidate)")
            guard case .array(let shown)? = detail.json?["notes"] else { Issue.record("no notes"); return }
            #expect(shown.count == notes.filter { $0.link("candidate")?.id == candidate }.count)

            #expect(try await h.raw(.GET, "/v1/jobs", headers: Harness.apiHeaders(key: "key-77")).status == 200)
            let log = try await h.raw(.GET, "/_simulator/requests")
            #expect(log.json?["requests"]?[0]?["companyId"] == .string("77"))
            #expect(log.json?["requests"]?[0]?["status"] == .number(200))
            let text = log.json.map(\.canonicalText) ?? ""
            #expect(!text.contains("key-77"))

            let badSeed = try await h.raw(.POST, "/_simulator/companies/78/seed", body: #"{"jobs":"many"}"#)
            #expect(badSeed.status == 400)
            let unknown = try await h.raw(.POST, "/_simulator/companies/79/seed", body: "{}")
            #expect(unknown.status == 404)
            let faults = try await h.raw(.PUT, "/_simulator/faults", body: #"{"serverErrorRate":2}"#)
            #expect(faults.status == 400)
        }
    }
}
