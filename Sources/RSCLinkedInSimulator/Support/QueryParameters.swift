import Foundation

/// A raw query string or form body split into decoded name/value pairs, in order.
///
/// Queries follow RFC 3986: `+` stays a plus (a client that means a space sends `%20`). Form bodies
/// (`application/x-www-form-urlencoded`) follow the HTML rule where `+` is a space.
struct QueryParameters: Sendable {
    private(set) var pairs: [(name: String, value: String)] = []

    init(raw: String?, plusIsSpace: Bool = false) throws(APIError) {
        guard let raw, !raw.isEmpty else { return }
        for part in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = part.firstIndex(of: "=") {
                name = part[..<equals]
                value = part[part.index(after: equals)...]
            } else {
                name = part
                value = ""
            }
            guard let decodedName = Self.decode(name, plusIsSpace: plusIsSpace),
                let decodedValue = Self.decode(value, plusIsSpace: plusIsSpace)
            else {
                throw APIError.badRequest("Malformed percent-encoding in query parameter '\(name)'")
            }
            pairs.append((decodedName, decodedValue))
        }
    }

    func values(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    func first(_ name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    var names: Set<String> { Set(pairs.map(\.name)) }

    /// Percent-decodes one component; nil when an escape is malformed or the bytes are not UTF-8.
    static func decode(_ text: some StringProtocol, plusIsSpace: Bool = false) -> String? {
        var text = String(text)
        if plusIsSpace { text = text.replacingOccurrences(of: "+", with: " ") }
        guard text.contains("%") else { return text }
        return text.removingPercentEncoding
    }
}
