import Foundation

/// `TEAMTAILOR_APP_URL`: where Teamtailor's own app runs (default `https://app.teamtailor.com`). Its origin is the
/// JS SDK domain LinkedIn's widgets load from (the settings and candidate pages).
public enum TeamtailorAppURL {
    public static let variable = "TEAMTAILOR_APP_URL"
    public static let defaultValue = "https://app.teamtailor.com"

    /// The configured URL; an http or https URL with a host, else exit 2 naming the variable.
    public static func read(_ environment: EnvironmentReader) throws(ConfigurationError) -> URL {
        try environment.url(variable, default: defaultValue, schemes: ["https", "http"])
    }

    /// `scheme://host[:port]`, the form `validJsSdkDomains` takes (LinkedIn's collection: `http://localhost:5000`).
    public static func origin(_ url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? "https"
        let host = url.host ?? ""
        let port = url.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)"
    }
}
