import Foundation
import Logging
import PostgresNIO
import RSCSecrets

/// Reads and writes company records; seals secrets on the way in and opens them only on request.
public struct CompanyStore: Sendable {
    let client: PostgresClient
    let secrets: SecretBox
    let logger: Logger

    public init(client: PostgresClient, secrets: SecretBox, logger: Logger) {
        self.client = client
        self.secrets = secrets
        self.logger = logger
    }

    /// The authenticated context of each sealed field: a value moved to another company or field does not open.
    public static func context(_ companyID: String, _ field: String) -> String { "company/\(companyID)/\(field)" }

    public func add(_ company: NewCompany) async throws {
        try company.validate()
        let token = try secrets.seal(company.teamtailorToken, context: Self.context(company.id, "teamtailor-token"))
        let secret = try secrets.seal(company.linkedInClientSecret, context: Self.context(company.id, "linkedin-secret"))
        do {
            try await client.query(
                """
                INSERT INTO companies (company_id, teamtailor_token_sealed, linkedin_client_id, linkedin_secret_sealed,
                                       organization_urn, contract_urns, jobs_private, status)
                VALUES (\(company.id), \(Data(token)), \(company.linkedInClientID), \(Data(secret)),
                        \(company.organizationURN), \(company.contractURNs), \(company.jobsPrivate), 'active')
                """,
                logger: logger
            )
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw CompanyStoreError.duplicate(companyID: company.id)
        }
    }

    static let columns = """
        company_id, linkedin_client_id, organization_urn, contract_urns, jobs_private, status, status_reason,
        created_at, updated_at
        """

    public func list() async throws -> [Company] {
        let rows = try await client.query(
            PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM companies ORDER BY company_id"), logger: logger
        )
        var companies: [Company] = []
        for try await row in rows { companies.append(try Self.company(from: row)) }
        return companies
    }

    public func find(_ companyID: String) async throws -> Company? {
        var query = PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM companies WHERE company_id = $1")
        query.binds.append(companyID)
        for try await row in try await client.query(query, logger: logger) {
            return try Self.company(from: row)
        }
        return nil
    }

    /// "Make all jobs private on LinkedIn". A change queues every job posting LinkedIn holds to be sent
    /// again with its new availability — and nothing else; returns how many. One transaction: no job is sent
    /// with the old setting after the new one is stored.
    @discardableResult
    public func setJobsPrivate(_ companyID: String, _ jobsPrivate: Bool) async throws -> Int {
        do {
            return try await setJobsPrivateInTransaction(companyID, jobsPrivate)
        } catch let error as PostgresTransactionError {
            // Callers (and people) want "company not found", not the transaction wrapper around it.
            throw error.closureError ?? error
        }
    }

    func setJobsPrivateInTransaction(_ companyID: String, _ jobsPrivate: Bool) async throws -> Int {
        try await client.withTransaction(logger: logger) { connection in
            let before = try await connection.query(
                "SELECT jobs_private FROM companies WHERE company_id = \(companyID) FOR UPDATE", logger: logger
            ).decode(Bool.self).reduce(into: [Bool]()) { $0.append($1) }
            guard let current = before.first else { throw CompanyStoreError.notFound(companyID: companyID) }
            guard current != jobsPrivate else { return 0 }
            try await connection.query(
                "UPDATE companies SET jobs_private = \(jobsPrivate), updated_at = now() WHERE company_id = \(companyID)",
                logger: logger)
            let rows = try await connection.query(
                """
                INSERT INTO linkedin_send_queue (company_id, resource, parent_id, record_id, priority)
                SELECT company_id, resource, parent_id, record_id, 0 FROM linkedin_records
                WHERE company_id = \(companyID) AND resource = 'job_posting' AND state <> 'deleted'
                ORDER BY company_id, resource, parent_id, record_id
                ON CONFLICT (company_id, resource, parent_id, record_id) DO UPDATE
                SET change_seq = linkedin_send_queue.change_seq + 1, priority = 0, next_attempt_at = now(), attempts = 0
                RETURNING 1
                """,
                logger: logger)
            var count = 0
            for try await _ in rows { count += 1 }
            return count
        }
    }

    /// Opens the company's secrets; callers must keep them out of logs and errors.
    public func credentials(_ companyID: String) async throws -> CompanyCredentials {
        let rows = try await client.query(
            """
            SELECT teamtailor_token_sealed, linkedin_client_id, linkedin_secret_sealed
            FROM companies WHERE company_id = \(companyID)
            """,
            logger: logger
        )
        for try await (token, clientID, secret) in rows.decode((Data?, String?, Data?).self) {
            guard let token else { throw CompanyStoreError.noCredentials(companyID: companyID) }
            return CompanyCredentials(
                teamtailorToken: try secrets.open(Array(token), context: Self.context(companyID, "teamtailor-token")),
                linkedInClientID: clientID,
                linkedInClientSecret: try secret.map { try secrets.open(Array($0), context: Self.context(companyID, "linkedin-secret")) }
            )
        }
        throw CompanyStoreError.notFound(companyID: companyID)
    }

    /// Re-seals every secret sealed with a previous key under the current one (key rotation); returns how many.
    public func resealAll() async throws -> Int {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT company_id, teamtailor_token_sealed, linkedin_secret_sealed FROM companies FOR UPDATE",
                logger: logger
            )
            var stale: [(String, [UInt8]?, [UInt8]?)] = []
            for try await (id, token, secret) in rows.decode((String, Data?, Data?).self) {
                let tokenBytes = token.map(Array.init), secretBytes = secret.map(Array.init)
                if tokenBytes.map(secrets.needsReseal) == true || secretBytes.map(secrets.needsReseal) == true {
                    stale.append((id, tokenBytes, secretBytes))
                }
            }
            for (id, token, secret) in stale {
                let tokenContext = Self.context(id, "teamtailor-token"), secretContext = Self.context(id, "linkedin-secret")
                let newToken = try token.map { try secrets.seal(try secrets.open($0, context: tokenContext), context: tokenContext) }
                let newSecret = try secret.map { try secrets.seal(try secrets.open($0, context: secretContext), context: secretContext) }
                try await connection.query(
                    """
                    UPDATE companies SET teamtailor_token_sealed = \(newToken.map { Data($0) }),
                                         linkedin_secret_sealed = \(newSecret.map { Data($0) }), updated_at = now()
                    WHERE company_id = \(id)
                    """,
                    logger: logger
                )
            }
            return stale.count
        }
    }

    static func company(from row: PostgresRow) throws -> Company {
        let (id, clientID, organization, contracts, jobsPrivate, status, reason, created, updated) = try row.decode(
            (String, String?, String?, [String], Bool, String, String?, Date, Date).self
        )
        return Company(
            id: id, linkedInClientID: clientID, organizationURN: organization, contractURNs: contracts,
            jobsPrivate: jobsPrivate, status: CompanyStatus(rawValue: status) ?? .parked, statusReason: reason,
            createdAt: created, updatedAt: updated
        )
    }
}
