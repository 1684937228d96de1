import Foundation
import RSCChangeEvents

/// A Rest.li 1.0 compound key: what we send (in the field order of LinkedIn's collection, so the same key is
/// always the same text) and what we read back (structurally: any field order, any encoding).
///
/// Rest.li 1.0 writes a compound key in a batch answer with the fields sorted by name and each name and value
/// form-encoded (`URIParamUtils.compoundKeyToStringV1`, used by `BatchResponseBuilder`):
/// `atsCandidateId=C1&dataProvider=ATS&integrationContext=urn%3Ali%3Aorganization%3A123`. Our requests write
/// the body key raw, as LinkedIn's collection does. Equality and hashing compare the field maps only.
public struct RestliKey: Hashable, Sendable, CustomStringConvertible {
    /// The fields in the order requests write them.
    public private(set) var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)]) {
        self.fields = fields
    }

    /// Name → value; what equality compares.
    public var fieldMap: [String: String] {
        Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    public static func == (lhs: RestliKey, rhs: RestliKey) -> Bool { lhs.fieldMap == rhs.fieldMap }

    public func hash(into hasher: inout Hasher) {
        for field in fields.sorted(by: { $0.name < $1.name }) {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }

    public var description: String { bodyForm }

    public static func candidate(_ id: String, context: String) -> RestliKey {
        RestliKey([("atsCandidateId", id), ("dataProvider", "ATS"), ("integrationContext", context)])
    }

    public static func application(_ id: String, context: String) -> RestliKey {
        RestliKey([("atsJobApplicationId", id), ("dataProvider", "ATS"), ("integrationContext", context)])
    }

    // MARK: - Writing (requests)

    /// `atsCandidateId=C1&dataProvider=ATS&integrationContext=urn:li:organization:123` (a body map key).
    public var bodyForm: String {
        fields.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// The same with each value percent-encoded, for a path segment.
    public var pathForm: String {
        fields.map { "\($0.name)=\(Self.encode($0.value))" }.joined(separator: "&")
    }

    /// Rest.li 1.0's own spelling in answers: fields sorted by name, names and values form-encoded as Java's
    /// `URLEncoder` does (letters, digits and `.-*_` kept, space as `+`, the rest `%XX` of UTF-8).
    public var restliAnswerForm: String {
        fields.sorted { $0.name < $1.name }
            .map { "\(Self.formEncode($0.name))=\(Self.formEncode($0.value))" }
            .joined(separator: "&")
    }

    /// `ids[i].field=value&…` with values percent-encoded, for a batch query string. The brackets are
    /// written `%5B`/`%5D`: RFC 3986 does not allow them raw in a query, and a URL parser that meets them
    /// raw escapes the whole query again (turning `%3A` into `%253A`).
    public static func queryForm(_ keys: [RestliKey]) -> String {
        keys.enumerated().flatMap { index, key in
            key.fields.map { "ids%5B\(index)%5D.\($0.name)=\(encode($0.value))" }
        }.joined(separator: "&")
    }

    /// Everything but unreserved characters is escaped, so ':' in a URN becomes %3A.
    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static let formKept = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-*_ ")

    static func formEncode(_ value: String) -> String {
        (value.addingPercentEncoding(withAllowedCharacters: formKept) ?? value).replacingOccurrences(of: " ", with: "+")
    }

    // MARK: - Reading (answers)

    /// A compound key as any Rest.li 1.0 peer may spell it: `name=value` pairs joined by `&`, in any order, each
    /// name and value raw or percent-encoded (`+` read as a space, as Java's `URLDecoder` does), or the whole key
    /// encoded once. Nil for a simple key (no `=`) or a malformed one (an empty name, a name twice, a bad escape).
    public static func parse(_ text: String) -> RestliKey? {
        var text = text
        if !text.contains("="), let decoded = text.removingPercentEncoding, decoded.contains("=") { text = decoded }
        guard text.contains("=") else { return nil }
        var fields: [(name: String, value: String)] = []
        for part in text.split(separator: "&", omittingEmptySubsequences: false) {
            guard let equals = part.firstIndex(of: "="), equals != part.startIndex,
                  let name = formDecode(part[..<equals]), let value = formDecode(part[part.index(after: equals)...]),
                  !fields.contains(where: { $0.name == name })
            else { return nil }
            fields.append((name, value))
        }
        return RestliKey(fields)
    }

    static func formDecode(_ text: Substring) -> String? {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.contains("%") ? spaced.removingPercentEncoding : spaced
    }
}

/// A Rest.li batch answer (`{"results": {KEY: …}, "errors": {KEY: …}, "statuses": {…}}`), read by key meaning
/// rather than by spelling: compound keys compare as field maps, simple keys (sub-record ids, task URNs) as
/// text, raw or percent-encoded. Usable for every batch resource (atsCandidates, atsApplications, atsIntegrations, …).
public struct RestliBatchAnswer: Sendable {
    public enum Section: String, Sendable, CaseIterable {
        case results, errors, statuses
    }

    private var compound: [Section: [RestliKey: JSONValue]] = [:]
    private var simple: [Section: [String: JSONValue]] = [:]

    public init(_ answer: JSONValue) {
        for section in Section.allCases {
            guard case .object(let entries)? = answer[section.rawValue] else { continue }
            for (text, value) in entries {
                if let key = RestliKey.parse(text) {
                    compound[section, default: [:]][key] = value
                } else {
                    simple[section, default: [:]][text] = value
                    if let decoded = text.removingPercentEncoding, decoded != text {
                        simple[section, default: [:]][decoded] = simple[section]?[decoded] ?? value
                    }
                }
            }
        }
    }

    /// The entry for a compound key, whatever order and encoding the answer wrote it in.
    public func entry(_ section: Section, _ key: RestliKey) -> JSONValue? { compound[section]?[key] }

    /// The entry for a simple key (a sub-record id, a task URN, a configuration name).
    public func entry(_ section: Section, simple id: String) -> JSONValue? { simple[section]?[id] }

    /// The entry for a key given as text: compound when it has `name=value` pairs, else simple.
    public func entry(_ section: Section, text: String) -> JSONValue? {
        if let key = RestliKey.parse(text) { return entry(section, key) }
        return entry(section, simple: text)
    }

    /// Every compound key the section holds.
    public func compoundKeys(_ section: Section) -> [RestliKey] { compound[section].map { Array($0.keys) } ?? [] }
}
