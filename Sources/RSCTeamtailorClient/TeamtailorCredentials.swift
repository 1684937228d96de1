/// One company's Teamtailor API key (Admin scope). Its description never shows the key.
public struct TeamtailorCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var apiKey: String

    public init(apiKey: String) { self.apiKey = apiKey }

    public var description: String { "TeamtailorCredentials(apiKey: <redacted>)" }
    public var debugDescription: String { description }
}
