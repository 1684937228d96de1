/// Listener, API versions, paging and rate-limit settings of a `TeamtailorSimulator`.
public struct TeamtailorSimulatorConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port; `waitUntilListening()` and `start()` report it.
    public var port = 0
    /// `X-Api-Version` values accepted; anything else (or none) is 406, whose detail names `currentAPIVersion`.
    public var acceptedAPIVersions: Set<String> = ["20240904"]
    public var currentAPIVersion = "20240904"
    /// `page[size]` when the caller sends none.
    public var defaultPageSize = 10
    /// A larger `page[size]` is refused with 400 (as jsonapi-resources, Teamtailor's stack, does).
    public var maxPageSize = 30
    /// Requests per API key and window; over it the answer is 429 with `Retry-After`. Teamtailor publishes no
    /// figure (its docs: the headers "contain static values"), so both numbers are settings.
    public var rateLimit = 50
    public var rateLimitWindow: Duration = .seconds(10)

    public init() {}
}
