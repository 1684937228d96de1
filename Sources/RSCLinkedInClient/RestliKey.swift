import Foundation

/// A Rest.li 1.0 compound key as LinkedIn's RSC collection writes it, in its three spellings.
/// Field order is fixed per resource (as in LinkedIn's collection), so the same key is always the same text.
public struct RestliKey: Hashable, Sendable {
    public var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)]) {
        self.fields = fields
    }

    public static func == (lhs: RestliKey, rhs: RestliKey) -> Bool {
        lhs.fields.map(\.name) == rhs.fields.map(\.name) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }

    public static func candidate(_ id: String, context: String) -> RestliKey {
        RestliKey([("atsCandidateId", id), ("dataProvider", "ATS"), ("integrationContext", context)])
    }

    public static func application(_ id: String, context: String) -> RestliKey {
        RestliKey([("atsJobApplicationId", id), ("dataProvider", "ATS"), ("integrationContext", context)])
    }

    /// `atsCandidateId=C1&dataProvider=ATS&integrationContext=urn:li:organization:123` (a body map key).
    public var bodyForm: String {
        fields.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// The same with each value percent-encoded, for a path segment.
    public var pathForm: String {
        fields.map { "\($0.name)=\(Self.encode($0.value))" }.joined(separator: "&")
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
}
