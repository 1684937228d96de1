import Crypto
import Foundation
import Hummingbird
import Logging
import Metrics
import PostgresNIO
import RSCRetry
import RSCSecrets
import RSCStore

/// The company a callback URL belongs to, with what verifying its pushes needs.
public struct CallbackCompany: Sendable {
    public var companyID: String
    public var organizationURN: String?
    public var signature: CallbackSignature
}

/// Callback URL tokens: issued per company, looked up per request. Only the token's SHA-256 is stored.
///
/// Lookups are cached for a short while: LinkedIn's pushes and challenges come in bursts, and the answer
/// must stay fast (the acknowledgement goal is p99 ≤ 50 ms) without a database round trip and an AES-GCM
/// open per request. A re-issued token or a disconnect takes effect within `cacheLifetime`.
///
/// The public listener is open to anyone, so a stranger can send requests with made-up tokens as fast as
/// they like. Three things keep that from reaching the database or the companies' own pushes:
/// - known tokens live in their own cache, which an unknown token never enters, so a flood cannot evict
///   them; an expired entry is refreshed without limit (it is a company's);
/// - unknown tokens are remembered too (the negative cache, bounded: when full, only it is emptied);
/// - a token in neither cache costs a query only within a budget (`unknownLookupsPerSecond`, a token
///   bucket on the injected clock); past it the lookup is refused as `CallbackLookupThrottled` (503 with
///   Retry-After) without a query, so a flood of fresh random tokens costs the database at most that many
///   queries a second.
public actor CallbackDirectory {
    public struct Limits: Sendable {
        /// Queries a second for tokens in neither cache (a new company's first push, or a stranger's guess).
        public var unknownLookupsPerSecond: Double = 50
        /// How many such queries may come at once after a quiet spell.
        public var unknownLookupBurst: Double = 100
        /// Unknown tokens remembered at most; past it the negative cache is emptied (never the known one).
        public var negativeCacheLimit = 10_000
        public init() {}
    }

    let postgres: PostgresClient
    let secrets: SecretBox
    let logger: Logger
    let cacheLifetime: Duration
    let limits: Limits
    let now: @Sendable () -> Date
    private var known: [Data: (company: CallbackCompany, expires: Date)] = [:]
    private var unknown: [Data: Date] = [:]
    private var budget: (tokens: Double, at: Date?) = (0, nil)

    public init(
        postgres: PostgresClient, secrets: SecretBox, logger: Logger, cacheLifetime: Duration = .seconds(30),
        limits: Limits = Limits(), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.postgres = postgres
        self.secrets = secrets
        self.logger = logger
        self.cacheLifetime = cacheLifetime
        self.limits = limits
        self.now = now
        self.budget = (limits.unknownLookupBurst, nil)
    }

    /// A new unguessable token for the company (256 random bits, URL-safe); the previous one stops working.
    public func issueToken(companyID: String) async throws -> String {
        let token = Self.newToken()
        let rows = try await postgres.query(
            """
            UPDATE companies SET callback_token_sha256 = \(Self.digest(token)), updated_at = now()
            WHERE company_id = \(companyID) RETURNING company_id
            """,
            logger: logger
        )
        var found = false
        for try await _ in rows { found = true }
        guard found else { throw CompanyStoreError.notFound(companyID: companyID) }
        known = known.filter { $0.value.company.companyID != companyID }
        unknown.removeAll()
        return token
    }

    /// The company behind a token, or nil for an unknown token or a company with no LinkedIn application.
    /// Throws `CallbackLookupThrottled` when the token is in neither cache and the query budget is spent.
    public func company(forToken token: String) async throws -> CallbackCompany? {
        let digest = Self.digest(token)
        let moment = now()
        let wasKnown: Bool
        if let entry = known[digest] {
            if entry.expires > moment { return entry.company }
            wasKnown = true
        } else {
            if let expires = unknown[digest], expires > moment { return nil }
            wasKnown = false
        }
        if !wasKnown, !spendUnknownLookup(at: moment) {
            Counter(label: "rsc_export_callback_lookups_throttled_total").increment()
            throw CallbackLookupThrottled()
        }
        let found = try await lookUp(digest)
        let expires = moment.addingTimeInterval(cacheLifetime.timeInterval)
        if let found {
            known[digest] = (found, expires)
            unknown[digest] = nil
        } else {
            known[digest] = nil
            if unknown.count >= limits.negativeCacheLimit { unknown.removeAll() }
            unknown[digest] = expires
        }
        return found
    }

    /// Takes one query from the budget, refilled at `unknownLookupsPerSecond` up to the burst.
    private func spendUnknownLookup(at moment: Date) -> Bool {
        let elapsed = budget.at.map { max(0, moment.timeIntervalSince($0)) } ?? 0
        budget.tokens = min(limits.unknownLookupBurst, budget.tokens + elapsed * limits.unknownLookupsPerSecond)
        budget.at = moment
        guard budget.tokens >= 1 else { return false }
        budget.tokens -= 1
        return true
    }

    private func lookUp(_ digest: Data) async throws -> CallbackCompany? {
        var found: CallbackCompany?
        let rows = try await postgres.query(
            """
            SELECT company_id, organization_urn, linkedin_secret_sealed FROM companies
            WHERE callback_token_sha256 = \(digest) AND status <> 'disconnected' AND linkedin_secret_sealed IS NOT NULL
            """,
            logger: logger
        )
        for try await (companyID, organization, sealed) in rows.decode((String, String?, Data).self) {
            let secret = try secrets.open(Array(sealed), context: CompanyStore.context(companyID, "linkedin-secret"))
            found = CallbackCompany(
                companyID: companyID, organizationURN: organization, signature: CallbackSignature(clientSecret: secret))
        }
        return found
    }

    public func forget() {
        known.removeAll()
        unknown.removeAll()
    }

    static func digest(_ token: String) -> Data { Data(SHA256.hash(data: Data(token.utf8))) }

    static func newToken() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// A token that no cache knows came while the budget of database lookups for such tokens was spent:
/// answered 503 with Retry-After (LinkedIn retries; a stranger's flood stops at the budget).
public struct CallbackLookupThrottled: Error, HTTPResponseError {
    public var status: HTTPResponse.Status { .serviceUnavailable }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONAnswer.error(
            .serviceUnavailable, code: "lookup_throttled", "too many requests for unknown callback URLs; retry in a second")
        response.headers[.retryAfter] = "1"
        return response
    }
}
