import Foundation
import PostgresNIO
import RSCExport
import RSCSecrets
import RSCStore
import RSCTestSupport
import Testing

/// Anyone can send requests with made-up callback tokens: the database and the companies' own tokens stay safe.
@Suite("callback token directory under unknown tokens")
struct CallbackDirectoryTests {
    struct Fixture {
        var client: PostgresClient
        var directory: CallbackDirectory
        var token: String
        var clock: ManualClock
    }

    func withDirectory(_ limits: CallbackDirectory.Limits, _ body: @Sendable (Fixture) async throws -> Void) async throws {
        let box = try SecretBox(currentKeyBase64: SecretBox.generateKeyBase64())
        let logger = TestPostgres.logger
        try await TestPostgres.withMigratedDatabase { client, _ async throws in
            try await CompanyStore(client: client, secrets: box, logger: logger).add(NewCompany(
                id: "1842", teamtailorToken: "tt", linkedInClientID: "client-1842", linkedInClientSecret: "secret-1842",
                organizationURN: "urn:li:organization:55", contractURNs: ["urn:li:contract:9"], jobsPrivate: false))
            let clock = ManualClock()
            let directory = CallbackDirectory(
                postgres: client, secrets: box, logger: logger, cacheLifetime: .seconds(30), limits: limits, now: { clock.now() })
            let token = try await directory.issueToken(companyID: "1842")
            try await body(Fixture(client: client, directory: directory, token: token, clock: clock))
        }
    }

    /// From here on every query fails, so a lookup that still answers did not query.
    static func breakDatabase(_ client: PostgresClient) async throws {
        try await client.query("ALTER TABLE companies RENAME TO companies_gone", logger: TestPostgres.logger)
    }

    static func stranger(_ index: Int) -> String { "made-up-token-\(index)" }

    enum Answer: Equatable { case company(String), unknown, throttled, queryFailed }

    static func lookUp(_ directory: CallbackDirectory, _ token: String) async -> Answer {
        do {
            return try await directory.company(forToken: token).map { .company($0.companyID) } ?? .unknown
        } catch is CallbackLookupThrottled {
            return .throttled
        } catch {
            return .queryFailed
        }
    }

    @Test("a flood of unknown tokens larger than the negative cache never evicts a known token")
    func floodDoesNotEvictKnownTokens() async throws {
        var limits = CallbackDirectory.Limits()
        limits.unknownLookupsPerSecond = 1_000_000
        limits.unknownLookupBurst = 1_000_000
        limits.negativeCacheLimit = 200
        try await withDirectory(limits) { fixture in
            #expect(await Self.lookUp(fixture.directory, fixture.token) == .company("1842"))
            for index in 0..<1_000 {
                #expect(await Self.lookUp(fixture.directory, Self.stranger(index)) == .unknown)
            }
            try await Self.breakDatabase(fixture.client)
            #expect(await Self.lookUp(fixture.directory, fixture.token) == .company("1842"), "the known token was evicted")
        }
    }

    @Test("tokens in neither cache cost at most the budget in queries; past it they are refused without a query until it refills")
    func unknownLookupsAreBudgeted() async throws {
        var limits = CallbackDirectory.Limits()
        limits.unknownLookupsPerSecond = 5
        limits.unknownLookupBurst = 5
        try await withDirectory(limits) { fixture in
            #expect(await Self.lookUp(fixture.directory, fixture.token) == .company("1842"))  // one of the five
            try await Self.breakDatabase(fixture.client)
            let flood = await (0..<100).asyncMap { await Self.lookUp(fixture.directory, Self.stranger($0)) }
            #expect(flood.filter { $0 == .queryFailed }.count == 4, "queries beyond the budget: \(flood.filter { $0 == .queryFailed }.count)")
            #expect(flood.filter { $0 == .throttled }.count == 96)
            #expect(await Self.lookUp(fixture.directory, fixture.token) == .company("1842"), "the company's own token is still answered")

            fixture.clock.advance(1)
            let next = await (100..<110).asyncMap { await Self.lookUp(fixture.directory, Self.stranger($0)) }
            #expect(next.filter { $0 == .queryFailed }.count == 5, "the budget refills at its rate")
            #expect(next.filter { $0 == .throttled }.count == 5)
        }
    }

    @Test("an unknown token is remembered: asked again within the cache lifetime it costs no query")
    func unknownTokensAreRemembered() async throws {
        try await withDirectory(.init()) { fixture in
            #expect(await Self.lookUp(fixture.directory, Self.stranger(1)) == .unknown)
            try await Self.breakDatabase(fixture.client)
            #expect(await Self.lookUp(fixture.directory, Self.stranger(1)) == .unknown)
            fixture.clock.advance(31)
            #expect(await Self.lookUp(fixture.directory, Self.stranger(1)) == .queryFailed, "after its lifetime it is looked up again")
        }
    }

    @Test("a known token whose cache entry ran out is looked up again even when the budget for unknown tokens is spent")
    func knownTokensBypassTheBudget() async throws {
        var limits = CallbackDirectory.Limits()
        limits.unknownLookupsPerSecond = 1
        limits.unknownLookupBurst = 2
        try await withDirectory(limits) { fixture in
            #expect(await Self.lookUp(fixture.directory, fixture.token) == .company("1842"))
            #expect(await Self.lookUp(fixture.directory, Self.stranger(1)) == .unknown)
            #expect(await Self.lookUp(fixture.directory, Self.stranger(2)) == .throttled)
            fixture.clock.advance(31)  // the entry expired; the budget refilled to 2
            for index in 3...4 { #expect(await Self.lookUp(fixture.directory, Self.stranger(index)) == .unknown) }
            #expect(await Self.lookUp(fixture.directory, Self.stranger(5)) == .throttled)
            #expect(await Self.lookUp(fixture.directory, fixture.token) == .company("1842"))
        }
    }
}

extension Sequence {
    /// One after another, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
