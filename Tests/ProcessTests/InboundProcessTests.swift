import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCLinkedInSimulator
import RSCSecrets
import RSCStore
import RSCTeamtailorSimulator
import RSCTestSupport
import Testing

/// `rsc-inbound` as processes: two replicas sharing the companies, and one killed with SIGKILL midway.
@Suite("rsc-inbound processes", .serialized)
struct InboundProcessTests {
    static let key = Data(repeating: 7, count: 32).base64EncodedString()
    static let member = "urn:li:person:inbound-ada"

    struct Company: Sendable {
        var id: String
        var candidate: Int
    }

    /// Companies on both simulators and in PostgreSQL, each with a matched candidate and `notes` public notes
    /// (plus one private note and one InMail) from five minutes ago; every company due at once.
    static func setUp(
        companies count: Int, notes: Int, client: PostgresClient, linkedIn: LinkedInSimulator, teamtailor: TeamtailorSimulator
    ) async throws -> [Company] {
        let store = CompanyStore(client: client, secrets: try SecretBox(currentKeyBase64: key), logger: TestPostgres.logger)
        let earlier = Date().addingTimeInterval(-300)
        var companies: [Company] = []
        for number in 1...count {
            let id = "\(6000 + number)", apiKey = "tt-key-\(6000 + number)"
            try await teamtailor.state.seedCompany(id: id, apiKey: apiKey, .init(seed: UInt64(number), users: 2, jobs: 1, candidates: 0, applications: 0, notes: 0))
            let candidate = try await teamtailor.createCandidate(
                company: id, attributes: ["first-name": .string("Ada"), "last-name": .string("Lovelace"), "email": .string("ada\(number)@example.com")])
            let organization = "urn:li:organization:\(82_000 + number)", contract = "urn:li:contract:\(92_000 + number)"
            await linkedIn.registerApplication(clientID: "client-\(id)", clientSecret: "secret-\(id)", organization: organization)
            let seat = try await linkedIn.state.addSeat(contract: contract, organization: organization, firstName: "Rita", lastName: "Recruiter")
            try await linkedIn.state.grantRecruiterData(contract: contract)
            try await store.add(NewCompany(
                id: id, teamtailorToken: apiKey, linkedInClientID: "client-\(id)", linkedInClientSecret: "secret-\(id)",
                organizationURN: organization, contractURNs: [contract], jobsPrivate: false))
            try await client.query(
                """
                INSERT INTO candidate_members (company_id, candidate_id, person_urn, matched_by) VALUES (\(id), \(String(candidate)), \(member), 'linkedin')
                """,
                logger: TestPostgres.logger)
            for index in 1...notes {
                _ = try await linkedIn.state.addProspectNote(
                    owner: seat, member: member, note: "Note \(index) for \(id)", visibility: .public, at: earlier.addingTimeInterval(Double(index)))
            }
            _ = try await linkedIn.state.addProspectNote(owner: seat, member: member, note: "Private \(id)", visibility: .private, at: earlier)
            _ = try await linkedIn.state.addInMail(seat: seat, member: member, subject: "Hello", body: "Open to a chat?", at: earlier)
            companies.append(Company(id: id, candidate: candidate))
        }
        // Due now, rather than at each company's slot in a 2-hour window.
        try await client.query(
            "INSERT INTO inbound_schedule (company_id, next_poll_at) SELECT company_id, now() - interval '1 second' FROM companies",
            logger: TestPostgres.logger)
        return companies
    }

    static func environment(_ settings: String, _ endpoints: TestLinkedIn.Endpoints, _ teamtailorURL: URL, lease: Int) -> [String: String] {
        [
            "DATABASE_URL": settings, "KAFKA_BROKERS": "127.0.0.1:9", "RSC_SECRET_KEY": key,
            "LINKEDIN_API_URL": endpoints.api.absoluteString, "LINKEDIN_OAUTH_URL": endpoints.oauth.absoluteString,
            "TEAMTAILOR_API_URL": teamtailorURL.absoluteString, "METRICS_PORT": "0", "SHUTDOWN_GRACE_SECONDS": "10",
            "INBOUND_INTERVAL_SECONDS": "7200", "INBOUND_CONCURRENCY": "4", "INBOUND_LEASE_SECONDS": "\(lease)", "LOG_LEVEL": "warning",
        ]
    }

    static func withStack(_ body: @Sendable (PostgresClient, String, LinkedInSimulator, TestLinkedIn.Endpoints, TeamtailorSimulator, URL) async throws -> Void) async throws {
        let teamtailor = TeamtailorSimulator(configuration: .init(), logger: TestPostgres.logger)
        let teamtailorURL = try await teamtailor.start()
        defer { Task { await teamtailor.stop() } }
        await teamtailor.state.setRateLimit(100_000, window: .seconds(10))
        try await TestLinkedIn.withSimulator { linkedIn, endpoints in
            try await TestPostgres.withMigratedDatabase { client, settings async throws in
                try await body(client, settings.url, linkedIn, endpoints, teamtailor, teamtailorURL)
            }
        }
    }

    static func count(_ client: PostgresClient, _ sql: String) async throws -> Int {
        try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestPostgres.logger).decode(Int.self).reduce(0, +)
    }

    /// Every company's candidate holds exactly the public notes (each once) and the InMail once.
    static func expectExactlyOnce(_ companies: [Company], notes: Int, teamtailor: TeamtailorSimulator) async throws {
        for company in companies {
            let detail = try #require(await teamtailor.state.candidateDetail(id: company.candidate, company: company.id))
            // LinkedIn's public notes are notes; the InMail is a private note (docs/teamtailor-conformance.md).
            let publicNotes = detail.notes.filter { $0.attributes["private-note"] != .bool(true) }
            let texts = publicNotes.compactMap { $0.attributes["note"]?.stringValue }
            #expect(texts.count == notes, "company \(company.id): \(texts.count) notes")
            #expect(Set(texts) == Set((1...notes).map { "Note \($0) for \(company.id)" }), "company \(company.id): each note once")
            let inMails = detail.notes.filter { $0.attributes["private-note"] == .bool(true) }
            #expect(inMails.filter { $0.attributes["note"]?.stringValue?.hasPrefix("LinkedIn InMail") == true }.count == 1)
        }
    }

    @Test("two rsc-inbound replicas over 30 companies: each company polled exactly once in the window, every item written once")
    func twoReplicas() async throws {
        try await Self.withStack { client, url, linkedIn, endpoints, teamtailor, teamtailorURL in
            let companies = try await Self.setUp(companies: 30, notes: 3, client: client, linkedIn: linkedIn, teamtailor: teamtailor)
            var environment = Self.environment(url, endpoints, teamtailorURL, lease: 600)
            // A day-long window: a company's own slot (where it is polled again) rarely falls inside the test.
            environment["INBOUND_INTERVAL_SECONDS"] = "86400"
            let replicas = try (0..<2).map { _ in try ChildProcess(BuiltProduct.url("rsc-inbound"), environment: environment) }
            defer { for replica in replicas where replica.process.isRunning { replica.signal(SIGKILL) } }
            let deadline = ContinuousClock.now + .seconds(180)
            while ContinuousClock.now < deadline {
                if try await Self.count(client, "SELECT count(*)::int FROM inbound_schedule WHERE last_outcome = 'success'") == 30 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            // A little longer: a second poll of anything would show now.
            try await Task.sleep(for: .seconds(2))
            for replica in replicas { replica.signal(SIGTERM) }
            for replica in replicas { #expect(try await replica.waitForExit(timeout: .seconds(20)) == 0, "\(replica.standardError.suffix(800))") }
            // The test made every company due at once; a company whose own slot came up while the replicas ran
            // was rightly polled at it too. Every other one was polled exactly once, by one of the two replicas.
            #expect(try await Self.count(client, "SELECT count(*)::int FROM inbound_schedule WHERE polls = 0") == 0)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM inbound_schedule WHERE polls > 2") == 0)
            // With 30 slots spread over a day, two falling inside these few seconds is a one-in-a-million event.
            #expect(try await Self.count(client, "SELECT count(*)::int FROM inbound_schedule WHERE polls = 1") >= 29,
                    "every company polled exactly once (one whose own slot came up meanwhile may show two)")
            #expect(try await Self.count(client, "SELECT count(*)::int FROM inbound_schedule WHERE next_poll_at <= now()") == 0,
                    "nothing is due again right away")
            try await Self.expectExactlyOnce(companies, notes: 3, teamtailor: teamtailor)
        }
    }

    @Test("rsc-inbound killed with SIGKILL midway: another replica takes over after the lease, with no duplicate and no missing note")
    func killNine() async throws {
        try await Self.withStack { client, url, linkedIn, endpoints, teamtailor, teamtailorURL in
            let companies = try await Self.setUp(companies: 8, notes: 15, client: client, linkedIn: linkedIn, teamtailor: teamtailor)
            let environment = Self.environment(url, endpoints, teamtailorURL, lease: 10)
            let first = try ChildProcess(BuiltProduct.url("rsc-inbound"), environment: environment)
            let deadline = ContinuousClock.now + .seconds(240)
            while ContinuousClock.now < deadline {
                if try await Self.count(client, "SELECT count(*)::int FROM inbound_items WHERE state = 'written'") >= 10 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            first.signal(SIGKILL)
            _ = try await first.waitForExit(timeout: .seconds(10))
            let total = 8 * 16  // 15 notes and an InMail per company
            #expect(try await Self.count(client, "SELECT count(*)::int FROM inbound_items WHERE state = 'written'") < total, "killed midway")

            let second = try ChildProcess(BuiltProduct.url("rsc-inbound"), environment: environment)
            defer { if second.process.isRunning { second.signal(SIGKILL) } }
            while ContinuousClock.now < deadline {
                let polled = try await Self.count(client, "SELECT count(*)::int FROM inbound_schedule WHERE last_outcome = 'success'")
                let written = try await Self.count(client, "SELECT count(*)::int FROM inbound_items WHERE state = 'written'")
                if polled == 8 && written == total { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            second.signal(SIGTERM)
            #expect(try await second.waitForExit(timeout: .seconds(20)) == 0, "\(second.standardError.suffix(800))")
            try await Self.expectExactlyOnce(companies, notes: 15, teamtailor: teamtailor)
        }
    }
}
