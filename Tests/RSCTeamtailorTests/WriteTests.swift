import Foundation
import RSCChangeEvents
import RSCTeamtailorClient
import RSCTeamtailorSimulator
import Testing

@Suite("Writes: candidates, applications, notes")
struct WriteTests {
    @Test("a taken email is 422 with its pointer; with merge the existing candidate takes the new values")
    func createAndMerge() async throws {
        try await withHarness(seed: nil) { h in
            let first = try await h.client.createCandidate(
                TeamtailorNewCandidate(firstName: "Åsa", lastName: "Lindqvist", email: "asa@example.com"), credentials: Harness.key)
            #expect(first.attributes["sourced"] == .bool(false))

            let taken = await #expect(throws: TeamtailorError.self) {
                _ = try await h.client.createCandidate(TeamtailorNewCandidate(email: "ASA@example.com"), credentials: Harness.key)
            }
            #expect(taken?.status == 422)
            #expect(taken?.verdict == .permanent)
            #expect(taken?.errors.first?.pointer == "/data/attributes/email")
            #expect(taken?.errors.first?.detail == "email - has already been taken")

            let merged = try await h.client.createCandidate(
                TeamtailorNewCandidate(email: "asa@example.com", linkedInURL: "https://www.linkedin.com/in/asa", sourced: true, merge: true),
                credentials: Harness.key)
            #expect(merged.id == first.id)
            // `merge` is write only (Teamtailor/docs candidates): taken, never served.
            #expect(merged.attributes["merge"] == nil)
            #expect(merged.attributes["first-name"] == .string("Åsa"))
            #expect(merged.attributes["linkedin-url"] == .string("https://www.linkedin.com/in/asa"))
            #expect(await h.state.recordCounts(company: Harness.company)[.candidates] == 1)
        }
    }

    @Test("an invalid email is 422; a sourced candidate may lack an email, an applicant may not")
    func emailRules() async throws {
        try await withHarness(seed: nil) { h in
            let invalid = await #expect(throws: TeamtailorError.self) {
                _ = try await h.client.createCandidate(TeamtailorNewCandidate(email: "not-an-email"), credentials: Harness.key)
            }
            #expect(invalid?.errors.first?.detail == "email - is invalid")
            let blank = await #expect(throws: TeamtailorError.self) {
                _ = try await h.client.createCandidate(TeamtailorNewCandidate(firstName: "Zoë"), credentials: Harness.key)
            }
            #expect(blank?.errors.first?.pointer == "/data/attributes/email")
            let sourced = try await h.client.createCandidate(TeamtailorNewCandidate(firstName: "Zoë", sourced: true), credentials: Harness.key)
            #expect(sourced.attributes["email"] == .null)
            #expect(sourced.attributes["sourced"] == .bool(true))
        }
    }

    @Test("PATCH changes only the given attributes and stamps updated-at")
    func patchCandidate() async throws {
        try await withHarness(seed: nil) { h in
            let created = try await h.client.createCandidate(
                TeamtailorNewCandidate(firstName: "Jürgen", lastName: "Müller", email: "j@example.com", phone: "+49 1"),
                credentials: Harness.key)
            h.clock.advance(by: .seconds(90))
            let updated = try await h.client.updateCandidate(
                id: created.id, attributes: ["linkedin-uid": .string("uid-1")], credentials: Harness.key)
            #expect(updated.attributes["linkedin-uid"] == .string("uid-1"))
            #expect(updated.attributes["phone"] == .string("+49 1"))
            #expect(updated.attributes["last-name"] == .string("Müller"))
            #expect(updated.attributes["updated-at"] != created.attributes["updated-at"])
            #expect(updated.attributes["created-at"] == created.attributes["created-at"])
            #expect(try await h.client.candidate(id: created.id, credentials: Harness.key) == updated)
            #expect(try await h.client.candidate(id: "424242", credentials: Harness.key) == nil)
        }
    }

    @Test("a job application enters the job's Inbox; an unknown job is 404 pointing at the relationship")
    func jobApplications() async throws {
        try await withHarness { h in
            let candidate = try await h.client.createCandidate(TeamtailorNewCandidate(email: "new@example.com"), credentials: Harness.key)
            let application = try await h.client.createJobApplication(candidateID: candidate.id, jobID: "1", sourced: true, credentials: Harness.key)
            // The answer links its relationships but gives no linkage: nothing was included.
            #expect(application.relatedID("candidate") == nil)
            #expect(application.relationships["candidate"]?["links"]?["related"]?.stringValue?.hasSuffix("/v1/job-applications/\(application.id)/candidate") == true)
            let stored = try #require(await h.state.record(.jobApplications, id: Int(application.id)!, company: Harness.company))
            #expect(stored.link("candidate")?.id == Int(candidate.id))
            #expect(stored.link("job")?.id == 1)
            let stage = try #require(stored.link("stage")?.id)
            let stageRecord = await h.state.record(.stages, id: stage, company: Harness.company)
            #expect(stageRecord?.attributes["legacy-stage-type-name"] == .string("Inbox"))
            #expect(stageRecord?.link("job")?.id == 1)

            let unknownJob = await #expect(throws: TeamtailorError.self) {
                _ = try await h.client.createJobApplication(candidateID: candidate.id, jobID: "9999", credentials: Harness.key)
            }
            #expect(unknownJob?.status == 404)
            #expect(unknownJob?.errors.first?.pointer == "/data/relationships/job")
            let again = await #expect(throws: TeamtailorError.self) {
                _ = try await h.client.createJobApplication(candidateID: candidate.id, jobID: "1", credentials: Harness.key)
            }
            #expect(again?.status == 422)
        }
    }

    @Test("notes: create credited to a user, patch the text, delete; each publishes a comment event")
    func notes() async throws {
        try await withHarness { h in
            let users = try await h.client.users(credentials: Harness.key)
            let user = try #require(users.first)
            let note = try await h.client.createNote(candidateID: "3", userID: user.id, text: "Spoke on InMail", credentials: Harness.key)
            #expect(note.attributes["note"] == .string("Spoke on InMail"))
            #expect(note.attributes["user-id"] == .number(Double(user.id)!))
            #expect(note.attributes["candidate-id"] == .number(3))
            #expect(note.attributes["private-note"] == .bool(false))
            let patched = try await h.client.updateNote(id: note.id, text: "Spoke on InMail — keen", credentials: Harness.key)
            #expect(patched.attributes["note"] == .string("Spoke on InMail — keen"))
            let detail = await h.state.candidateDetail(id: 3, company: Harness.company)
            #expect(detail?.notes.contains { String($0.id) == note.id && $0.attributes["note"] == .string("Spoke on InMail — keen") } == true)

            try await h.client.deleteNote(id: note.id, credentials: Harness.key)
            #expect(await h.state.record(.notes, id: Int(note.id)!, company: Harness.company) == nil)
            let gone = await #expect(throws: TeamtailorError.self) {
                try await h.client.deleteNote(id: note.id, credentials: Harness.key)
            }
            #expect(gone?.status == 404)
            let unknownUser = await #expect(throws: TeamtailorError.self) {
                _ = try await h.client.createNote(candidateID: "3", userID: "777", text: "x", credentials: Harness.key)
            }
            #expect(unknownUser?.errors.first?.pointer == "/data/relationships/user")

            let comments = h.events.all.filter { $0.data.type == "comments" && $0.data.id == note.id }
            #expect(comments.map(\.event) == ["comment.create", "comment.update", "comment.destroy"])
            #expect(comments[1].data.attributes["body"] == .string("Spoke on InMail — keen"))
            #expect(comments[1].data.attributes["note"] == nil)
            #expect(comments[2].data.attributes.isEmpty)
        }
    }

    @Test("a note as Teamtailor's docs write it (numeric ids, no type) is taken; a private note stays private")
    func notesAsDocumented() async throws {
        try await withHarness { h in
            // Teamtailor/docs notes/_create: {"candidate": {"data": {"id": 4}}, "user": {"data": {"id": 2}}}.
            let body = #"{"data":{"type":"notes","attributes":{"note":"new note for candidate"},"relationships":{"candidate":{"data":{"id":4}},"user":{"data":{"id":2}}}}}"#
            let reply = try await h.raw(.POST, "/v1/notes", headers: Harness.apiHeaders(), body: body)
            #expect(reply.status == 201)
            #expect(reply.json?["data"]?["attributes"]?["candidate-id"] == .number(4))
            #expect(reply.json?["data"]?["attributes"]?["user-id"] == .number(2))
            let secret = try await h.client.createNote(candidateID: "4", userID: "2", text: "InMail", isPrivate: true, credentials: Harness.key)
            #expect(secret.attributes["private-note"] == .bool(true))
            #expect(h.events.all.last?.data.attributes["private"] == .bool(true))
            // The contract's names are not the API's: writing them is refused.
            let contractNames = #"{"data":{"type":"notes","attributes":{"body":"x"},"relationships":{"candidate":{"data":{"id":"4","type":"candidates"}},"user":{"data":{"id":"2","type":"users"}}}}}"#
            #expect(try await h.raw(.POST, "/v1/notes", headers: Harness.apiHeaders(), body: contractNames).status == 400)
        }
    }
}
