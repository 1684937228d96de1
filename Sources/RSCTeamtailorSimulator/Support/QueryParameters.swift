import Foundation

/// A raw query split into percent-decoded name/value pairs, in order (`page%5Bsize%5D=30` → `page[size]`, `30`).
struct QueryParameters: Sendable {
    private(set) var pairs: [(name: String, value: String)] = []

    init(raw: String?) throws(APIFailure) {
        guard let raw, !raw.isEmpty else { return }
        for part in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pieces[0])
            let value = pieces.count > 1 ? String(pieces[1]) : ""
            // Form-style `+` for a space is what Rails (Teamtailor's stack) accepts in queries.
            guard let decodedName = Self.decode(name), let decodedValue = Self.decode(value) else {
                throw APIFailure.badRequest("Malformed percent-encoding in query parameter", parameter: name)
            }
            pairs.append((decodedName, decodedValue))
        }
    }

    func first(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    static func decode(_ text: String) -> String? {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.contains("%") ? spaced.removingPercentEncoding : spaced
    }

    /// Percent-encodes a query component (brackets included, as Teamtailor's own links do).
    /// RFC 3986 unreserved, ASCII only (`CharacterSet.alphanumerics` would let `å` through unencoded).
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
