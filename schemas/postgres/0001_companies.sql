-- Companies connected to LinkedIn RSC. Tokens and secrets are AES-GCM sealed by the application
-- (RSC_SECRET_KEY); the database never sees them in clear text.
CREATE TABLE companies (
    company_id              text PRIMARY KEY CHECK (company_id ~ '^[0-9A-Za-z_-]{1,64}$'),
    teamtailor_token_sealed bytea NOT NULL,
    linkedin_client_id      text,
    linkedin_secret_sealed  bytea,
    organization_urn        text CHECK (organization_urn ~ '^urn:li:organization:[0-9]+$'),
    contract_urns           text[] NOT NULL DEFAULT '{}',
    jobs_private            boolean NOT NULL DEFAULT false,
    status                  text NOT NULL DEFAULT 'active'
                            CHECK (status IN ('provisioned', 'waiting_for_linkedin_admin', 'active', 'parked', 'disconnected')),
    status_reason           text,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    -- A company with a LinkedIn client id must have its secret, and the other way round.
    CHECK ((linkedin_client_id IS NULL) = (linkedin_secret_sealed IS NULL))
);

CREATE INDEX companies_status ON companies (status);
