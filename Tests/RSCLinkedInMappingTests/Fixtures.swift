import Foundation
import RSCChangeEvents
import RSCLinkedInMapping

/// A small Teamtailor company: one open job, a candidate, an application that moved stages and was
/// rejected, an interview, a public and a private comment.
enum Fixtures {
    static let settings = CompanyMappingSettings(organizationURN: "urn:li:organization:1842", jobsPrivate: false, companyID: "1842")
    static let now = RFC3339.parse("2026-11-27T12:00:00Z")!

    static func link(_ type: String, _ id: String) -> JSONValue { .object(["data": .object(["type": .string(type), "id": .string(id)])]) }

    static let job = TeamtailorEntity(type: "jobs", id: "j-7", attributes: [
        "title": .string("Backend Engineer (Swift)"),
        "body": .string("<p>We build the integration between Teamtailor and LinkedIn. You will own a fleet of Swift workers on Kubernetes.</p>"),
        "status": .string("open"), "internal": .bool(false), "remote-status": .string("hybrid"),
        "apply-url": .string("https://careers.example.com/jobs/7"),
        "created-at": .string("2026-10-01T08:00:00Z"), "updated-at": .string("2026-11-20T08:00:00Z"),
        "location": .object(["city": .string("Stockholm"), "region": .null, "country-code": .string("SE"), "postal-code": .string("111 22")]),
        "recruiter": .object(["email": .string("rekryterare@example.com"), "first-name": .string("Sara"), "last-name": .string("Öberg")]),
    ])

    static let candidate = TeamtailorEntity(type: "candidates", id: "c-90211", attributes: [
        "first-name": .string("Åsa"), "last-name": .string("Lindqvist"), "email": .string("asa@example.com"),
        "phone": .string("+46 70 123 45 67"), "linkedin-url": .string("https://www.linkedin.com/in/asa-lindqvist"),
        "sourced": .bool(false), "unsubscribed": .bool(false),
        "created-at": .string("2026-10-02T09:30:00.250Z"), "updated-at": .string("2026-11-21T10:00:00Z"),
    ])

    static let stageInbox = TeamtailorEntity(type: "stages", id: "s-1", attributes: ["name": .string("Inbox"), "stage-type": .string("Inbox")], relationships: ["job": link("jobs", "j-7")])
    static let stagePhone = TeamtailorEntity(type: "stages", id: "s-2", attributes: ["name": .string("Phone screen"), "stage-type": .string("In process")], relationships: ["job": link("jobs", "j-7")])

    static let application = TeamtailorEntity(type: "job-applications", id: "a-555", attributes: [
        "created-at": .string("2026-10-03T07:00:00Z"), "updated-at": .string("2026-11-22T07:00:00Z"),
        "changed-stage-at": .string("2026-10-10T07:00:00Z"), "rejected-at": .string("2026-11-22T07:00:00Z"),
        "reject-reason": .string("Position filled"), "sourced": .bool(false), "referring-site": .string("LinkedIn"),
    ], relationships: ["candidate": link("candidates", "c-90211"), "job": link("jobs", "j-7"), "stage": link("stages", "s-2")])

    static let interview = TeamtailorEntity(type: "interviews", id: "i-3", attributes: [
        "created-at": .string("2026-10-12T13:00:00Z"), "note": .string("Clear thinker; strong on concurrency."),
        "scores": .array([
            .object(["criterion": .string("Communication"), "value": .number(4), "max": .number(5)]),
            .object(["criterion": .string("Swift"), "value": .number(5), "max": .number(5)]),
        ]),
        "recommendation": .string("strong_yes"),
        "interviewer": .object(["email": .string("lead@example.com"), "first-name": .string("Jonas"), "last-name": .string("Berg")]),
    ], relationships: ["candidate": link("candidates", "c-90211"), "job-application": link("job-applications", "a-555")])

    static let publicComment = TeamtailorEntity(type: "comments", id: "m-1", attributes: [
        "body": .string("Met at the Swift meetup — great fit."), "private": .bool(false), "created-at": .string("2026-10-05T10:00:00Z"),
        "author": .object(["email": .string("sara@example.com"), "first-name": .string("Sara"), "last-name": .string("Öberg")]),
    ], relationships: ["candidate": link("candidates", "c-90211"), "job-application": link("job-applications", "a-555")])

    static let candidateComment = TeamtailorEntity(type: "comments", id: "m-2", attributes: [
        "body": .string("Open to relocation."), "private": .bool(false), "created-at": .string("2026-10-06T10:00:00Z"),
    ], relationships: ["candidate": link("candidates", "c-90211"), "job-application": .object(["data": .null])])

    static let privateComment = TeamtailorEntity(type: "comments", id: "m-3", attributes: [
        "body": .string("Salary expectation 70k."), "private": .bool(true), "created-at": .string("2026-10-07T10:00:00Z"),
    ], relationships: ["candidate": link("candidates", "c-90211"), "job-application": link("job-applications", "a-555")])

    static var lookup: EntityLookup {
        EntityLookup(
            entities: [job, candidate, stageInbox, stagePhone, application, interview, publicComment, candidateComment, privateComment],
            stageEntries: ["a-555": [
                StageEntry(stageID: "s-1", enteredAt: 1_791_010_800_000),
                StageEntry(stageID: "s-2", enteredAt: 1_791_615_600_000),
            ]]
        )
    }

    static var builder: LinkedInRecordBuilder { LinkedInRecordBuilder(settings: settings, now: now) }
}
