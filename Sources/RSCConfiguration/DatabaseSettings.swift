import Foundation

/// Where PostgreSQL is, parsed from `DATABASE_URL` (`postgres://user:password@host:port/database`).
public struct DatabaseSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// `sslmode=require` (or `verify-full`) in the URL's query asks for TLS.
    public var requiresTLS: Bool

    public static let variable = "DATABASE_URL"
    static let expected = "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"

    public init(host: String, port: Int, username: String, password: String?, database: String, requiresTLS: Bool = false) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.requiresTLS = requiresTLS
    }

    public init(url text: String, variable: String = DatabaseSettings.variable) throws(ConfigurationError) {
        let malformed = ConfigurationError(variable: variable, expected: Self.expected, isMissing: false)
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme.lowercased()),
              let host = components.host, !host.isEmpty,
              let user = components.user, !user.isEmpty
        else { throw malformed }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw malformed }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw malformed }
        let sslMode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
        self.init(
            host: host, port: port,
            username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database,
            requiresTLS: ["require", "verify-ca", "verify-full"].contains(sslMode)
        )
    }

    /// The URL without the password, safe for logs.
    public var redactedURL: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }

    public var url: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.password = password
        components.host = host
        components.port = port
        components.path = "/" + database
        if requiresTLS { components.queryItems = [URLQueryItem(name: "sslmode", value: "require")] }
        return components.string ?? redactedURL
    }
}
