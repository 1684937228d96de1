import Foundation
import PostgresNIO

/// The steps of connecting and disconnecting a company, as the internal API and the export processor drive them.
extension CompanyStore {
    /// Activation: the company row with its Teamtailor key and the child application's credentials.
    /// A repeated activation (a retry after a crash) replaces the credentials and keeps the rest.
    public func recordActivation(
        companyID: String, teamtailorToken: String, applicationURN: String, clientID: String, clientSecret: String,
        activatedBy: String
    ) async throws {
        guard companyID.wholeMatch(of: /[0-9A-Za-z_-]{1,64}/) != nil else {
            throw CompanyStoreError.invalid(field: "company id", expected: "1–64 letters, digits, '-' or '_'")
        }
        let token = try secrets.seal(teamtailorToken, context: Self.context(companyID, "teamtailor-token"))
        let secret = try secrets.seal(clientSecret, context: Self.context(companyID, "linkedin-secret"))
        try await client.query(
            """
            INSERT INTO companies (company_id, teamtailor_token_sealed, linkedin_client_id, linkedin_secret_sealed,
                                   linkedin_application_urn, activated_by, status, status_reason)
            VALUES (\(companyID), \(Data(token)), \(clientID), \(Data(secret)), \(applicationURN), \(activatedBy),
                    'provisioned', NULL)
            ON CONFLICT (company_id) DO UPDATE SET
                teamtailor_token_sealed = EXCLUDED.teamtailor_token_sealed,
                linkedin_client_id = EXCLUDED.linkedin_client_id,
                linkedin_secret_sealed = EXCLUDED.linkedin_secret_sealed,
                linkedin_application_urn = EXCLUDED.linkedin_application_urn,
                activated_by = EXCLUDED.activated_by,
                -- Re-activating a disconnected company starts over; an active one keeps running.
                status = CASE WHEN companies.status IN ('disconnected', 'disconnecting') THEN 'provisioned' ELSE companies.status END,
                -- A reason left by an activation that lacked the secret no longer holds.
                status_reason = CASE WHEN companies.status IN ('disconnected', 'disconnecting', 'provisioned') THEN NULL
                                     ELSE companies.status_reason END,
                disconnected_at = NULL,
                updated_at = now()
            """,
            logger: logger
        )
    }

    /// LinkedIn has the company's child application but its secret is not held here: the row keeps the application
    /// and the Teamtailor token, no LinkedIn credentials, and `reason` (the remedy in words) for the admin page.
    public func recordApplicationWithoutSecret(
        companyID: String, teamtailorToken: String, applicationURN: String, activatedBy: String, reason: String
    ) async throws {
        guard companyID.wholeMatch(of: /[0-9A-Za-z_-]{1,64}/) != nil else {
            throw CompanyStoreError.invalid(field: "company id", expected: "1–64 letters, digits, '-' or '_'")
        }
        let token = try secrets.seal(teamtailorToken, context: Self.context(companyID, "teamtailor-token"))
        try await client.query(
            """
            INSERT INTO companies (company_id, teamtailor_token_sealed, linkedin_application_urn, activated_by, status, status_reason)
            VALUES (\(companyID), \(Data(token)), \(applicationURN), \(activatedBy), 'provisioned', \(reason))
            ON CONFLICT (company_id) DO UPDATE SET
                teamtailor_token_sealed = EXCLUDED.teamtailor_token_sealed,
                linkedin_application_urn = EXCLUDED.linkedin_application_urn,
                activated_by = EXCLUDED.activated_by,
                status = CASE WHEN companies.status IN ('disconnected', 'disconnecting') THEN 'provisioned' ELSE companies.status END,
                status_reason = EXCLUDED.status_reason,
                disconnected_at = NULL,
                updated_at = now()
            """,
            logger: logger
        )
    }

    /// The onboarding widget's result: the organization and contracts; now waiting for LinkedIn's admin.
    public func recordIntegration(companyID: String, organizationURN: String, contractURNs: [String]) async throws {
        try await updateOne(
            companyID,
            """
            UPDATE companies SET organization_urn = \(organizationURN), contract_urns = \(contractURNs),
                   status = CASE WHEN status = 'active' THEN 'active' ELSE 'waiting_for_linkedin_admin' END,
                   status_reason = NULL, updated_at = now()
            WHERE company_id = \(companyID) RETURNING company_id
            """
        )
    }

    /// LinkedIn's integration status, read after an `INTEGRATION_STATUS_CHANGE` push. Returns true when
    /// this call is the one that enabled the company (the caller then starts the first global sync).
    public func recordIntegrationStatus(companyID: String, enabled: Bool, reason: String?) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE companies AS c SET
                status = CASE WHEN \(enabled) THEN (CASE WHEN c.status = 'parked' THEN 'parked' ELSE 'active' END)
                              ELSE 'waiting_for_linkedin_admin' END,
                status_reason = \(reason),
                integration_enabled_at = CASE WHEN \(enabled) THEN coalesce(c.integration_enabled_at, now()) ELSE NULL END,
                updated_at = now()
            FROM (SELECT company_id, integration_enabled_at AS before FROM companies WHERE company_id = \(companyID) FOR UPDATE) AS old
            WHERE c.company_id = old.company_id AND c.status NOT IN ('disconnecting', 'disconnected')
            RETURNING old.before IS NULL AND \(enabled)
            """,
            logger: logger
        )
        for try await newlyEnabled in rows.decode(Bool.self) { return newlyEnabled }
        throw CompanyStoreError.notFound(companyID: companyID)
    }

    public func setStatus(_ companyID: String, _ status: CompanyStatus, reason: String?) async throws {
        try await updateOne(
            companyID,
            """
            UPDATE companies SET status = \(status.rawValue), status_reason = \(reason), updated_at = now()
            WHERE company_id = \(companyID) RETURNING company_id
            """
        )
    }

    /// The end of a disconnect: the customer's Teamtailor key and the callback URL's token are forgotten; the row
    /// stays to say it happened.
    ///
    /// The child application's credentials stay, sealed: they are this integration's own (not the customer's), and
    /// LinkedIn shows a child application's secret only in the answer that creates it and offers no way to delete
    /// or re-issue it — forgetting it would make reconnecting the company impossible without LinkedIn's partner
    /// support. Nothing uses them while the company is disconnected (no sender, poller or push runs for it).
    public func forgetCredentials(_ companyID: String) async throws {
        try await updateOne(
            companyID,
            """
            UPDATE companies SET teamtailor_token_sealed = NULL,
                   callback_token_sha256 = NULL, status = 'disconnected', status_reason = NULL,
                   disconnected_at = now(), updated_at = now()
            WHERE company_id = \(companyID) RETURNING company_id
            """
        )
    }

    /// The child application's client id and secret, when held — whether or not a Teamtailor key is (a
    /// disconnected company keeps them for reconnecting).
    public func childApplicationCredentials(_ companyID: String) async throws -> (clientID: String, clientSecret: String)? {
        let rows = try await client.query(
            "SELECT linkedin_client_id, linkedin_secret_sealed FROM companies WHERE company_id = \(companyID)", logger: logger)
        for try await (clientID, secret) in rows.decode((String?, Data?).self) {
            guard let clientID, let secret else { return nil }
            return (clientID, try secrets.open(Array(secret), context: Self.context(companyID, "linkedin-secret")))
        }
        throw CompanyStoreError.notFound(companyID: companyID)
    }

    public func applicationURN(_ companyID: String) async throws -> String? {
        let rows = try await client.query(
            "SELECT linkedin_application_urn FROM companies WHERE company_id = \(companyID)", logger: logger)
        for try await urn in rows.decode(String?.self) { return urn }
        throw CompanyStoreError.notFound(companyID: companyID)
    }

    func updateOne(_ companyID: String, _ query: PostgresQuery) async throws {
        var found = false
        for try await _ in try await client.query(query, logger: logger) { found = true }
        guard found else { throw CompanyStoreError.notFound(companyID: companyID) }
    }
}
