-- The standing reconciliation: per company, a pass that re-reads what changed in Teamtailor since the last
-- one (daily) and, less often (weekly), a full pass that also finds deletes no event carried.

CREATE TABLE reconcile_state (
    company_id            text PRIMARY KEY,
    -- Asked for now (`rsc companies reconcile`, or a detected gap in the change topics); cleared when a pass starts.
    requested_at          timestamptz,
    requested_full        boolean NOT NULL DEFAULT false,
    -- The pass in hand, resumable after a crash: the resource being read and its page cursor.
    running_kind          text CHECK (running_kind IN ('incremental', 'full')),
    running_since         timestamptz,
    running_started_at    timestamptz,
    running_resource      text,
    running_cursor        text,
    running_checked       jsonb NOT NULL DEFAULT '{}',
    running_repaired      jsonb NOT NULL DEFAULT '{}',
    -- The last completed pass, as the admin page and the alert read it.
    last_kind             text CHECK (last_kind IN ('incremental', 'full')),
    last_started_at       timestamptz,
    last_finished_at      timestamptz,
    last_full_finished_at timestamptz,
    last_checked          jsonb NOT NULL DEFAULT '{}',
    last_repaired         jsonb NOT NULL DEFAULT '{}',
    last_error            text
);

-- Which replica runs a company's pass: one at a time per company across the fleet.
CREATE TABLE reconcile_leases (
    company_id text PRIMARY KEY,
    owner      text NOT NULL,
    expires_at timestamptz NOT NULL
);
