/// A Rest.li 1.0 compound key, `atsCandidateId=C1&dataProvider=ATS&integrationContext=urn:li:organization:1`.
///
/// Accepted encodings (all decode to the same key):
/// - query: `ids[0].atsCandidateId=C1&ids[0].dataProvider=ATS&ids[0].integrationContext=urn%3Ali%3Aorganization%3A1`
///   (names and values percent-decoded; indices must run 0, 1, 2, … without gaps);
/// - body map key and path segment: `name=value&name=value` in any field order, each value percent-decoded
///   (so raw `urn:li:…` and `urn%3Ali%3A…` both work), or the whole segment percent-encoded once.
struct RestliKey: Hashable, Sendable {
    let fields: [String: String]

    /// Parses a body map key or a path segment.
    static func parse(mapKey text: String) throws(APIError) -> RestliKey {
        var text = text
        if !text.contains("="), let decoded = QueryParameters.decode(text), decoded.contains("=") {
            text = decoded
        }
        var fields: [String: String] = [:]
        for part in text.split(separator: "&", omittingEmptySubsequences: false) {
            guard let equals = part.firstIndex(of: "="), equals != part.startIndex,
                let value = QueryParameters.decode(part[part.index(after: equals)...])
            else {
                throw APIError.badRequest("Malformed compound key '\(text)': expected name=value pairs joined by '&'")
            }
            let name = String(part[..<equals])
            guard fields.updateValue(value, forKey: name) == nil else {
                throw APIError.badRequest("Malformed compound key '\(text)': '\(name)' appears twice")
            }
        }
        return RestliKey(fields: fields)
    }

    /// Parses every `ids[N].field=value` query parameter, in index order.
    static func parse(queryIDs query: QueryParameters) throws(APIError) -> [RestliKey] {
        var byIndex: [Int: [String: String]] = [:]
        for (name, value) in query.pairs where name.hasPrefix("ids") {
            guard let (index, field) = indexedField(name) else {
                throw APIError.badRequest(
                    "Malformed key parameter '\(name)': this resource takes compound keys as ids[N].field=value")
            }
            guard byIndex[index, default: [:]].updateValue(value, forKey: field) == nil else {
                throw APIError.badRequest("Key parameter '\(name)' appears twice")
            }
        }
        let indices = byIndex.keys.sorted()
        guard indices == Array(0..<indices.count) else {
            throw APIError.badRequest("Key indices must run ids[0], ids[1], … without gaps")
        }
        return indices.map { RestliKey(fields: byIndex[$0]!) }
    }

    /// `ids[12].atsCandidateId` → (12, "atsCandidateId").
    private static func indexedField(_ name: String) -> (Int, String)? {
        guard name.hasPrefix("ids["), let close = name.firstIndex(of: "]") else { return nil }
        let digits = name[name.index(name.startIndex, offsetBy: 4)..<close]
        let rest = name[name.index(after: close)...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let index = Int(digits), index >= 0,
            rest.hasPrefix("."), rest.count > 1
        else { return nil }
        return (index, String(rest.dropFirst()))
    }

    /// How Rest.li 1.0 writes a compound key in a batch answer's `results` and `errors`
    /// (`URIParamUtils.compoundKeyToStringV1`, used by `BatchResponseBuilder`): fields sorted by name, each
    /// name and value encoded as Java's `URLEncoder` does.
    /// `atsCandidateId=C1&dataProvider=ATS&integrationContext=urn%3Ali%3Aorganization%3A123`.
    var answerForm: String {
        fields.sorted { $0.key < $1.key }
            .map { "\(Self.javaURLEncode($0.key))=\(Self.javaURLEncode($0.value))" }
            .joined(separator: "&")
    }

    /// `java.net.URLEncoder.encode(s, "UTF-8")`: letters, digits and `.-*_` stay, a space becomes `+`, every
    /// other byte of the UTF-8 text is `%XX` (upper-case hex).
    static func javaURLEncode(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "*"),
                UInt8(ascii: "_"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Escapes only what would make `name=value&…` ambiguous, so URNs stay readable in messages.
    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "%": out += "%25"
            case "&": out += "%26"
            case "=": out += "%3D"
            default: out.append(character)
            }
        }
        return out
    }
}

/// A checked candidate or application key: its id and the customer it belongs to (`dataProvider` is always ATS).
struct EntityKey: Hashable, Sendable {
    enum Kind: Sendable {
        case candidate, application

        var idField: String {
            switch self {
            case .candidate: "atsCandidateId"
            case .application: "atsJobApplicationId"
            }
        }
    }

    let kind: Kind
    let id: String
    let integrationContext: String

    init(kind: Kind, id: String, integrationContext: String) {
        self.kind = kind
        self.id = id
        self.integrationContext = integrationContext
    }

    init(_ key: RestliKey, kind: Kind) throws(APIError) {
        let expected: Set<String> = [kind.idField, "dataProvider", "integrationContext"]
        guard Set(key.fields.keys) == expected else {
            let got = key.fields.keys.sorted().joined(separator: ", ")
            throw APIError.badRequest(
                "Key must have exactly \(kind.idField), dataProvider and integrationContext (got: \(got))")
        }
        guard key.fields["dataProvider"] == "ATS" else {
            throw APIError.badRequest("Key field dataProvider must be ATS")
        }
        let id = key.fields[kind.idField]!
        guard !id.isEmpty else { throw APIError.badRequest("Key field \(kind.idField) must not be empty") }
        let context = key.fields["integrationContext"]!
        guard OrganizationURN.isValid(context) else {
            throw APIError.badRequest("Key field integrationContext must be urn:li:organization:N")
        }
        self.init(kind: kind, id: id, integrationContext: context)
    }

    /// The key in messages: fields in name order, values escaped only where ambiguous.
    var canonical: String {
        "\(kind.idField)=\(RestliKey.escape(id))&dataProvider=ATS&integrationContext=\(RestliKey.escape(integrationContext))"
    }

    var restliKey: RestliKey {
        RestliKey(fields: [kind.idField: id, "dataProvider": "ATS", "integrationContext": integrationContext])
    }

    /// The key as Rest.li 1.0 writes it in a batch answer.
    var answerKey: String { restliKey.answerForm }
}

extension IntegrationKey {
    /// The key as Rest.li 1.0 writes it in a batch answer (fields sorted, values encoded).
    var answerKey: String {
        RestliKey(fields: [
            "integrationContext": context, "integrationType": type.rawValue, "tenantType": "RECRUITER", "dataProvider": "ATS",
        ]).answerForm
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// `urn:li:organization:N`, the integration context of every RSC record.
enum OrganizationURN {
    static let prefix = "urn:li:organization:"

    static func isValid(_ text: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let number = text.dropFirst(prefix.count)
        return !number.isEmpty && number.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Accepts `123` or `urn:li:organization:123` when registering an application.
    static func normalize(_ text: String) -> String {
        !text.isEmpty && text.allSatisfy({ $0.isASCII && $0.isNumber }) ? prefix + text : text
    }
}
