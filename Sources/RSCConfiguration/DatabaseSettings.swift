import Foundation

/// Where PostgreSQL is, parsed from `DATABASE_URL`
/// (`postgres://user:password@host:port/database?sslmode=MODE&sslrootcert=/path/ca.pem`).
///
/// `sslmode` means what it means to libpq: `disable` (never TLS), `prefer` (the default: TLS when the
/// server offers it, else plaintext), `require` (TLS or no connection; the certificate is not checked),
/// `verify-ca` (TLS, and the server's certificate must chain to a trusted CA), `verify-full` (that, and
/// it must name the host). `sslrootcert` is the CA file to trust (PEM); without one the verifying modes
/// trust the system's store. As in libpq, `require` with a CA file verifies the chain like `verify-ca`.
/// (libpq's `allow` is not offered: it prefers plaintext, which nothing here wants.)
public struct DatabaseSettings: Sendable, Equatable {
    /// libpq's `sslmode` values this fleet supports.
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable
        case prefer
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"

        /// True when the connection fails rather than run in plaintext.
        public var requiresTLS: Bool { self != .disable && self != .prefer }
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode
    /// `sslrootcert`: the CA certificates (PEM) the server's certificate must chain to.
    public var caFile: String?

    /// `sslmode=require`, `verify-ca` or `verify-full`: no connection without TLS.
    public var requiresTLS: Bool { tlsMode.requiresTLS }

    public static let variable = "DATABASE_URL"
    static let expected = "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
        + "[?sslmode=disable|prefer|require|verify-ca|verify-full][&sslrootcert=/path/to/ca.pem]"

    public init(
        host: String, port: Int, username: String, password: String?, database: String, tlsMode: TLSMode = .prefer,
        caFile: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tlsMode = tlsMode
        self.caFile = caFile
    }

    /// - Parameter fileExists: whether the CA file is there (injected for tests); a missing one stops the
    ///   process at start rather than at its first connection.
    public init(
        url text: String, variable: String = DatabaseSettings.variable,
        fileExists: (String) -> Bool = { FileManager.default.isReadableFile(atPath: $0) }
    ) throws(ConfigurationError) {
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
        let query = components.queryItems ?? []
        let modeText = query.last(where: { $0.name == "sslmode" })?.value ?? TLSMode.prefer.rawValue
        guard let mode = TLSMode(rawValue: modeText) else {
            throw ConfigurationError(
                variable: variable, expected: "sslmode one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))",
                isMissing: false)
        }
        let caFile = query.last(where: { $0.name == "sslrootcert" })?.value.flatMap { $0.isEmpty ? nil : $0 }
        if let caFile, !fileExists(caFile) {
            throw ConfigurationError(variable: variable, expected: "sslrootcert naming a readable CA file (PEM)", isMissing: false)
        }
        if caFile != nil, mode == .disable {
            throw ConfigurationError(variable: variable, expected: "no sslrootcert with sslmode=disable", isMissing: false)
        }
        self.init(
            host: host, port: port,
            username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database, tlsMode: mode, caFile: caFile
        )
    }

    /// The URL without the password, safe for logs.
    public var redactedURL: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)?\(queryText)"
    }

    public var url: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.password = password
        components.host = host
        components.port = port
        components.path = "/" + database
        components.queryItems = queryItems
        return components.string ?? redactedURL
    }

    var queryItems: [URLQueryItem] {
        [URLQueryItem(name: "sslmode", value: tlsMode.rawValue)] + (caFile.map { [URLQueryItem(name: "sslrootcert", value: $0)] } ?? [])
    }

    var queryText: String { queryItems.map { "\($0.name)=\($0.value ?? "")" }.joined(separator: "&") }
}
