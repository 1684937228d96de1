import Foundation
import RSCChangeEvents
import RSCLinkedInClient
import RSCLinkedInMapping
import Testing

/// Our golden requests against the requests LinkedIn's collection publishes (fixtures in
/// `RSCLinkedInSimulatorTests/Published/requests`): the same method, the same key layout in path, query and
/// body, the same `x-restli-method`, and field for field the same names and JSON types. What we send beyond
/// the collection's sample, or leave out of it, is listed here with the reason.
@Suite("golden requests have LinkedIn's published shapes")
struct PublishedShapeTests {
    static let published = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../RSCLinkedInSimulatorTests/Published/requests").standardized

    /// Fields we send that the collection's sample does not show, each documented elsewhere.
    static let documentedExtras: Set<String> = [
        // Sync Candidates page and release notes (June 2023, March 2024).
        "/doNotContact", "/linkedInProfileUrl", "/manualMatchedMember",
        // Job postings reference: the requisition owner.
        "/requisitionOwnerEmail", "/requisitionOwnerFirstName", "/requisitionOwnerLastName",
        // Required-fields page: location may be countryCode + postalCode instead.
        "/countryCode", "/postalCode",
    ]

    /// Fields of the collection's sample we leave out: Teamtailor's candidate has no such data.
    static let knownAbsent: Set<String> = [
        "/middleInitial", "/prefix", "/suffix", "/currentCompanyName", "/currentJobTitle", "/phoneNumbers/0/extension",
    ]

    struct Published {
        let method: String
        let path: String
        let restliMethod: String?
        let body: JSONValue?
    }

    static func load(_ name: String) throws -> Published {
        let data = try Data(contentsOf: published.appendingPathComponent(name))
        let json = try JSONValue.parse(Array(data))
        let headers = json["headers"]
        return Published(
            method: json["method"]?.stringValue ?? "", path: json["path"]?.stringValue ?? "",
            restliMethod: headers?["x-restli-method"]?.stringValue, body: json["body"])
    }

    func body(_ key: LinkedInRecordKey) throws -> JSONValue {
        guard case .upsert(let body) = Fixtures.builder.plan(key, lookup: Fixtures.lookup, previouslySent: false) else {
            throw GoldenError.notAnUpsert(key.description)
        }
        return body
    }

    /// The key layout of a path and query: path segments with compound keys as their sorted field names, the
    /// query's parameter names (values dropped), all percent-decoded.
    static func layout(_ path: String) -> String {
        let parts = path.split(separator: "?", maxSplits: 1).map(String.init)
        let segments = parts[0].split(separator: "/").map { segment -> String in
            let text = String(segment).removingPercentEncoding ?? String(segment)
            guard let key = RestliKey.parse(text) else { return text }
            return "{" + key.fieldMap.keys.sorted().joined(separator: ",") + "}"
        }
        var query: [String] = []
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let name = String(pair.split(separator: "=", maxSplits: 1)[0])
                let decoded = name.removingPercentEncoding ?? name
                if decoded == "fields" { continue }  // our read-back's projection, documented on Sync Candidates
                query.append(decoded)
            }
        }
        // Names, not how many: LinkedIn's sample sends three stage ids where ours sends one.
        return segments.joined(separator: "/") + "?" + Set(query).sorted().joined(separator: "&")
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Differences between our value and the published one, field by field.
    static func differences(_ ours: JSONValue, _ theirs: JSONValue, _ path: String = "") -> [String] {
        switch (ours, theirs) {
        case (.object(let a), .object(let b)):
            var found: [String] = []
            for (name, value) in a {
                if let other = b[name] {
                    found += differences(value, other, path + "/" + name)
                } else if !documentedExtras.contains(path + "/" + name) {
                    found.append("\(path)/\(name): not in LinkedIn's sample")
                }
            }
            for name in b.keys where a[name] == nil && !knownAbsent.contains(path + "/" + name) {
                found.append("\(path)/\(name): in LinkedIn's sample, not sent")
            }
            return found
        case (.array(let a), .array(let b)):
            guard let first = a.first, let other = b.first else { return [] }
            return differences(first, other, path + "/0")
        default:
            return typeName(ours) == typeName(theirs) ? [] : ["\(path): \(typeName(ours)) where LinkedIn sends \(typeName(theirs))"]
        }
    }

    /// The one entity of a request body (`entities` map or `elements` list).
    static func entity(_ body: JSONValue?) -> (key: String?, value: JSONValue)? {
        if case .object(let entities)? = body?["entities"], let first = entities.first { return (first.key, first.value) }
        if case .array(let elements)? = body?["elements"], let first = elements.first { return (nil, first) }
        return nil
    }

    func compare(_ ours: LinkedInRequest, _ fixture: String, restliMethod: String?? = .none) throws {
        let theirs = try Self.load(fixture)
        #expect(ours.method.rawValue == theirs.method, "\(fixture): method")
        #expect(Self.layout(ours.path) == Self.layout(theirs.path), "\(fixture): \(Self.layout(ours.path)) vs \(Self.layout(theirs.path))")
        #expect(ours.restliMethod == (restliMethod ?? theirs.restliMethod), "\(fixture): x-restli-method")
        guard let theirEntity = Self.entity(theirs.body) else {
            #expect(ours.body == nil, "\(fixture): LinkedIn sends no body")
            return
        }
        let ourEntity = try #require(Self.entity(ours.body), "\(fixture): body")
        if let ourKey = ourEntity.key, let theirKey = theirEntity.key {
            #expect(RestliKey.parse(ourKey)?.fieldMap.keys.sorted() == RestliKey.parse(theirKey)?.fieldMap.keys.sorted(), "\(fixture): entity key")
        }
        let differences = Self.differences(ourEntity.value, theirEntity.value)
        #expect(differences.isEmpty, "\(fixture): \(differences)")
    }

    let context = Fixtures.settings.organizationURN

    @Test("jobs and their tasks")
    func jobs() throws {
        try compare(LinkedInRequests.createJobPostings([try body(LinkedInRecordKey(.jobPosting, "j-7"))]), "01-create-public-job.json")
        try compare(LinkedInRequests.jobPostingTasks(["urn:li:simpleJobPostingTask:1"]), "02-get-public-job-creation-task-status.json")
    }

    @Test("candidates: upsert, the matches read-back, the manual link and the delete")
    func candidates() throws {
        try compare(LinkedInRequests.upsertCandidates([("c-90211", try body(LinkedInRecordKey(.candidate, "c-90211")))], context: context), "05-sync-candidates.json")
        try compare(LinkedInRequests.matchedMembers(["c-90211"], context: context), "06-sync-candidates-retrieve-candidate-matches.json")
        try compare(LinkedInRequests.linkMember(candidateID: "c-90211", person: "urn:li:person:abc123", context: context), "07-one-click-export-attach-person-urn.json")
        try compare(LinkedInRequests.deleteCandidates(["c-90211"], context: context), "13-sync-candidates-delete.json")
    }

    @Test("notes, applications, interview feedback and stages, and their deletes")
    func applications() throws {
        try compare(LinkedInRequests.upsertSubRecords(
            .candidateNotes, parentID: "c-90211", records: [("m-1", try body(LinkedInRecordKey(.candidateNote, "m-1", parent: "c-90211")))], context: context),
            "08-sync-candidate-notes.json")
        try compare(LinkedInRequests.upsertApplications([("a-555", try body(LinkedInRecordKey(.application, "a-555")))], context: context), "09-sync-job-applications.json")
        try compare(LinkedInRequests.upsertSubRecords(
            .applicationNotes, parentID: "a-555", records: [("m-1", try body(LinkedInRecordKey(.applicationNote, "m-1", parent: "a-555")))], context: context),
            "10-sync-job-application-notes.json")
        // LinkedIn's collection sends this PUT without x-restli-method (Rest.li infers batch_update from PUT + ids);
        // we keep sending the header, as for every other batch call.
        try compare(LinkedInRequests.upsertSubRecords(
            .interviewFeedback, parentID: "a-555", records: [("i-3", try body(LinkedInRecordKey(.interviewFeedback, "i-3", parent: "a-555")))], context: context),
            "11-sync-application-interview-feedback.json", restliMethod: .some("batch_update"))
        try compare(LinkedInRequests.upsertSubRecords(
            .stages, parentID: "a-555", records: [("s-1", try body(LinkedInRecordKey(.applicationStage, "s-1", parent: "a-555")))], context: context),
            "12-sync-application-stages.json")
        try compare(LinkedInRequests.deleteSubRecords(.candidateNotes, parentID: "c-90211", ids: ["m-2"], context: context), "14-sync-candidate-notes-delete-note.json")
        try compare(LinkedInRequests.deleteApplications(["a-555"], context: context), "15-sync-job-applications-delete.json")
        try compare(LinkedInRequests.deleteSubRecords(.applicationNotes, parentID: "a-555", ids: ["m-1"], context: context), "16-sync-job-application-notes-delete.json")
        try compare(LinkedInRequests.deleteSubRecords(.interviewFeedback, parentID: "a-555", ids: ["i-3"], context: context), "17-sync-application-interview-feedback-delete.json")
        try compare(LinkedInRequests.deleteSubRecords(.stages, parentID: "a-555", ids: ["s-1"], context: context), "18-sync-application-stages-delete.json")
    }
}
