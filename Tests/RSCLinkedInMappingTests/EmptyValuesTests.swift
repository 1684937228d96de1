import Foundation
import RSCChangeEvents
import RSCLinkedInMapping
import Testing

/// Realistic empty values: every optional member of the entity state, as `null` and as absent, reaches LinkedIn
/// with what there is, never as a JSON `null` and never without a field LinkedIn requires.
@Suite("empty values in the entity state")
struct EmptyValuesTests {
    /// Every record the fixture company plans, by the entity it mostly reads.
    static let keys: [LinkedInRecordKey] = [
        LinkedInRecordKey(.jobPosting, "j-7"), LinkedInRecordKey(.candidate, "c-90211"), LinkedInRecordKey(.application, "a-555"),
        LinkedInRecordKey(.applicationStage, "s-1", parent: "a-555"), LinkedInRecordKey(.applicationStage, "s-2", parent: "a-555"),
        LinkedInRecordKey(.applicationStage, LinkedInRecordKey.rejectedStageID, parent: "a-555"),
        LinkedInRecordKey(.interviewFeedback, "i-3", parent: "a-555"), LinkedInRecordKey(.applicationNote, "m-1", parent: "a-555"),
        LinkedInRecordKey(.candidateNote, "m-2", parent: "c-90211"),
    ]

    /// The optional attributes of each entity in the change-event contract, with the nested members of the
    /// objects among them (person, location, scores).
    static let optionalMembers: [(entity: TeamtailorEntity, attributes: [String], nested: [String: [String]])] = [
        (Fixtures.job, ["title", "body", "status", "internal", "remote-status", "apply-url", "created-at", "updated-at", "location", "recruiter"],
         ["location": ["city", "region", "country-code", "postal-code"], "recruiter": ["email", "first-name", "last-name"]]),
        (Fixtures.candidate, ["first-name", "last-name", "email", "phone", "linkedin-url", "linkedin-uid", "sourced", "unsubscribed", "tags", "created-at", "updated-at"], [:]),
        (Fixtures.application, ["created-at", "updated-at", "changed-stage-at", "rejected-at", "reject-reason", "sourced", "referring-site"], [:]),
        (Fixtures.stagePhone, ["name", "stage-type", "row-order"], [:]),
        (Fixtures.interview, ["created-at", "updated-at", "note", "scores", "recommendation", "interviewer"],
         ["interviewer": ["email", "first-name", "last-name"]]),
        (Fixtures.publicComment, ["body", "private", "created-at", "updated-at", "author"], ["author": ["email", "first-name", "last-name"]]),
    ]

    enum Emptiness: CaseIterable {
        case null, absent, blank
    }

    static func emptied(_ entity: TeamtailorEntity, _ attribute: String, _ how: Emptiness) -> TeamtailorEntity {
        var entity = entity
        switch how {
        case .null: entity.attributes[attribute] = .null
        case .absent: entity.attributes[attribute] = nil
        case .blank: if case .string? = entity.attributes[attribute] { entity.attributes[attribute] = .string(" ") }
        }
        return entity
    }

    static func emptied(_ entity: TeamtailorEntity, _ attribute: String, member: String, _ how: Emptiness) -> TeamtailorEntity {
        var entity = entity
        guard case .object(var object) = entity.attributes[attribute] else { return entity }
        switch how {
        case .null: object[member] = .null
        case .absent: object[member] = nil
        case .blank: object[member] = .string("")
        }
        entity.attributes[attribute] = .object(object)
        return entity
    }

    /// Where a JSON null sits in a value, if anywhere.
    static func nullPath(_ value: JSONValue, _ path: String = "") -> String? {
        switch value {
        case .null: return path.isEmpty ? "/" : path
        case .object(let object):
            return object.keys.sorted().lazy.compactMap { nullPath(object[$0]!, path + "/" + $0) }.first
        case .array(let items):
            return items.indices.lazy.compactMap { nullPath(items[$0], path + "/\($0)") }.first
        default: return nil
        }
    }

    /// LinkedIn's required fields per resource (Learn: required fields; release notes, March 2024).
    static func missingRequired(_ key: LinkedInRecordKey, _ body: JSONValue) -> [String] {
        let required: [String] = switch key.resource {
        case .jobPosting: ["integrationContext", "externalJobPostingId", "title", "description", "state", "listedAt", "companyApplyUrl", "availability"]
        case .candidate: ["addresses", "atsCreatedAt", "atsLastModifiedAt", "firstName", "phoneNumbers", "externalProfileUrl"]
        case .application: ["atsCandidateId", "atsCreatedAt", "atsLastModifiedAt", "atsJobPostingId", "atsJobPostingName", "candidateEmail", "firstName", "dispositionReason"]
        case .applicationStage: ["atsCreatedAt", "stage"]
        case .interviewFeedback: ["atsCreatedAt", "evaluations"]
        case .candidateNote, .applicationNote: ["atsCreatedAt", "note"]
        }
        return required.filter { body[$0] == nil }
    }

    func check(_ lookup: EntityLookup, _ what: String) {
        for key in Self.keys {
            for sent in [false, true] {
                let plan = Fixtures.builder.plan(key, lookup: lookup, previouslySent: sent)
                guard case .upsert(let body) = plan else { continue }
                #expect(Self.nullPath(body) == nil, "\(what): \(key) carries null at \(Self.nullPath(body) ?? "")")
                #expect(Self.missingRequired(key, body).isEmpty, "\(what): \(key) lacks \(Self.missingRequired(key, body))")
            }
        }
    }

    @Test("each optional attribute as null, absent or blank: every record still has LinkedIn's required fields and no null")
    func everyOptionalAttribute() {
        for (entity, attributes, nested) in Self.optionalMembers {
            for attribute in attributes {
                for how in Emptiness.allCases {
                    var lookup = Fixtures.lookup
                    lookup.insert(Self.emptied(entity, attribute, how))
                    check(lookup, "\(entity.type).\(attribute) \(how)")
                }
                for member in nested[attribute] ?? [] {
                    for how in Emptiness.allCases {
                        var lookup = Fixtures.lookup
                        lookup.insert(Self.emptied(entity, attribute, member: member, how))
                        check(lookup, "\(entity.type).\(attribute).\(member) \(how)")
                    }
                }
            }
        }
    }

    @Test("score entries with a null or missing criterion, value or max are left out; the rest are sent")
    func scores() throws {
        var interview = Fixtures.interview
        interview.attributes["scores"] = .array([
            .object(["criterion": .null, "value": .number(4), "max": .number(5)]),
            .object(["criterion": .string("Swift"), "value": .null, "max": .number(5)]),
            .object(["criterion": .string("Teamwork"), "max": .number(5)]),
            .null,
            .object(["criterion": .string("Communication"), "value": .number(3), "max": .number(5)]),
        ])
        var lookup = Fixtures.lookup
        lookup.insert(interview)
        guard case .upsert(let body) = Fixtures.builder.plan(LinkedInRecordKey(.interviewFeedback, "i-3", parent: "a-555"), lookup: lookup, previouslySent: false) else {
            Issue.record("expected an upsert")
            return
        }
        #expect(body["evaluations"] == .array([
            .object(["attribute": .string("Communication"), "result": .string("3/5")]),
            .object(["attribute": .string("Recommendation"), "result": .string("Strong yes")]),
        ]))
    }

    func field(_ key: LinkedInRecordKey, _ lookup: EntityLookup, _ name: String) -> JSONValue? {
        guard case .upsert(let body) = Fixtures.builder.plan(key, lookup: lookup, previouslySent: false) else { return nil }
        return body[name]
    }

    func jobWith(location: [String: JSONValue]) -> EntityLookup {
        var job = Fixtures.job
        job.attributes["location"] = .object(location)
        var lookup = Fixtures.lookup
        lookup.insert(job)
        return lookup
    }

    @Test("a job location sends what it has: city and country, country and postal code, or the city alone")
    func partialLocations() {
        let key = LinkedInRecordKey(.jobPosting, "j-7")
        let noRegion = jobWith(location: ["city": .string("Göteborg"), "region": .null, "country-code": .string("SE")])
        #expect(field(key, noRegion, "location") == .string("Göteborg, SE"))
        #expect(field(key, noRegion, "postalCode") == nil)

        let noCity = jobWith(location: ["city": .string(" "), "country-code": .string("SE"), "postal-code": .string("411 03")])
        #expect(field(key, noCity, "location") == nil)
        #expect(field(key, noCity, "countryCode") == .string("SE"))
        #expect(field(key, noCity, "postalCode") == .string("411 03"))

        let cityOnly = jobWith(location: ["city": .string("Malmö"), "region": .null, "country-code": .null, "postal-code": .null])
        #expect(field(key, cityOnly, "location") == .string("Malmö"))
        #expect(field(key, cityOnly, "countryCode") == nil)

        let empty = jobWith(location: [:])
        #expect(field(key, empty, "location") == nil && field(key, empty, "countryCode") == nil)
    }

    @Test("a candidate without a phone sends phoneNumbers [] and its Teamtailor page as externalProfileUrl")
    func candidateWithoutPhone() {
        var candidate = Fixtures.candidate
        candidate.attributes["phone"] = .null
        candidate.attributes["linkedin-url"] = .string("not a url")
        var lookup = Fixtures.lookup
        lookup.insert(candidate)
        let key = LinkedInRecordKey(.candidate, "c-90211")
        #expect(field(key, lookup, "phoneNumbers") == .array([]))
        #expect(field(key, lookup, "externalProfileUrl") == .string("https://app.teamtailor.com/companies/1842/candidates/c-90211"))
        #expect(field(key, lookup, "linkedInProfileUrl") == nil, "an unusable profile link is left out")
    }

    @Test("the app URL comes from the settings; a job without an apply URL links to its Teamtailor page")
    func appURLAndApplyFallback() {
        let settings = CompanyMappingSettings(
            organizationURN: "urn:li:organization:1842", jobsPrivate: false, companyID: "18 42", teamtailorAppURL: "https://app.eu.example.com/")
        let builder = LinkedInRecordBuilder(settings: settings, now: Fixtures.now)
        var job = Fixtures.job
        job.attributes["apply-url"] = .null
        var lookup = Fixtures.lookup
        lookup.insert(job)
        guard case .upsert(let jobBody) = builder.plan(LinkedInRecordKey(.jobPosting, "j-7"), lookup: lookup, previouslySent: false),
              case .upsert(let candidateBody) = builder.plan(LinkedInRecordKey(.candidate, "c-90211"), lookup: lookup, previouslySent: false)
        else {
            Issue.record("expected upserts")
            return
        }
        #expect(jobBody["companyApplyUrl"] == .string("https://app.eu.example.com/companies/18%2042/jobs/j-7"))
        #expect(candidateBody["externalProfileUrl"] == .string("https://app.eu.example.com/companies/18%2042/candidates/c-90211"))
    }

    @Test("an application whose stage has no name is sent; the nameless stage record is not")
    func stageWithoutName() {
        var stage = Fixtures.stagePhone
        stage.attributes["name"] = .null
        var lookup = Fixtures.lookup
        lookup.insert(stage)
        guard case .upsert = Fixtures.builder.plan(LinkedInRecordKey(.application, "a-555"), lookup: lookup, previouslySent: false) else {
            Issue.record("the application must be sent")
            return
        }
        guard case .skip = Fixtures.builder.plan(LinkedInRecordKey(.applicationStage, "s-2", parent: "a-555"), lookup: lookup, previouslySent: false) else {
            Issue.record("a stage without a name must not be sent")
            return
        }
    }
}
