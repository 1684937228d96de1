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

    @Test("records served by the API carry the contract's attribute names, so a first sync reads what events carry")
    func apiMatchesContract() async throws {
        try await withHarness { h in
            let expected: [(TeamtailorResource, Set<String>)] = [
                (.jobs, ["title", "body", "status", "internal", "remote-status", "apply-url", "created-at", "updated-at", "location", "recruiter"]),
                (.candidates, ["first-name", "last-name", "email", "phone", "linkedin-url", "linkedin-uid", "sourced", "unsubscribed", "tags", "created-at", "updated-at"]),
                (.jobApplications, ["created-at", "updated-at", "changed-stage-at", "rejected-at", "reject-reason", "sourced", "referring-site"]),
                (.stages, ["name", "stage-type", "row-order"]),
                (.interviews, ["created-at", "updated-at", "note", "scores", "recommendation", "interviewer"]),
                (.notes, ["body", "private", "created-at", "updated-at", "author"]),
            ]
            for (resource, names) in expected {
                let page = try await h.client.page(resource, from: nil, credentials: Harness.key)
                let record = try #require(page.records.first, "\(resource)")
                #expect(names.isSubset(of: Set(record.attributes.keys)), "\(resource): \(record.attributes.keys.sorted())")
            }
            let application = try #require(try await h.client.page(.jobApplications, from: nil, credentials: Harness.key).records.first)
            #expect(application.relatedID("candidate") != nil && application.relatedID("job") != nil && application.relatedID("stage") != nil)
        }
    }
}
