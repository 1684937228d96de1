/// Listener, token lifetime and quota limits of a `LinkedInSimulator`.
public struct LinkedInSimulatorConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port; `waitUntilListening()` reports it.
    public var port = 0
    public var tokenLifetime: Duration = .seconds(1800)
    /// Records (entities in a batch, elements in a job batch, ids in a delete) per child application and window.
    public var recordsPerWindow = 10_000
    public var recordWindow: Duration = .seconds(60)
    /// Calls per child application and window.
    public var callsPerDay = 100_000
    /// A day resets at UTC midnight; any other length is a fixed window counted from the simulator's start.
    public var callWindow: Duration = .seconds(86_400)
    /// Off: nothing is refused for quota (usage is still counted).
    public var quotasEnabled = true
    /// Recruiter-data calls (seats, notes, InMails, stubs together) per child application and call window.
    public var recruiterDataCallsPerDay = 100_000
    /// Configuration calls (provisioning, integrations) per application and call window.
    public var configurationCallsPerDay = 5_000
    /// The partner (parent) application: its token may call provisioning only.
    public var partnerClientID = "rsc-partner"
    public var partnerClientSecret = "rsc-partner-secret"
    /// Push delivery to callback URLs: attempts per notification, the first retry's delay (doubling), per-attempt timeout.
    public var pushAttempts = 4
    public var pushBackoff: Duration = .milliseconds(500)
    public var pushTimeout: Duration = .seconds(5)
    /// How long a job-posting task reads `IN_PROGRESS` (on the simulator's clock) before it resolves, so a
    /// client's polling is exercised; zero resolves at once.
    public var jobTaskProcessingTime: Duration = .seconds(1)
    /// Calls the request log keeps (the newest); a test that accounts for every call of a long run raises it.
    public var requestLogCapacity = 10_000
    /// Benchmarks only: keep, for every candidate accepted, how long after its `atsLastModifiedAt` (the change's
    /// time in Teamtailor) it was accepted (`SimulatorState.acceptanceLatencies`) — exact end-to-end figures.
    /// Off by default: the list only grows.
    public var recordsAcceptanceLatency = false

    public init() {}
}
