import Testing
import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCInbound
import RSCLinkedInClient
import RSCLinkedInSimulator
import RSCSecrets
import RSCStore
import RSCTeamtailorClient
import RSCTeamtailorSimulator
import RSCTestSupport
import Synchronization

/// A clock the test moves by hand: a poll "two hours later" happens at once.
final class ManualClock: Sendable {
    private let current = Mutex(Date())
    func now() -> Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// One connected company on both simulators: a LinkedIn application, one contract, seats, a Teamtailor account.
struct InboundCompany: Sendable {
    var id: String
    var apiKey: String
    var organization: String
    var contract: String
    var clientID: String
    var seat: String
    /// The Teamtailor user whose email is the seat holder's.
    var seatUserID: String
}

/// The poller's parts over a real PostgreSQL database and both simulators on loopback HTTP.
struct InboundHarness: Sendable {
    let postgres: PostgresClient
    let linkedIn: LinkedInSimulator
    let teamtailor: TeamtailorSimulator
    let teamtailorURL: URL
    let linkedInClient: LinkedInClient
    let teamtailorClient: TeamtailorClient
    let companies: CompanyStore
    let clock: ManualClock
    let logger: Logger

    static let interval: TimeInterval = 7_200

    static func run(_ body: @Sendable @escaping (InboundHarness) async throws -> Void) async throws {
        let box = try SecretBox(currentKeyBase64: SecretBox.generateKeyBase64())
        let logger = TestPostgres.logger
        try await TestPostgres.withMigratedDatabase { postgres, _ async throws in
            try await TestLinkedIn.withSimulator { linkedIn, endpoints async throws in
                let teamtailor = TeamtailorSimulator(configuration: .init(), logger: logger)
                let teamtailorURL = try await teamtailor.start()
                let clock = ManualClock()
                do {
                    try await body(InboundHarness(
                        postgres: postgres, linkedIn: linkedIn, teamtailor: teamtailor, teamtailorURL: teamtailorURL,
                        linkedInClient: LinkedInClient(apiURL: endpoints.api, oauthURL: endpoints.oauth, http: .shared, logger: logger),
                        teamtailorClient: TeamtailorClient(baseURL: teamtailorURL, http: .shared, logger: logger),
                        companies: CompanyStore(client: postgres, secrets: box, logger: logger), clock: clock, logger: logger))
                } catch {
                    await teamtailor.stop()
                    throw error
                }
                await teamtailor.stop()
            }
        }
    }

    /// Company `number` on both sides, active in our database.
    @discardableResult
    func addCompany(_ number: Int) async throws -> InboundCompany {
        let id = "\(5000 + number)"
        let apiKey = "tt-key-\(id)"
        try await teamtailor.state.seedCompany(id: id, apiKey: apiKey, .init(seed: UInt64(number), users: 2, jobs: 1, candidates: 0, applications: 0, notes: 0))
        let users = await teamtailor.state.records(.users, company: id)
        let seatUser = users[users.count - 1]
        let email = seatUser.attributes["email"]?.stringValue
        let organization = "urn:li:organization:\(81_000 + number)"
        let contract = "urn:li:contract:\(91_000 + number)"
        let clientID = "client-\(id)"
        await linkedIn.registerApplication(clientID: clientID, clientSecret: "secret-\(id)", organization: organization)
        let seat = try await linkedIn.state.addSeat(
            "urn:li:seat:\(71_000 + number)", contract: contract, organization: organization, firstName: "Rita", lastName: "Recruiter",
            email: email?.uppercased())
        try await linkedIn.state.grantRecruiterData(contract: contract)
        try await companies.add(NewCompany(
            id: id, teamtailorToken: apiKey, linkedInClientID: clientID, linkedInClientSecret: "secret-\(id)",
            organizationURN: organization, contractURNs: [contract], jobsPrivate: false))
        return InboundCompany(
            id: id, apiKey: apiKey, organization: organization, contract: contract, clientID: clientID, seat: seat,
            seatUserID: String(seatUser.id))
    }

    /// A Teamtailor candidate, matched to `member` unless `matched` is false.
    func addCandidate(_ company: InboundCompany, member: String, email: String? = nil, matched: Bool = true) async throws -> String {
        var attributes: [String: JSONValue] = ["first-name": .string("Ada"), "last-name": .string("Lovelace")]
        // A sourced candidate may lack an email.
        if let email { attributes["email"] = .string(email) } else { attributes["sourced"] = .bool(true) }
        let id = String(try await teamtailor.createCandidate(company: company.id, attributes: attributes))
        if matched { try await match(company, member: member, candidate: id) }
        return id
    }

    func match(_ company: InboundCompany, member: String, candidate: String) async throws {
        try await postgres.query(
            """
            INSERT INTO candidate_members (company_id, candidate_id, person_urn, matched_by)
            VALUES (\(company.id), \(candidate), \(member), 'linkedin')
            """,
            logger: logger)
    }

    func settings() -> InboundPoller.Settings {
        var settings = InboundPoller.Settings(teamtailorBaseURL: teamtailorURL)
        settings.interval = .seconds(Int64(Self.interval))
        settings.initialLookback = .seconds(4 * 3_600)
        settings.idlePoll = .milliseconds(20)
        settings.maxAttempts = 30
        settings.backoff = .init(initial: .milliseconds(5), maximum: .milliseconds(50))
        return settings
    }

    func poller(owner: String = "replica-a", settings: InboundPoller.Settings? = nil, hooks: InboundPoller.Hooks = .init()) -> InboundPoller {
        InboundPoller(
            postgres: postgres, linkedIn: linkedInClient, teamtailor: teamtailorClient, companies: companies,
            settings: settings ?? self.settings(), hooks: hooks, owner: owner, now: { clock.now() },
            // Retry-After is honoured but capped: LinkedIn's simulator counts its minute on the real clock.
            sleep: { try await Task.sleep(for: min($0, .milliseconds(1_100))) }, logger: logger)
    }

    /// The next window: the clock moves one interval on, and every due company is polled.
    func pollNextWindow(_ poller: InboundPoller) async throws {
        clock.advance(Self.interval)
        try await Self.pollUntilNothingDue(poller)
    }

    /// Polls until nothing is due; at most 1,000 rounds, so a company due again at once every round fails
    /// the test instead of hanging it.
    static func pollUntilNothingDue(_ poller: InboundPoller) async throws {
        for _ in 0..<1_000 where try await poller.pollDue() == 0 { return }
        throw PollingDidNotSettle()
    }

    struct PollingDidNotSettle: Error, CustomStringConvertible {
        var description: String { "companies were still due after 1,000 poll rounds" }
    }

    // MARK: Inspection

    func detail(_ company: InboundCompany, candidate: String) async throws -> SimulatedCandidateDetail {
        try #require(await teamtailor.state.candidateDetail(id: Int(candidate)!, company: company.id))
    }

    func calls(_ company: InboundCompany, _ method: String, _ prefix: String) async -> Int {
        await teamtailor.state.requestLog().filter { $0.companyID == company.id && $0.method == method && $0.path.hasPrefix(prefix) && (200..<300).contains($0.status) }.count
    }

    func count(_ sql: String) async throws -> Int {
        try await postgres.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self).reduce(0, +)
    }
}
