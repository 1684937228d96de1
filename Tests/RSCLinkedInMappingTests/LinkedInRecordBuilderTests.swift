import Foundation
import RSCChangeEvents
import RSCLinkedInMapping
import Testing

@Suite("mapping Teamtailor state to LinkedIn records")
struct LinkedInRecordBuilderTests {
    func plan(_ key: LinkedInRecordKey, _ lookup: EntityLookup = Fixtures.lookup, sent: Bool = false,
              settings: CompanyMappingSettings = Fixtures.settings) -> RecordPlan {
        LinkedInRecordBuilder(settings: settings, now: Fixtures.now).plan(key, lookup: lookup, previouslySent: sent)
    }

    func field(_ plan: RecordPlan, _ name: String) -> JSONValue? {
        if case .upsert(let body) = plan { return body[name] }
        return nil
    }

    func with(_ entity: TeamtailorEntity, _ change: (inout TeamtailorEntity) -> Void) -> EntityLookup {
        var changed = entity
        change(&changed)
        var lookup = Fixtures.lookup
        lookup.insert(changed)
        return lookup
    }

    @Test("a candidate missing first name, last name or email is not matched, naming what is missing")
    func notMatched() {
        let lookup = with(Fixtures.candidate) { $0.attributes["email"] = .null; $0.attributes["last-name"] = .string("  ") }
        #expect(plan(LinkedInRecordKey(.candidate, "c-90211"), lookup) == .notMatched(missing: ["last name", "email"]))
        // Its application, notes and stages are not sent either (LinkedIn has no candidate to hang them on).
        guard case .skip(let reason) = plan(LinkedInRecordKey(.application, "a-555"), lookup) else {
            Issue.record("expected skip")
            return
        }
        #expect(reason.contains("not matched"))
    }

    @Test("text fields are trimmed of Unicode whitespace at either end, and left alone when there is none")
    func textTrimming() {
        let entity = TeamtailorEntity(type: "candidates", id: "c-1", attributes: [
            "padded": .string("\u{3000} Åsa\n"), "inner": .string("Anna  Maria"), "blank": .string("\u{2003}\t"),
            "empty": .string(""), "trailing": .string("Öberg\u{A0}"), "number": .number(3),
        ])
        #expect(entity.text("padded") == "Åsa")
        #expect(entity.text("inner") == "Anna  Maria")
        #expect(entity.text("trailing") == "Öberg")
        #expect(entity.text("blank") == nil)
        #expect(entity.text("empty") == nil)
        #expect(entity.text("number") == nil)
        #expect(entity.text("missing") == nil)
    }

    @Test("job availability: private when the company says so, or the job is internal or unlisted")
    func availability() {
        let key = LinkedInRecordKey(.jobPosting, "j-7")
        #expect(field(plan(key), "availability") == .string("PUBLIC"))
        let privateCompany = CompanyMappingSettings(organizationURN: "urn:li:organization:1842", jobsPrivate: true, companyID: "1842")
        #expect(field(plan(key, settings: privateCompany), "availability") == .string("PRIVATE_TO_ATS_INTEGRATION"))
        #expect(field(plan(key, with(Fixtures.job) { $0.attributes["internal"] = .bool(true) }), "availability") == .string("PRIVATE_TO_ATS_INTEGRATION"))
        let unlisted = plan(key, with(Fixtures.job) { $0.attributes["status"] = .string("unlisted") })
        #expect(field(unlisted, "availability") == .string("PRIVATE_TO_ATS_INTEGRATION"))
        #expect(field(unlisted, "state") == .string("LISTED"))
    }

    @Test("job state: archived closes; a draft is never sent, but a sent job back in draft or deleted closes")
    func jobState() {
        let key = LinkedInRecordKey(.jobPosting, "j-7")
        #expect(field(plan(key, with(Fixtures.job) { $0.attributes["status"] = .string("archived") }), "state") == .string("CLOSED"))
        let draft = with(Fixtures.job) { $0.attributes["status"] = .string("draft") }
        guard case .skip = plan(key, draft, sent: false) else {
            Issue.record("a draft must not be sent")
            return
        }
        #expect(field(plan(key, draft, sent: true), "state") == .string("CLOSED"))
        #expect(field(plan(key, with(Fixtures.job) { $0.deleted = true }, sent: true), "state") == .string("CLOSED"))
    }

    @Test("LinkedIn's limits: description padded to 100 characters, title cut at 200, listedAt never in the future")
    func jobLimits() throws {
        let key = LinkedInRecordKey(.jobPosting, "j-7")
        let short = plan(key, with(Fixtures.job) {
            $0.attributes["body"] = .string("<p>Short.</p>")
            $0.attributes["title"] = .string(String(repeating: "T", count: 250))
            $0.attributes["created-at"] = .string("2027-01-01T00:00:00Z")
        })
        let description = try #require(field(short, "description")?.stringValue)
        #expect(description.count >= 100 && description.hasPrefix("<p>Short.</p>"))
        #expect(field(short, "title")?.stringValue?.count == 200)
        #expect(field(short, "listedAt") == .number(Double(Int64(Fixtures.now.timeIntervalSince1970 * 1_000))))
    }

    @Test("an application that arrives before its candidate or job waits for them")
    func outOfOrder() {
        var lookup = Fixtures.lookup
        lookup.entities["candidates"] = [:]
        #expect(plan(LinkedInRecordKey(.application, "a-555"), lookup) == .waiting(kind: "candidate", id: "c-90211"))
        lookup = Fixtures.lookup
        lookup.entities["jobs"] = [:]
        #expect(plan(LinkedInRecordKey(.application, "a-555"), lookup) == .waiting(kind: "job", id: "j-7"))
        lookup = Fixtures.lookup
        lookup.entities["stages"] = [:]
        #expect(plan(LinkedInRecordKey(.applicationStage, "s-2", parent: "a-555"), lookup) == .waiting(kind: "stage", id: "s-2"))
    }

    @Test("private comments are never sent, and one made private after it was sent is deleted")
    func privateComments() {
        let key = LinkedInRecordKey(.applicationNote, "m-3", parent: "a-555")
        guard case .skip = plan(key) else {
            Issue.record("a private comment must not be sent")
            return
        }
        #expect(plan(key, sent: true) == .delete)
    }

    @Test("destroyed records that LinkedIn holds are deleted; never-sent ones are skipped")
    func destroy() {
        let gone = with(Fixtures.candidate) { $0.deleted = true }
        #expect(plan(LinkedInRecordKey(.candidate, "c-90211"), gone, sent: true) == .delete)
        guard case .skip = plan(LinkedInRecordKey(.candidate, "c-90211"), gone, sent: false) else {
            Issue.record("expected skip")
            return
        }
        let interviewGone = with(Fixtures.interview) { $0.deleted = true }
        #expect(plan(LinkedInRecordKey(.interviewFeedback, "i-3", parent: "a-555"), interviewGone, sent: true) == .delete)
    }

    @Test("a withdrawn rejection clears dispositionReason with \"\" (never null) and removes the Rejected stage")
    func unreject() {
        let lookup = with(Fixtures.application) { $0.attributes["rejected-at"] = .null }
        #expect(field(plan(LinkedInRecordKey(.application, "a-555"), lookup), "dispositionReason") == .string(""))
        #expect(plan(LinkedInRecordKey(.applicationStage, "rejected", parent: "a-555"), lookup, sent: true) == .delete)
    }

    @Test("a renamed stage gives its stage records the new name")
    func renamedStage() {
        let lookup = with(Fixtures.stagePhone) { $0.attributes["name"] = .string("Technical interview") }
        #expect(field(plan(LinkedInRecordKey(.applicationStage, "s-2", parent: "a-555"), lookup), "stage") == .string("Technical interview"))
    }

    @Test("an unsubscribed candidate is doNotContact")
    func doNotContact() {
        let lookup = with(Fixtures.candidate) { $0.attributes["unsubscribed"] = .bool(true) }
        #expect(field(plan(LinkedInRecordKey(.candidate, "c-90211"), lookup), "doNotContact") == .bool(true))
    }

    @Test("the same state always maps to the same bytes (content hashes depend on it)")
    func deterministic() {
        let first = plan(LinkedInRecordKey(.application, "a-555")), second = plan(LinkedInRecordKey(.application, "a-555"))
        guard case .upsert(let a) = first, case .upsert(let b) = second else {
            Issue.record("expected upserts")
            return
        }
        #expect(a.canonicalText == b.canonicalText)
    }

    @Test("a member linked by an export stays linked: the full record carries manualMatchedMember")
    func manualMember() {
        var lookup = Fixtures.lookup
        #expect(field(plan(LinkedInRecordKey(.candidate, "c-90211"), lookup), "manualMatchedMember") == nil)
        lookup.manualMembers["c-90211"] = "urn:li:person:exported"
        #expect(field(plan(LinkedInRecordKey(.candidate, "c-90211"), lookup), "manualMatchedMember") == .string("urn:li:person:exported"))
    }
}
