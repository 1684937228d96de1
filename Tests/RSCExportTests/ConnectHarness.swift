import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import RSCChangeEvents
import RSCConnect
import RSCExport
import RSCLinkedInClient
import RSCLinkedInSimulator
import RSCSandbox
import RSCSecrets
import RSCStore
import RSCTeamtailorClient
import RSCTeamtailorSimulator
import RSCTestSupport
import Synchronization

/// A clock the test moves by hand, so retries due "in 30 seconds" are due when the test says.
final class ManualClock: Sendable {
    private let current = Mutex(Date())
    func now() -> Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// rsc-export's parts in-process, over a real PostgreSQL database, the LinkedIn simulator and the
/// Teamtailor simulator, all on loopback HTTP: LinkedIn pushes to our real callback listener.
struct ConnectHarness: Sendable {
    static let token = String(repeating: "internal-token-", count: 3)
    static let companyID = "1842"
    static let teamtailorKey = "tt-key-1842-SECRET"
    static let organization = "urn:li:organization:5501"
    static let contract = "urn:li:contract:7701"
    /// TEAMTAILOR_APP_URL here; its origin is the child application's JS SDK domain.
    static let teamtailorAppURL = "https://tt.example.com:8443/app/settings"
    static let partner = LinkedInApplication(clientID: "rsc-partner", clientSecret: "rsc-partner-secret")

    let postgres: PostgresClient
    let linkedIn: LinkedInSimulator
    let linkedInEndpoints: TestLinkedIn.Endpoints
    let teamtailor: TeamtailorSimulator
    let teamtailorURL: URL
    let internalURL: String
    let companies: CompanyStore
    let directory: CallbackDirectory
    let clock: ManualClock
    let processor: NotificationProcessor
    let disconnection: Disconnection
    let linkedInClient: LinkedInClient
    let logger: Logger

    static func run(_ body: @Sendable @escaping (ConnectHarness) async throws -> Void) async throws {
        let box = try SecretBox(currentKeyBase64: SecretBox.generateKeyBase64())
        let logger = TestPostgres.logger
        try await TestPostgres.withMigratedDatabase { postgres, _ async throws in
            try await TestLinkedIn.withSimulator { linkedIn, endpoints async throws in
                let teamtailor = TeamtailorSimulator(configuration: .init(), logger: logger)
                let teamtailorURL = try await teamtailor.start()
                defer { Task { await teamtailor.stop() } }
                try await teamtailor.state.createCompany(id: companyID, apiKey: teamtailorKey)

                let clock = ManualClock()
                let companies = CompanyStore(client: postgres, secrets: box, logger: logger)
                let directory = CallbackDirectory(postgres: postgres, secrets: box, logger: logger, cacheLifetime: .zero)
                let linkedInClient = LinkedInClient(apiURL: endpoints.api, oauthURL: endpoints.oauth, http: .shared, logger: logger)
                let teamtailorClient = TeamtailorClient(baseURL: teamtailorURL, http: .shared, logger: logger)
                let publicPort = try FreePort.loopback(), internalPort = try FreePort.loopback()
                var onboardingSettings = Onboarding.Settings(
                    publicCallbackBaseURL: URL(string: "http://127.0.0.1:\(publicPort)")!,
                    partner: LinkedInApplication(clientID: "rsc-partner", clientSecret: "rsc-partner-secret"),
                    teamtailorAppURL: URL(string: ConnectHarness.teamtailorAppURL)!)
                onboardingSettings.teamtailor = teamtailorClient
                let onboarding = Onboarding(
                    settings: onboardingSettings,
                    postgres: postgres, companies: companies, directory: directory, linkedIn: linkedInClient, logger: logger,
                    now: { clock.now() })
                let publicRouter = Router(context: BasicRequestContext.self)
                publicRouter.add(middleware: JSONErrorMiddleware())
                CallbackRoutes(directory: directory, store: NotificationStore(postgres: postgres, logger: logger), logger: logger, now: { clock.now() })
                    .register(on: publicRouter)
                let listeners: [Application<RouterResponder<BasicRequestContext>>] = [
                    Application(router: publicRouter, configuration: .init(address: .hostname("127.0.0.1", port: publicPort)), logger: logger),
                    Application(
                        router: InternalRoutes(onboarding: onboarding, logger: logger).router(token: token),
                        configuration: .init(address: .hostname("127.0.0.1", port: internalPort)), logger: logger),
                ]
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for listener in listeners { group.addTask { try await listener.runService() } }
                    defer { group.cancelAll() }
                    try await waitForListener(port: internalPort)
                    try await waitForListener(port: publicPort)
                    try await body(ConnectHarness(
                        postgres: postgres, linkedIn: linkedIn, linkedInEndpoints: endpoints, teamtailor: teamtailor,
                        teamtailorURL: teamtailorURL, internalURL: "http://127.0.0.1:\(internalPort)", companies: companies,
                        directory: directory, clock: clock,
                        processor: NotificationProcessor(
                            postgres: postgres, companies: companies, linkedIn: linkedInClient, teamtailor: teamtailorClient,
                            logger: logger, now: { clock.now() }),
                        disconnection: Disconnection(
                            postgres: postgres, companies: companies, directory: directory, linkedIn: linkedInClient, logger: logger),
                        linkedInClient: linkedInClient, logger: logger))
                }
            }
        }
    }

    static func waitForListener(port: Int) async throws {
        for _ in 0..<100 {
            if (try? await HTTPClient.shared.get(url: "http://127.0.0.1:\(port)/").get()) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessTimeout(description: "nothing listened on port \(port) within 5 s")
    }

    // MARK: - Internal API

    struct Answer: Sendable {
        var status: Int
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var body: Data
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    func call(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil, token: String = ConnectHarness.token) async throws -> Answer {
        var request = HTTPClientRequest(url: internalURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), body: Data(buffer: bytes))
    }

    static var admin: [String: Any] { ["id": "u-1", "role": "admin"] }

    func activate(role: String = "admin", key: String = teamtailorKey) async throws -> Answer {
        try await call(.POST, "/companies/\(Self.companyID)/rsc/activate", [
            "actingUser": ["id": "u-1", "role": role], "teamtailorApiKey": key, "companyName": "Åkerlund & Co",
        ])
    }

    /// Activation, LinkedIn's widget, the integration step and LinkedIn's admin enabling it: an active company.
    func connect() async throws {
        let activation = try await activate()
        precondition(activation.status == 200, "activation failed: \(String(decoding: activation.body, as: UTF8.self))")
        let clientID = ((activation.json["widget"] as? [String: Any])?["clientId"] as? String) ?? ""
        await linkedIn.state.completeOnboarding(clientID: clientID, organization: Self.organization)
        try await linkedIn.state.addSeat(contract: Self.contract, organization: Self.organization, firstName: "Rita", lastName: "Recruiter", email: "rita@example.com")
        let integration = try await call(.POST, "/companies/\(Self.companyID)/rsc/integration", [
            "actingUser": Self.admin, "organizationUrn": Self.organization, "contractUrns": [Self.contract],
        ])
        precondition(integration.status == 200, "integration failed: \(String(decoding: integration.body, as: UTF8.self))")
        _ = try await linkedIn.state.setIntegrationStatus(.enabled, organization: Self.organization)
        try await processAll()
    }

    /// Runs the processor until nothing is due (at most 1,000 rounds: a notification due again at once
    /// every round would otherwise keep the test running for good).
    func processAll() async throws {
        for _ in 0..<1_000 where try await processor.processDue() == 0 { return }
        throw HarnessTimeout(description: "notifications were still due after 1,000 processing rounds")
    }

    func application() async throws -> LinkedInApplication {
        let credentials = try await companies.credentials(Self.companyID)
        return LinkedInApplication(clientID: credentials.linkedInClientID ?? "", clientSecret: credentials.linkedInClientSecret ?? "")
    }

    func count(_ sql: String) async throws -> Int {
        try await postgres.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self).reduce(0, +)
    }
}

/// A bounded wait in the harness that ran out.
struct HarnessTimeout: Error, CustomStringConvertible {
    var description: String
}
