import Foundation
import RSCChangeEvents

/// Maps Teamtailor state to LinkedIn RSC records, by the rules of the change-event contract and
/// LinkedIn's API reference. Pure: the same inputs always give the same record, byte for byte.
///
/// Every optional member of the entity state may be absent or `null`, and every text may be empty; the
/// record then carries what there is. It never carries a JSON `null` (Rest.li refuses one for a typed
/// field): a field without a value is left out, or is `""`/`[]` where LinkedIn requires the field
/// (`dispositionReason` as LinkedIn's collection sends it, `phoneNumbers` and `addresses` "required but can
/// be empty").
public struct LinkedInRecordBuilder: Sendable {
    public var settings: CompanyMappingSettings
    /// Used to keep `listedAt` out of the future, which LinkedIn rejects.
    public var now: Date

    public init(settings: CompanyMappingSettings, now: Date) {
        self.settings = settings
        self.now = now
    }

    /// - Parameter previouslySent: whether LinkedIn holds a version of this record (decides close vs skip).
    public func plan(_ key: LinkedInRecordKey, lookup: EntityLookup, previouslySent: Bool) -> RecordPlan {
        switch key.resource {
        case .jobPosting: jobPosting(key.id, lookup, previouslySent)
        case .candidate: candidate(key.id, lookup, previouslySent)
        case .application: application(key.id, lookup, previouslySent)
        case .applicationStage: stage(key, lookup, previouslySent)
        case .interviewFeedback: interviewFeedback(key, lookup, previouslySent)
        case .candidateNote, .applicationNote: note(key, lookup, previouslySent)
        }
    }

    // MARK: - Jobs

    func jobPosting(_ id: String, _ lookup: EntityLookup, _ previouslySent: Bool) -> RecordPlan {
        guard let job = lookup.entity("jobs", id) else { return .waiting(kind: "job", id: id) }
        let status = job.text("status") ?? "draft"
        // LinkedIn has no job delete: a destroyed or drafted job that was sent is closed.
        let state: String
        switch (job.deleted, status) {
        case (true, _), (_, "draft"), (_, "temp"):
            guard previouslySent else { return .skip(reason: job.deleted ? "job deleted before it was sent" : "draft jobs are not sent") }
            state = "CLOSED"
        case (_, "archived"): state = "CLOSED"
        default: state = "LISTED"
        }
        guard let title = job.text("title") ?? (previouslySent ? "Closed job" : nil) else {
            return .skip(reason: "job has no title")
        }
        let isPrivate = settings.jobsPrivate || job.flag("internal") || status == "unlisted"
        var record: [String: JSONValue] = [
            "integrationContext": .string(settings.organizationURN),
            "externalJobPostingId": .string(id),
            "title": .string(String(title.prefix(200))),
            "description": .string(Self.jobDescription(job.text("body"), title: title)),
            "listedAt": .number(Double(min(job.milliseconds("created-at") ?? Self.milliseconds(now), Self.milliseconds(now)))),
            "state": .string(state),
            "availability": .string(isPrivate ? "PRIVATE_TO_ATS_INTEGRATION" : "PUBLIC"),
        ]
        record.merge(Self.location(job.attributes["location"])) { $1 }
        // Required by LinkedIn; a job Teamtailor gave no (usable) apply URL links to its page in Teamtailor.
        record["companyApplyUrl"] = .string(job.text("apply-url").flatMap(Self.webURL) ?? settings.jobPageURL(id))
        if let recruiter = job.person("recruiter") {
            if let email = recruiter.email { record["requisitionOwnerEmail"] = .string(email) }
            if let first = recruiter.firstName { record["requisitionOwnerFirstName"] = .string(first) }
            if let last = recruiter.lastName { record["requisitionOwnerLastName"] = .string(last) }
        }
        return .upsert(.object(record))
    }

    /// LinkedIn wants 100–25,000 characters; a short Teamtailor body is padded with the title so the
    /// job still reaches Recruiter (where only the title and the export picker matter) instead of failing.
    static func jobDescription(_ body: String?, title: String) -> String {
        var text = body ?? ""
        if text.count < 100 {
            text += (text.isEmpty ? "" : "\n") + "<p>\(title)</p>"
            while text.count < 100 { text += "<p>See the full job description on the careers site.</p>" }
        }
        return String(text.prefix(25_000))
    }

    /// "CITY, STATE" or "CITY, COUNTRY" (LinkedIn's format); else what there is of countryCode, postalCode and
    /// the city. A part that is absent, null or blank is left out; a location with none is no fields at all.
    static func location(_ value: JSONValue?) -> [String: JSONValue] {
        guard case .object(let location) = value else { return [:] }
        let city = nonEmpty(location["city"]), region = nonEmpty(location["region"])
        let country = nonEmpty(location["country-code"]), postal = nonEmpty(location["postal-code"])
        if let city, let second = region ?? country { return ["location": .string("\(city), \(second)")] }
        var fields: [String: JSONValue] = [:]
        if let country { fields["countryCode"] = .string(country) }
        if let postal { fields["postalCode"] = .string(postal) }
        if let city, country == nil || postal == nil { fields["location"] = .string(city) }
        return fields
    }

    // MARK: - Candidates

    func candidate(_ id: String, _ lookup: EntityLookup, _ previouslySent: Bool) -> RecordPlan {
        guard let candidate = lookup.entity("candidates", id) else { return .waiting(kind: "candidate", id: id) }
        if candidate.deleted { return previouslySent ? .delete : .skip(reason: "candidate deleted before it was sent") }
        let missing = Self.missingMatchFields(candidate)
        guard missing.isEmpty, let first = candidate.text("first-name"), let last = candidate.text("last-name"),
              let email = candidate.text("email")
        else { return .notMatched(missing: missing) }
        let created = candidate.milliseconds("created-at") ?? 1
        var record: [String: JSONValue] = [
            // Required but may be empty (release notes, March 2024); Teamtailor's candidate has no address.
            "addresses": .array([]),
            "atsCreatedAt": .number(Double(created)),
            "atsLastModifiedAt": .number(Double(max(candidate.milliseconds("updated-at") ?? created, created))),
            "firstName": .string(first),
            "lastName": .string(last),
            "emailAddresses": .array([.string(email)]),
            "doNotContact": .bool(candidate.flag("unsubscribed")),
            // Required: the candidate's page in Teamtailor.
            "externalProfileUrl": .string(settings.candidatePageURL(id)),
            "phoneNumbers": .array(candidate.text("phone").map { [JSONValue.object(["number": JSONValue.string($0)])] } ?? []),
        ]
        // An unusable profile link would make LinkedIn refuse the whole candidate; matching works without it.
        if let profile = candidate.text("linkedin-url").flatMap(Self.webURL) { record["linkedInProfileUrl"] = .string(profile) }
        if let member = lookup.manualMembers[id] { record["manualMatchedMember"] = .string(member) }
        return .upsert(.object(record))
    }

    /// The help article's rule: no first name, last name or email → "not matched".
    public static func missingMatchFields(_ candidate: TeamtailorEntity) -> [String] {
        [("first-name", "first name"), ("last-name", "last name"), ("email", "email")]
            .filter { candidate.text($0.0) == nil }.map(\.1)
    }

    // MARK: - Applications and what hangs under them

    /// Why an application (and so its stages, notes and feedback) cannot be sent yet, or nil.
    func applicationBlocker(_ application: TeamtailorEntity, _ lookup: EntityLookup) -> RecordPlan? {
        guard let candidateID = application.related("candidate") else { return .skip(reason: "application has no candidate") }
        guard let candidate = lookup.entity("candidates", candidateID) else { return .waiting(kind: "candidate", id: candidateID) }
        if candidate.deleted { return .skip(reason: "candidate deleted") }
        let missing = Self.missingMatchFields(candidate)
        if !missing.isEmpty { return .skip(reason: "candidate not matched (missing \(missing.joined(separator: ", ")))") }
        guard let jobID = application.related("job") else { return .skip(reason: "application has no job") }
        guard lookup.entity("jobs", jobID) != nil else { return .waiting(kind: "job", id: jobID) }
        return nil
    }

    func application(_ id: String, _ lookup: EntityLookup, _ previouslySent: Bool) -> RecordPlan {
        guard let application = lookup.entity("job-applications", id) else { return .waiting(kind: "application", id: id) }
        if application.deleted { return previouslySent ? .delete : .skip(reason: "application deleted before it was sent") }
        if let blocker = applicationBlocker(application, lookup) { return blocker }
        let candidate = lookup.entity("candidates", application.related("candidate"))!
        let job = lookup.entity("jobs", application.related("job"))!
        let created = application.milliseconds("created-at") ?? 1
        let rejected = application.text("rejected-at") != nil
        let record: [String: JSONValue] = [
            "atsCandidateId": .string(candidate.id),
            "atsCreatedAt": .number(Double(created)),
            "atsLastModifiedAt": .number(Double(max(application.milliseconds("updated-at") ?? created, created))),
            "atsJobPostingId": .string(job.id),
            "atsJobPostingName": .string(job.text("title") ?? "Untitled job"),
            "candidateEmail": .string(candidate.text("email")!),
            "firstName": .string(candidate.text("first-name")!),
            "lastName": .string(candidate.text("last-name")!),
            "source": .string(application.flag("sourced") ? "Sourced" : (application.text("referring-site") ?? "Applied")),
            // Always present: LinkedIn sets a left-out field to null, so a withdrawn rejection clears it. Never a
            // JSON null (Rest.li refuses it): "" as LinkedIn's collection sends it.
            "dispositionReason": .string(rejected ? (application.text("reject-reason") ?? "Rejected") : ""),
        ]
        return .upsert(.object(record))
    }

    func stage(_ key: LinkedInRecordKey, _ lookup: EntityLookup, _ previouslySent: Bool) -> RecordPlan {
        let gone: RecordPlan = previouslySent ? .delete : .skip(reason: "stage no longer applies")
        guard let application = lookup.entity("job-applications", key.parentID) else { return .waiting(kind: "application", id: key.parentID) }
        if application.deleted { return .skip(reason: "application deleted (LinkedIn deletes its stages)") }
        if let blocker = applicationBlocker(application, lookup) { return blocker }
        if key.id == LinkedInRecordKey.rejectedStageID {
            guard let rejectedAt = application.milliseconds("rejected-at") else { return gone }
            return .upsert(.object(["atsCreatedAt": .number(Double(rejectedAt)), "stage": .string("Rejected")]))
        }
        guard let entry = lookup.stageEntries[key.parentID]?.first(where: { $0.stageID == key.id }) else { return gone }
        guard let stage = lookup.entity("stages", key.id) else { return .waiting(kind: "stage", id: key.id) }
        guard let name = stage.text("name"), name != "Not Available" else {
            return .skip(reason: "stage has no usable name")
        }
        return .upsert(.object(["atsCreatedAt": .number(Double(max(entry.enteredAt, 1))), "stage": .string(name)]))
    }

    func interviewFeedback(_ key: LinkedInRecordKey, _ lookup: EntityLookup, _ previouslySent: Bool) -> RecordPlan {
        guard let interview = lookup.entity("interviews", key.id) else { return .waiting(kind: "interview", id: key.id) }
        if interview.deleted { return previouslySent ? .delete : .skip(reason: "interview deleted before it was sent") }
        // LinkedIn keeps feedback only under an application.
        if key.parentID.isEmpty { return .skip(reason: "interview is not linked to a job application") }
        guard let application = lookup.entity("job-applications", key.parentID) else { return .waiting(kind: "application", id: key.parentID) }
        if application.deleted { return .skip(reason: "application deleted (LinkedIn deletes its feedback)") }
        if let blocker = applicationBlocker(application, lookup) { return blocker }
        var evaluations: [JSONValue] = []
        if case .array(let scores) = interview.attributes["scores"] {
            for score in scores {
                guard let criterion = Self.nonEmpty(score["criterion"]), case .number(let value) = score["value"],
                      case .number(let max) = score["max"] else { continue }
                evaluations.append(.object(["attribute": .string(criterion), "result": .string("\(Self.integerText(value))/\(Self.integerText(max))")]))
            }
        }
        if let recommendation = interview.text("recommendation") {
            evaluations.append(.object(["attribute": .string("Recommendation"), "result": .string(Self.recommendation(recommendation))]))
        }
        let created = interview.milliseconds("created-at") ?? 1
        var record: [String: JSONValue] = ["atsCreatedAt": .number(Double(created)), "evaluations": .array(evaluations)]
        if let note = interview.text("note") { record["feedback"] = .string(note) }
        if let interviewer = interview.person("interviewer").flatMap(Self.author) { record["interviewer"] = interviewer }
        return .upsert(.object(record))
    }

    func note(_ key: LinkedInRecordKey, _ lookup: EntityLookup, _ previouslySent: Bool) -> RecordPlan {
        guard let comment = lookup.entity("comments", key.id) else { return .waiting(kind: "comment", id: key.id) }
        let gone: RecordPlan = previouslySent ? .delete : .skip(reason: "comment deleted before it was sent")
        if comment.deleted { return gone }
        // Private comments never leave Teamtailor; one made private after it was sent is removed.
        if comment.flag("private") { return previouslySent ? .delete : .skip(reason: "private comments are not sent") }
        if key.resource == .applicationNote {
            guard let application = lookup.entity("job-applications", key.parentID) else { return .waiting(kind: "application", id: key.parentID) }
            if application.deleted { return .skip(reason: "application deleted (LinkedIn deletes its notes)") }
            if let blocker = applicationBlocker(application, lookup) { return blocker }
        } else {
            guard let candidate = lookup.entity("candidates", key.parentID) else { return .waiting(kind: "candidate", id: key.parentID) }
            if candidate.deleted { return .skip(reason: "candidate deleted (LinkedIn deletes its notes)") }
            let missing = Self.missingMatchFields(candidate)
            if !missing.isEmpty { return .skip(reason: "candidate not matched (missing \(missing.joined(separator: ", ")))") }
        }
        guard let body = comment.text("body") else { return .skip(reason: "empty comment") }
        var record: [String: JSONValue] = [
            "atsCreatedAt": .number(Double(comment.milliseconds("created-at") ?? 1)),
            "note": .string(body),
        ]
        if let author = comment.person("author").flatMap(Self.author) { record["author"] = author }
        return .upsert(.object(record))
    }

    // MARK: - Small conversions

    /// `{"firstName", "lastName"}` with the names there are; nil when there is neither.
    static func author(_ person: TeamtailorEntity.Person) -> JSONValue? {
        var object: [String: JSONValue] = [:]
        if let first = person.firstName { object["firstName"] = .string(first) }
        if let last = person.lastName { object["lastName"] = .string(last) }
        return object.isEmpty ? nil : .object(object)
    }

    /// A trimmed, non-empty string; nil for absent, null, blank or not a string.
    static func nonEmpty(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// The text when it is an absolute http(s) URL with a host (what LinkedIn accepts for a URL field), else nil.
    static func webURL(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else { return nil }
        return text
    }

    static func recommendation(_ value: String) -> String {
        switch value {
        case "strong_yes": "Strong yes"
        case "yes": "Yes"
        case "no": "No"
        case "strong_no": "Strong no"
        default: value
        }
    }

    static func integerText(_ value: Double) -> String {
        value.rounded() == value ? String(Int64(value)) : String(value)
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000).rounded()) }
}
