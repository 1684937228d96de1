import Crypto
import Foundation
import Logging
import PostgresNIO
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
public actor CallbackDirectory {
    let postgres: PostgresClient
    let secrets: SecretBox
    let logger: Logger
    let cacheLifetime: Duration
    let now: @Sendable () -> Date
    private var cache: [Data: (company: CallbackCompany?, expires: Date)] = [:]
    private static let cacheLimit = 10_000

    public init(
        postgres: PostgresClient, secrets: SecretBox, logger: Logger, cacheLifetime: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.postgres = postgres
        self.secrets = secrets
        self.logger = logger
        self.cacheLifetime = cacheLifetime
        self.now = now
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
        cache.removeAll()
        return token
    }

    /// The company behind a token, or nil for an unknown token or a company with no LinkedIn application.
    public func company(forToken token: String) async throws -> CallbackCompany? {
        let digest = Self.digest(token)
        let moment = now()
        if let cached = cache[digest], cached.expires > moment { return cached.company }
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
        if cache.count >= Self.cacheLimit { cache.removeAll() }
        cache[digest] = (found, moment.addingTimeInterval(Double(cacheLifetime.components.seconds)))
        return found
    }

    public func forget() { cache.removeAll() }

    static func digest(_ token: String) -> Data { Data(SHA256.hash(data: Data(token.utf8))) }

    static func newToken() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
