import Foundation
import RSCChangeEvents
import RSCFirstSync
import RSCTeamtailorClient
import Testing

/// The history mapping against answers written from Teamtailor's published examples (each fixture names its
/// source; ids and values as published, only the linkage that `include` adds is filled in where the example
/// shows links only).
@Suite("history mapping: Teamtailor's published shapes → the contract's entity state")
struct HistoryMappingTests {
    static func event(_ resource: TeamtailorResource, _ document: String, users: [String: HistoryMapping.Author] = [:]) throws -> ChangeEvent {
        let page = try TeamtailorPage(document: try JSONValue.parse(Array(document.utf8)))
        let record = try #require(page.records.first)
        return try #require(HistoryMapping.event(companyID: "1842", resource: resource, record: record, page: page, users: users))
    }

    /// Teamtailor/docs `jobs/_index` (the job object, its `links`), with `include=user,locations`: the included
    /// user from teamtailor-rb `spec/fixtures/v1/job_included_user.json`, the location from Teamtailor/docs
    /// `locations/_index`. `updated-at` as Airbyte's `jobs` stream lists it.
    static let job = #"""
    {"data": {"id": "7199", "type": "jobs",
      "links": {"careersite-job-url": "http://career.teamtailor.com/jobs/7199-new-title",
                "careersite-job-apply-url": "https://career.teamtailor.com/jobs/7199-new-title/applications/new",
                "self": "https://api.teamtailor.com/v1/jobs/7199"},
      "attributes": {"apply-button-text": "Join us!", "body": "<p>Job body HTML goes here.</p>", "end-date": "2016-11-25T00:00:00.000+01:00",
        "human-status": "scheduled", "internal": false, "picture": null, "pinned": false, "start-date": "2016-11-17T00:00:00.000+01:00",
        "status": "open", "title": "Marketing Manager", "pitch": "Become part of something great!", "tags": ["JavaScript", "Ruby"],
        "remote-status": "none", "created-at": "2016-11-17T00:00:00.000+01:00", "updated-at": "2016-11-18T10:30:00.000+01:00"},
      "relationships": {
        "locations": {"links": {"self": "https://api.teamtailor.com/v1/jobs/7199/relationships/locations", "related": "https://api.teamtailor.com/v1/jobs/7199/locations"},
                      "data": [{"type": "locations", "id": "667"}]},
        "user": {"links": {"self": "https://api.teamtailor.com/v1/jobs/7199/relationships/user", "related": "https://api.teamtailor.com/v1/jobs/7199/user"},
                 "data": {"type": "users", "id": "34"}},
        "department": {"links": {"self": "https://api.teamtailor.com/v1/jobs/7199/relationships/department", "related": "https://api.teamtailor.com/v1/jobs/7199/department"}}}},
     "included": [
      {"id": "34", "type": "users", "attributes": {"name": "Jonas Brusman", "email": "jonas@example.com", "title": "Developer"}},
      {"id": "667", "type": "locations", "attributes": {"address": "Tegnérgatan 34", "city": "Stockholm", "country": "Sweden",
        "email": "support@example.com", "headquarters": true, "lat": "59.33855810000001", "long": "18.0557594", "name": "", "phone": "", "zip": "113 59"}}]}
    """#

    @Test("a job: apply URL from links, location from its included location, recruiter from its included user, times in UTC")
    func jobMapping() throws {
        let event = try Self.event(.jobs, Self.job)
        #expect(event.event == "job.update")
        #expect(event.data.type == "jobs" && event.data.id == "7199")
        let a = event.data.attributes
        #expect(a["apply-url"] == .string("https://career.teamtailor.com/jobs/7199-new-title/applications/new"))
        // A Teamtailor location has no region: left out (the contract's members may be absent, never null).
        #expect(a["location"] == .object(["city": .string("Stockholm"), "country-code": .string("SE"), "postal-code": .string("113 59")]))
        #expect(a["recruiter"] == .object([
            "email": .string("jonas@example.com"), "first-name": .string("Jonas"), "last-name": .string("Brusman"),
        ]))
        #expect(a["title"] == .string("Marketing Manager"))
        #expect(a["status"] == .string("open"))
        #expect(a["created-at"] == .string("2016-11-16T23:00:00.000Z"))
        #expect(event.version == 1_479_461_400_000_000)
        for unpublished in ["human-status", "pinned", "tags", "pitch"] { #expect(a[unpublished] == nil) }
    }

    /// teamtailor-rb `spec/fixtures/v1/job_application_included_candidate_job.json` (trimmed: the included records'
    /// attributes the mapping does not read are left out): `include=candidate,job`, so `stage` and
    /// `reject-reason` carry links only.
    static let applicationCandidateJob = #"""
    {"data": {"id": "634", "type": "job-applications", "links": {"self": "http://api.teamtailor.localhost/v1/job-applications/634"},
      "attributes": {"cover-letter": null, "created-at": "2020-03-31T15:46:24.154+02:00", "referring-site": null, "referring-url": null,
        "rejected-at": null, "sourced": true, "updated-at": "2020-03-31T15:46:24.154+02:00", "changed-stage-at": "2020-03-31T15:46:24.138+02:00"},
      "relationships": {
        "candidate": {"links": {"self": "http://api.teamtailor.localhost/v1/job-applications/634/relationships/candidate",
                                "related": "http://api.teamtailor.localhost/v1/job-applications/634/candidate"}, "data": {"type": "candidates", "id": "410"}},
        "job": {"links": {"self": "http://api.teamtailor.localhost/v1/job-applications/634/relationships/job",
                          "related": "http://api.teamtailor.localhost/v1/job-applications/634/job"}, "data": {"type": "jobs", "id": "26"}},
        "stage": {"links": {"self": "http://api.teamtailor.localhost/v1/job-applications/634/relationships/stage",
                            "related": "http://api.teamtailor.localhost/v1/job-applications/634/stage"}},
        "reject-reason": {"links": {"self": "http://api.teamtailor.localhost/v1/job-applications/634/relationships/reject-reason",
                                    "related": "http://api.teamtailor.localhost/v1/job-applications/634/reject-reason"}}}},
     "included": [
      {"id": "410", "type": "candidates", "attributes": {"email": "jowen@teamtailor.localhost", "first-name": "Jonas", "last-name": "Wennergren"}},
      {"id": "26", "type": "jobs", "attributes": {"title": "Ruby on Rails developer", "status": "open"}}]}
    """#

    @Test("an application: linkage only from what was included; a relationship given as links alone is left out, not guessed")
    func applicationLinkage() throws {
        let event = try Self.event(.jobApplications, Self.applicationCandidateJob)
        #expect(event.data.relationships["candidate"] == .object(["data": .object(["type": .string("candidates"), "id": .string("410")])]))
        #expect(event.data.relationships["job"] == .object(["data": .object(["type": .string("jobs"), "id": .string("26")])]))
        #expect(event.data.relationships["stage"] == nil)
        #expect(event.data.attributes["reject-reason"] == .null)
        #expect(event.data.attributes["changed-stage-at"] == .string("2020-03-31T13:46:24.138Z"))
        #expect(event.data.attributes["sourced"] == .bool(true))
    }

    /// Teamtailor/docs `job_applications/_list` (the second, rejected application) with `include=stage,reject-reason`,
    /// the stage from Teamtailor/docs `stages/_list`, the reason from Teamtailor/docs `reject_reasons/_index`.
    static let rejectedApplication = #"""
    {"data": [{"id": "1338", "type": "job-applications",
      "attributes": {"created-at": "2015-04-21T10:34:35.109+02:00", "cover-letter": "", "updated-at": "2016-06-27T12:28:37.808+02:00",
        "rejected-at": "2015-09-09T11:26:34.025+02:00", "referring-url": "http://se.indeed.com/visajobb?jk=abc123",
        "referring-site": "Indeed Sweden", "sourced": false, "changed-stage-at": "2017-01-11T11:29:48.841+01:00"},
      "relationships": {"stage": {"data": {"type": "stages", "id": "22508"}}, "reject-reason": {"data": {"type": "reject-reasons", "id": "1"}},
        "candidate": {"links": {"related": "https://api.teamtailor.com/v1/job-applications/1338/candidate"}}}}],
     "included": [
      {"id": "22508", "type": "stages", "attributes": {"name": "Reviewing", "stage-type": "In process"}},
      {"id": "1", "type": "reject-reasons", "attributes": {"reason": "Not a fit", "rejected-by-company": true}}],
     "meta": {"record-count": 100, "page-count": 10}}
    """#

    @Test("a rejected application: the reject reason's text from its included record, the stage linkage, times in UTC")
    func rejectedApplicationMapping() throws {
        let event = try Self.event(.jobApplications, Self.rejectedApplication)
        #expect(event.data.attributes["reject-reason"] == .string("Not a fit"))
        #expect(event.data.attributes["rejected-at"] == .string("2015-09-09T09:26:34.025Z"))
        #expect(event.data.attributes["referring-site"] == .string("Indeed Sweden"))
        #expect(event.data.relationships["stage"]?["data"]?["id"] == .string("22508"))
        #expect(event.data.relationships["candidate"] == nil, "links only: not included")
    }

    /// Airbyte `source-teamtailor/manifest.yaml`, `stages` stream: `legacy-stage-type-name` and a `stage-type`
    /// relationship; values from Teamtailor/docs `stages/_index`.
    static let currentStage = #"""
    {"data": {"id": "22505", "type": "stages",
      "attributes": {"created-at": "2015-11-05T20:12:27.984+01:00", "updated-at": "2015-11-06T10:02:57.452+01:00", "name": "Inbox",
        "legacy-stage-type-name": "Inbox", "row-order": -4194303, "active-job-applications-count": 7, "rejected-job-applications-count": 2},
      "relationships": {"job": {"data": {"type": "jobs", "id": "1426"}},
        "stage-type": {"links": {"related": "https://api.teamtailor.com/v1/stages/22505/stage-type"}}}}}
    """#

    /// Teamtailor/docs `stages/_index`: the older shape, `stage-type` as text.
    static let olderStage = #"""
    {"data": {"id": "22508", "type": "stages",
      "attributes": {"created-at": "2015-11-05T20:12:28.038+01:00", "updated-at": "2015-11-06T10:02:57.492+01:00", "name": "Reviewing",
        "stage-type": "In process", "row-order": 4194304}}}
    """#

    @Test("a stage: its type from legacy-stage-type-name (current) or the older stage-type text; the job from its linkage")
    func stageMapping() throws {
        let current = try Self.event(.stages, Self.currentStage)
        #expect(current.data.attributes["stage-type"] == .string("Inbox"))
        #expect(current.data.attributes["row-order"] == .number(-4_194_303))
        #expect(current.data.relationships["job"]?["data"]?["id"] == .string("1426"))
        #expect(current.data.relationships["stage-type"] == nil)
        let older = try Self.event(.stages, Self.olderStage)
        #expect(older.data.attributes["stage-type"] == .string("In process"))
        #expect(older.data.relationships["job"] == nil)
    }

    /// Teamtailor/docs `notes/_index`: `note`, `user-id` and `candidate-id` (numbers), `private-note`.
    static let note = #"""
    {"data": {"id": "1", "type": "notes",
      "attributes": {"note": "Example note", "user-id": 2, "candidate-id": 4, "created-by-trigger": false, "mentioned-user-ids": [],
        "private-note": false, "created-at": "2020-07-16T11:31:22.389+02:00", "updated-at": "2020-07-16T11:32:25.200+02:00"}}}
    """#

    @Test("a note: a comment with body, privacy, author from its user, candidate from candidate-id, and no application")
    func noteMapping() throws {
        let event = try Self.event(.notes, Self.note, users: ["2": .init(email: "erik@example.com", name: "Erik Andersson")])
        #expect(event.event == "comment.update")
        #expect(event.data.type == "comments")
        #expect(event.data.attributes["body"] == .string("Example note"))
        #expect(event.data.attributes["private"] == .bool(false))
        #expect(event.data.attributes["author"] == .object([
            "email": .string("erik@example.com"), "first-name": .string("Erik"), "last-name": .string("Andersson"),
        ]))
        #expect(event.data.relationships["candidate"]?["data"]?["id"] == .string("4"))
        #expect(event.data.relationships["job-application"] == .object(["data": .null]))
        #expect(Set(event.data.attributes.keys) == ["body", "private", "author", "created-at", "updated-at"])
    }

    /// Teamtailor/docs `candidates/_index` (the candidate object).
    static let candidate = #"""
    {"data": {"id": "1337", "type": "candidates",
      "attributes": {"connected": true, "created-at": "2017-01-18T21:04:56.178+01:00", "email": "john.doe@example.com", "facebook-id": null,
        "first-name": "John", "internal": false, "last-name": "Doe", "linkedin-uid": null, "linkedin-url": null, "phone": "0700000000",
        "picture": "https://image.jpg", "pitch": "I like turtles", "referring-site": "Facebook", "referring-url": "http://facebook.com/page",
        "referred": false, "resume": "https://s3.amazonaws.com/resume.pdf", "sourced": false, "unsubscribed": false,
        "updated-at": "2017-01-18T21:20:16.646+01:00", "facebook-profile": null, "linkedin-profile": null, "tags": []}}}
    """#

    @Test("a candidate: the contract's attributes only, timestamps in UTC, version from updated-at")
    func candidateMapping() throws {
        let event = try Self.event(.candidates, Self.candidate)
        #expect(event.data.attributes["email"] == .string("john.doe@example.com"))
        #expect(event.data.attributes["updated-at"] == .string("2017-01-18T20:20:16.646Z"))
        #expect(event.version == 1_484_770_816_646_000)
        #expect(Set(event.data.attributes.keys) == [
            "first-name", "last-name", "email", "phone", "linkedin-url", "linkedin-uid", "sourced", "unsubscribed", "tags",
            "created-at", "updated-at",
        ])
    }
}
