import Foundation
import RSCChangeEvents
import RSCTeamtailorClient

/// A record read from Teamtailor's API, as the change event Teamtailor would have published for it: the
/// first global sync feeds the same state table as live changes, under the same version rule.
///
/// The one place where Teamtailor's published shapes become the contract's entity state
/// (docs/teamtailor-conformance.md, "History mapping", names the source of each line):
/// - jobs: `links.careersite-job-apply-url` → `apply-url`; the first of the included `locations` → `location`;
///   the included `user` (the recruiter) → `recruiter`;
/// - job applications: linkage of the included `candidate`, `job`, `stage`; the included `reject-reason`'s
///   `reason` → `reject-reason`;
/// - stages: `legacy-stage-type-name` (the current shape; an older `stage-type` text) → `stage-type`;
/// - notes → comments: `note` → `body`, `private-note` → `private`, `user-id` → `author`, `candidate-id` →
///   the `candidate` relationship; the API gives no application, so `job-application` is null.
///
/// The version is the record's `updated-at` in microseconds — the clock Teamtailor's events carry — so a
/// live change newer than the read record wins, and reading a page twice changes nothing.
public enum HistoryMapping {
    /// API resource → the contract's `data.type` and event prefix.
    static let contractType: [String: (type: String, event: String)] = [
        "jobs": ("jobs", "job"), "candidates": ("candidates", "candidate"),
        "job-applications": ("job-applications", "job_application"), "stages": ("stages", "stage"),
        "notes": ("comments", "comment"),
    ]

    /// The contract's `data.type` and event prefix of an API resource; nil for one not synced (users).
    public static func contractType(of resource: String) -> (type: String, event: String)? {
        contractType[resource]
    }

    public struct Author: Sendable, Equatable {
        public var email: String?
        public var name: String?
        public init(email: String?, name: String?) {
            self.email = email
            self.name = name
        }
    }

    /// nil for resources that are not synced to LinkedIn (users) or a record without a usable timestamp.
    public static func event(
        companyID: String, resource: TeamtailorResource, record: TeamtailorRecord, page: TeamtailorPage,
        users: [String: Author]
    ) -> ChangeEvent? {
        let target: (type: String, event: String)
        let attributes: [String: JSONValue]
        var relationships: [String: JSONValue] = [:]
        let a = record.attributes
        func linkage(_ name: String, as contractName: String? = nil) {
            guard record.hasLinkage(name) else { return }
            relationships[contractName ?? name] = .object(["data": record.relationships[name]?["data"] ?? .null])
        }
        switch resource {
        case .users:
            return nil
        case .jobs:
            target = ("jobs", "job")
            var job = pick(a, ["title", "body", "status", "internal", "remote-status", "created-at", "updated-at"])
            job["apply-url"] = record.links["careersite-job-apply-url"]?.stringValue.map(JSONValue.string) ?? .null
            job["location"] = record.relatedIDs("locations").first
                .flatMap { page.includedRecord(type: "locations", id: $0) }.map(location) ?? .null
            job["recruiter"] = recruiter(record, page: page, users: users)
            attributes = job
        case .candidates:
            target = ("candidates", "candidate")
            attributes = pick(a, [
                "first-name", "last-name", "email", "phone", "linkedin-url", "linkedin-uid", "sourced", "unsubscribed", "tags",
                "created-at", "updated-at",
            ])
        case .jobApplications:
            target = ("job-applications", "job_application")
            var application = pick(a, ["created-at", "updated-at", "changed-stage-at", "rejected-at", "sourced", "referring-site"])
            application["reject-reason"] = record.relatedID("reject-reason")
                .flatMap { page.includedRecord(type: "reject-reasons", id: $0)?.attributes["reason"] } ?? .null
            attributes = application
            linkage("candidate")
            linkage("job")
            linkage("stage")
        case .stages:
            target = ("stages", "stage")
            var stage = pick(a, ["name", "row-order", "created-at", "updated-at"])
            stage["stage-type"] = a["legacy-stage-type-name"] ?? a["stage-type"].flatMap { $0.stringValue.map(JSONValue.string) } ?? .null
            attributes = stage
            linkage("job")
        case .notes:
            target = ("comments", "comment")
            var comment = pick(a, ["created-at", "updated-at"])
            comment["body"] = a["note"] ?? .null
            comment["private"] = a["private-note"] ?? .bool(false)
            let userID = idText(a["user-id"]) ?? record.relatedID("user")
            comment["author"] = userID.flatMap { users[$0] }.map(author) ?? .null
            attributes = comment
            if let candidate = idText(a["candidate-id"]) ?? record.relatedID("candidate") {
                relationships["candidate"] = .object(["data": .object(["type": .string("candidates"), "id": .string(candidate)])])
            }
            relationships["job-application"] = .object(["data": .null])
        }
        let stamp = (a["updated-at"]?.stringValue ?? a["created-at"]?.stringValue).flatMap(RFC3339.parse)
        guard let stamp else { return nil }
        let micros = Int64((stamp.timeIntervalSince1970 * 1_000_000).rounded())
        return ChangeEvent(
            eventID: "history-\(companyID)-\(resource.rawValue)-\(record.id)-\(micros)",
            event: "\(target.event).update", companyID: companyID, occurredAt: stamp, version: micros,
            data: .init(id: record.id, type: target.type, attributes: attributes, relationships: relationships))
    }

    /// The named attributes, timestamps rewritten in UTC (the contract's form; Teamtailor writes offsets).
    static func pick(_ attributes: [String: JSONValue], _ names: [String]) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for name in names {
            guard let value = attributes[name] else { continue }
            if name.hasSuffix("-at"), let text = value.stringValue, let date = RFC3339.parse(text) {
                out[name] = .string(RFC3339.format(date))
            } else {
                out[name] = value
            }
        }
        return out
    }

    /// A Teamtailor location (`city`, `country` as a name, `zip`) as the contract's location. Teamtailor's
    /// locations have no region, so `region` is left out.
    static func location(_ place: TeamtailorRecord) -> JSONValue {
        // The contract's nested members may be absent, never null (schemas/kafka: strings when present).
        var location: [String: JSONValue] = [:]
        func text(_ name: String) -> String? {
            place.attributes[name]?.stringValue.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }
        if let city = text("city") { location["city"] = .string(city) }
        if let code = text("country").flatMap(CountryCode.forName) { location["country-code"] = .string(code) }
        if let zip = text("zip") { location["postal-code"] = .string(zip) }
        return .object(location)
    }

    /// The job's `user` (its recruiter): the included user, else the users read first; else only the
    /// `recruiter-email` attribute.
    static func recruiter(_ job: TeamtailorRecord, page: TeamtailorPage, users: [String: Author]) -> JSONValue {
        if let id = job.relatedID("user") {
            if let user = page.includedRecord(type: "users", id: id) {
                return author(Author(email: user.attributes["email"]?.stringValue, name: user.attributes["name"]?.stringValue))
            }
            if let user = users[id] { return author(user) }
        }
        guard let email = job.attributes["recruiter-email"]?.stringValue else { return .null }
        return .object(["email": .string(email)])
    }

    /// The contract's `{"email","first-name","last-name"}` from a user's full name; missing members are left out.
    static func author(_ user: Author) -> JSONValue {
        let parts = (user.name ?? "").split(separator: " ", maxSplits: 1).map(String.init)
        var person: [String: JSONValue] = [:]
        if let email = user.email { person["email"] = .string(email) }
        if let first = parts.first { person["first-name"] = .string(first) }
        if parts.count > 1 { person["last-name"] = .string(parts[1]) }
        return .object(person)
    }

    /// `user-id` and `candidate-id` are numbers in Teamtailor's examples; ids elsewhere are strings.
    static func idText(_ value: JSONValue?) -> String? {
        switch value {
        case .number(let number)? where number.rounded() == number: String(Int64(number))
        case .string(let text)? where !text.isEmpty: text
        default: nil
        }
    }
}

/// ISO 3166 alpha-2 codes from English country names (Teamtailor's locations hold `"country": "Sweden"`).
enum CountryCode {
    static let byName: [String: String] = {
        let english = Locale(identifier: "en_US")
        var table: [String: String] = [:]
        for region in Locale.Region.isoRegions where region.identifier.count == 2 && region.identifier.allSatisfy(\.isLetter) {
            if let name = english.localizedString(forRegionCode: region.identifier) {
                table[name.lowercased()] = region.identifier
            }
        }
        return table
    }()

    static func forName(_ name: String) -> String? {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if trimmed.count == 2, trimmed.allSatisfy({ $0.isASCII && $0.isUppercase }) { return trimmed }
        return byName[trimmed.lowercased()]
    }
}
