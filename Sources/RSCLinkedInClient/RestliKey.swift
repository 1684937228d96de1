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
    /// The fields by name (the first of a name twice), sorted: what equality and hashing compare. Worked out
    /// once — every record of every batch answer is looked up by key, and building a dictionary per
    /// comparison was a tenth of the sender's CPU.
    private let comparable: [String]

    public init(_ fields: [(name: String, value: String)]) {
        self.fields = fields
        var seen: Set<String> = []
        comparable = fields.filter { seen.insert($0.name).inserted }.sorted { $0.name < $1.name }.flatMap { [$0.name, $0.value] }
    }

    /// Name → value; what equality compares.
    public var fieldMap: [String: String] {
        Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    public static func == (lhs: RestliKey, rhs: RestliKey) -> Bool { lhs.comparable == rhs.comparable }

    public func hash(into hasher: inout Hasher) { hasher.combine(comparable) }

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
        if !text.contains("=") {
            guard text.contains("%"), let decoded = percentDecode(text[...], plusIsSpace: false), decoded.contains("=") else { return nil }
            text = decoded
        }
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
        percentDecode(text, plusIsSpace: true)
    }

    /// `%XX` escapes decoded (and `+` as a space when asked); nil for a bad escape or bytes that are not UTF-8,
    /// as Foundation's `removingPercentEncoding`. Byte by byte: Foundation's string search and replace here
    /// cost more than the rest of reading an answer.
    static func percentDecode(_ text: Substring, plusIsSpace: Bool) -> String? {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let high = utf8.index(after: index)
                guard high != utf8.endIndex else { return nil }
                let low = utf8.index(after: high)
                guard low != utf8.endIndex, let h = hexValue(utf8[high]), let l = hexValue(utf8[low]) else { return nil }
                bytes.append(h << 4 | l)
                index = utf8.index(after: low)
                continue
            }
            bytes.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index = utf8.index(after: index)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
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
                    if text.contains("%"), let decoded = RestliKey.percentDecode(text[...], plusIsSpace: false), decoded != text {
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
        entry(section, AnswerKey(text))
    }

    /// A key to look up, read once for every section it is looked up in.
    public enum AnswerKey: Sendable {
        case compound(RestliKey)
        case simple(String)

        /// Compound when the text has `name=value` pairs, else simple.
        public init(_ text: String) {
            self = RestliKey.parse(text).map { .compound($0) } ?? .simple(text)
        }
    }

    public func entry(_ section: Section, _ key: AnswerKey) -> JSONValue? {
        switch key {
        case .compound(let key): entry(section, key)
        case .simple(let id): entry(section, simple: id)
        }
    }

    /// Every compound key the section holds.
    public func compoundKeys(_ section: Section) -> [RestliKey] { compound[section].map { Array($0.keys) } ?? [] }
}
