import Foundation
import RSCChangeEvents
import RSCTeamtailorClient
import RSCTeamtailorSimulator
import Testing

@Suite("Change events")
struct ChangeEventTests {
    /// The contract's wire form of an event, as a producer would send it.
    static func wire(_ event: ChangeEvent) -> [UInt8] {
        var data: [String: JSONValue] = ["id": .string(event.data.id), "type": .string(event.data.type)]
        if !event.isDestroy {
            data["attributes"] = .object(event.data.attributes)
            data["relationships"] = .object(event.data.relationships)
        }
        let envelope: JSONValue = .object([
            "event_id": .string(event.eventID), "event": .string(event.event), "company_id": .string(event.companyID),
            "occurred_at": .string(RFC3339.format(event.occurredAt)), "version": .number(Double(event.version)),
            "data": .object(data),
        ])
        return Array(envelope.canonicalText.utf8)
    }

    @Test("an event's version is never below its record's updated-at as the API shows it, so a read of it is never newer")
    func versionCoversTheAPIStamp() async throws {
        try await withHarness { h in
            // 0.6 ms past the millisecond: the API rounds updated-at up to the next one.
            h.clock.set(Date(timeIntervalSince1970: 1_796_000_000.1236))
            let candidate = try await h.client.createCandidate(
                TeamtailorNewCandidate(firstName: "Åsa", lastName: "Lindqvist", email: "asa@example.com"), credentials: Harness.key)
            let read = try #require(try await h.client.candidate(id: candidate.id, credentials: Harness.key))
            let stamp = try #require(read.attributes["updated-at"]?.stringValue.flatMap(RFC3339.parse))
            let event = try #require(h.events.all.last)
            #expect(event.version >= Int64((stamp.timeIntervalSince1970 * 1_000_000).rounded()), "\(event.version) vs \(stamp)")
        }
    }

    @Test("API and Swift changes publish contract events: valid against the schema, versions strictly increasing")
    func eventsFollowTheContract() async throws {
        try await withHarness { h in
            let schemas = try #require(ChangeEventSchema.locateSchemasDirectory())
            let schema = try ChangeEventSchema(schemasDirectory: schemas)

            let candidate = try await h.client.createCandidate(
                TeamtailorNewCandidate(firstName: "Åsa", lastName: "Lindqvist", email: "asa@example.com"), credentials: Harness.key)
            _ = try await h.client.updateCandidate(id: candidate.id, attributes: ["phone": .string("+46 1")], credentials: Harness.key)
            let application = try await h.client.createJobApplication(candidateID: candidate.id, jobID: "2", credentials: Harness.key)
            let applicationID = Int(application.id)!
            let stages = await h.state.records(.stages, company: Harness.company).filter { $0.link("job")?.id == 2 }
            try await h.simulator.moveApplication(company: Harness.company, id: applicationID, toStage: stages[2].id)
            try await h.simulator.rejectApplication(company: Harness.company, id: applicationID, reason: "Position filled")
            try await h.simulator.updateJob(company: Harness.company, id: 2, attributes: ["status": .string("archived")])
            try await h.simulator.renameStage(company: Harness.company, id: stages[1].id, to: "Phone screen")
            _ = try await h.simulator.addComment(company: Harness.company, candidate: Int(candidate.id)!, user: 1, text: "Great call", isPrivate: true)
            try await h.simulator.deleteCandidate(company: Harness.company, id: Int(candidate.id)!)

            let events = h.events.all
            #expect(events.map(\.event) == [
                "candidate.create", "candidate.update", "job_application.create", "job_application.update",
                "job_application.update", "job.update", "stage.update", "comment.create", "candidate.destroy",
            ])
            for event in events {
                #expect(schema.validate(Self.wire(event)).isEmpty, "\(event.event)")
                #expect(event.companyID == Harness.company)
            }
            let versions = events.map(\.version)
            #expect(zip(versions, versions.dropFirst()).allSatisfy { $0 < $1 })
            #expect(Set(events.map(\.eventID)).count == events.count)

            let update = events[1].data
            #expect(update.attributes["phone"] == .string("+46 1"))
            #expect(update.attributes["first-name"] == .string("Åsa"))
            #expect(Set(update.attributes.keys) == [
                "first-name", "last-name", "email", "phone", "linkedin-url", "linkedin-uid", "sourced", "unsubscribed",
                "tags", "created-at", "updated-at",
            ])
            let moved = events[3].data
            #expect(moved.relationships["stage"]?["data"]?["id"] == .string(String(stages[2].id)))
            #expect(events[4].data.attributes["reject-reason"] == .string("Position filled"))
            #expect(events[5].data.attributes["status"] == .string("archived"))
            #expect(events[6].data.attributes["name"] == .string("Phone screen"))
            let comment = events[7].data
            #expect(Set(comment.attributes.keys) == ["body", "private", "created-at", "updated-at", "author"])
            #expect(comment.attributes["private"] == .bool(true))
            #expect(comment.attributes["author"]?["email"]?.stringValue?.contains("@") == true)
        }
    }

    @Test("the API serves published attributes in its own names, with offsets; events carry the contract's, in UTC")
    func apiIsNotTheContract() async throws {
        try await withHarness { h in
            let job = try await h.raw(.GET, "/v1/jobs/1", headers: Harness.apiHeaders())
            let attributes = try #require(job.json?["data"]?["attributes"])
            for unpublished in ["location", "recruiter", "apply-url"] { #expect(attributes[unpublished] == nil, "\(unpublished)") }
            #expect(job.json?["data"]?["links"]?["careersite-job-apply-url"]?.stringValue?.hasSuffix("/applications/new") == true)
            #expect(attributes["created-at"]?.stringValue?.hasSuffix("+01:00") == true)
            let note = try await h.raw(.GET, "/v1/notes/1", headers: Harness.apiHeaders())
            let noteAttributes = try #require(note.json?["data"]?["attributes"])
            for unpublished in ["body", "private", "author"] { #expect(noteAttributes[unpublished] == nil, "\(unpublished)") }
            #expect(noteAttributes["note"]?.stringValue != nil && noteAttributes["private-note"]?.boolValue != nil)
            let stage = try await h.raw(.GET, "/v1/stages/1", headers: Harness.apiHeaders())
            #expect(stage.json?["data"]?["attributes"]?["legacy-stage-type-name"] == .string("Inbox"))
            #expect(stage.json?["data"]?["relationships"]?["stage-type"]?["links"] != nil)
            let application = try await h.raw(.GET, "/v1/job-applications/1", headers: Harness.apiHeaders())
            #expect(application.json?["data"]?["attributes"]?["reject-reason"] == nil)

            try await h.simulator.updateJob(company: Harness.company, id: 1, attributes: ["title": .string("Renamed")])
            let event = try #require(h.events.all.last)
            #expect(event.data.attributes["created-at"]?.stringValue?.hasSuffix("Z") == true)
            #expect(event.data.attributes["apply-url"]?.stringValue?.hasSuffix("/jobs/1-renamed/applications/new") == true)
            #expect(event.data.attributes["location"]?["country-code"]?.stringValue?.count == 2)
            #expect(event.data.attributes["recruiter"]?["email"]?.stringValue?.contains("@") == true)
        }
    }

    @Test("relationships carry linkage only when included, and the included records come in the compound document")
    func linkageOnlyWhenIncluded() async throws {
        try await withHarness { h in
            let plain = try await h.raw(.GET, "/v1/job-applications", headers: Harness.apiHeaders())
            let first = try #require(plain.json?["data"]?[0])
            for name in ["candidate", "job", "stage", "reject-reason"] {
                #expect(first["relationships"]?[name]?["links"]?["related"] != nil, "\(name)")
                #expect(first["relationships"]?[name]?["data"] == nil, "\(name)")
            }
            #expect(plain.json?["included"] == nil)

            let included = try await h.raw(.GET, "/v1/job-applications?include=candidate%2Cjob", headers: Harness.apiHeaders())
            guard case .array(let data)? = included.json?["data"], case .array(let extra)? = included.json?["included"] else {
                Issue.record("no compound document"); return
            }
            for application in data {
                #expect(application["relationships"]?["stage"]?["data"] == nil)
                let candidate = try #require(application["relationships"]?["candidate"]?["data"]?["id"]?.stringValue)
                let job = try #require(application["relationships"]?["job"]?["data"]?["id"]?.stringValue)
                #expect(extra.contains { $0["type"] == .string("candidates") && $0["id"] == .string(candidate) })
                #expect(extra.contains { $0["type"] == .string("jobs") && $0["id"] == .string(job) })
            }
            let keys = extra.map { "\($0["type"]?.stringValue ?? "")/\($0["id"]?.stringValue ?? "")" }
            #expect(Set(keys).count == keys.count, "each included record once")

            // Sparse fieldsets (JSON:API): an included candidate with only the named field and no relationships.
            let sparse = try await h.raw(
                .GET, "/v1/job-applications?include=candidate&fields%5Bcandidates%5D=created-at", headers: Harness.apiHeaders())
            let candidate = try #require(sparse.json?["included"]?[0])
            guard case .object(let attributes)? = candidate["attributes"] else { Issue.record("no attributes"); return }
            #expect(Set(attributes.keys) == ["created-at"])
            #expect(candidate["relationships"] == nil)
            #expect(sparse.json?["data"]?[0]?["attributes"]?["sourced"] != nil, "the primary records stay whole")

            // The client reads the same from a history page (which includes what the first sync needs).
            let page = try await h.client.historyPage(.jobApplications, after: nil, credentials: Harness.key)
            let record = try #require(page.records.first)
            #expect(record.relatedID("candidate") != nil)
            #expect(page.includedRecord(type: "candidates", id: record.relatedID("candidate")!) != nil)
        }
    }

    @Test("the jobs list shows published, public jobs unless filter[status] and filter[feed] ask for more")
    func jobsListDefaults() async throws {
        try await withHarness(seed: TeamtailorSeed(seed: 21, users: 3, jobs: 60, candidates: 5, applications: 5)) { h in
            let jobs = await h.state.records(.jobs, company: Harness.company)
            let openPublic = jobs.filter { $0.attributes["status"] == .string("open") && $0.attributes["internal"] != .bool(true) }
            #expect(openPublic.count < jobs.count, "the seed has other jobs too")
            func ids(_ query: String) async throws -> Set<String> {
                var found: Set<String> = []
                var number = 1
                while true {
                    let reply = try await h.raw(.GET, "/v1/jobs?page%5Bsize%5D=30&page%5Bnumber%5D=\(number)\(query)", headers: Harness.apiHeaders())
                    guard case .array(let data)? = reply.json?["data"] else { return found }
                    found.formUnion(data.compactMap { $0["id"]?.stringValue })
                    if reply.json?["links"]?["next"] == nil { return found }
                    number += 1
                }
            }
            #expect(try await ids("") == Set(openPublic.map { String($0.id) }))
            #expect(try await ids("&filter%5Bstatus%5D=all&filter%5Bfeed%5D=public%2Cinternal") == Set(jobs.map { String($0.id) }))
            let archived = jobs.filter { $0.attributes["status"] == .string("archived") && $0.attributes["internal"] != .bool(true) }
            #expect(try await ids("&filter%5Bstatus%5D=archived") == Set(archived.map { String($0.id) }))

            // The first sync asks for every status and feed.
            var read: Set<String> = []
            var cursor: HistoryCursor?
            repeat {
                let page = try await h.client.historyPage(.jobs, after: cursor, credentials: Harness.key)
                read.formUnion(page.records.map(\.id))
                cursor = page.history
            } while cursor != nil
            #expect(read == Set(jobs.map { String($0.id) }))
        }
    }
}
