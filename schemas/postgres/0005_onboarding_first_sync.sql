-- Connecting a company from Teamtailor's settings page, and its first global sync.

-- A company is created by activation, before LinkedIn credentials exist, and a disconnect forgets every
-- credential while the row stays as a record that the company was connected once.
ALTER TABLE companies ALTER COLUMN teamtailor_token_sealed DROP NOT NULL;
-- The child application's URN (`key` of provisionedApplications), kept for support and for deletion.
ALTER TABLE companies ADD COLUMN linkedin_application_urn text;
-- Who connected the company (a Teamtailor user id), and when LinkedIn's admin enabled it.
ALTER TABLE companies ADD COLUMN activated_by text;
ALTER TABLE companies ADD COLUMN integration_enabled_at timestamptz;
ALTER TABLE companies ADD COLUMN disconnected_at timestamptz;
-- A status step the admin page shows (e.g. "LinkedIn integration disabled by the Recruiter admin").
ALTER TABLE companies DROP CONSTRAINT companies_status_check;
ALTER TABLE companies ADD CONSTRAINT companies_status_check
    CHECK (status IN ('provisioned', 'waiting_for_linkedin_admin', 'active', 'parked', 'disconnecting', 'disconnected'));

-- First global sync: one row per company and Teamtailor resource, read page by page. `cursor` is the
-- opaque next-page URL; after a crash the read resumes there (a page read twice changes nothing: the
-- version rule keeps what is already stored).
CREATE TABLE first_sync_progress (
    company_id   text NOT NULL,
    resource     text NOT NULL CHECK (resource IN ('users', 'jobs', 'stages', 'candidates', 'job-applications', 'interviews', 'notes')),
    position     integer NOT NULL,
    state        text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'reading', 'read', 'failed')),
    cursor       text,
    read_count   integer NOT NULL DEFAULT 0,
    total        integer,
    started_at   timestamptz,
    read_at      timestamptz,
    last_error   text,
    PRIMARY KEY (company_id, resource)
);

-- Which replica reads a company's history: one reader per company across the fleet.
CREATE TABLE first_sync_leases (
    company_id text PRIMARY KEY,
    owner      text NOT NULL,
    expires_at timestamptz NOT NULL
);

-- The member's profile URL when known (an export carries it), for the candidate page.
ALTER TABLE candidate_members ADD COLUMN profile_url text;
