-- What LinkedIn should hold, per record, and what it does hold (by content hash).

-- Every stage an application has been seen in, with when it entered it. Kept from every event, stale
-- ones included: a stage entered is history even if a newer version has already moved on.
CREATE TABLE application_stage_entries (
    company_id     text NOT NULL,
    application_id text NOT NULL,
    stage_id       text NOT NULL,
    entered_at     timestamptz NOT NULL,
    PRIMARY KEY (company_id, application_id, stage_id)
);
CREATE INDEX application_stage_entries_stage ON application_stage_entries (company_id, stage_id);

-- Lookups the dirty marking makes: the applications of a candidate or of a job.
CREATE INDEX entity_states_application_candidate ON entity_states (company_id, (relationships->'candidate'->'data'->>'id'))
    WHERE entity_type = 'job-applications';
CREATE INDEX entity_states_application_job ON entity_states (company_id, (relationships->'job'->'data'->>'id'))
    WHERE entity_type = 'job-applications';

CREATE TABLE linkedin_records (
    company_id      text NOT NULL,
    resource        text NOT NULL CHECK (resource IN ('job_posting', 'candidate', 'candidate_note', 'application',
                                                      'application_note', 'application_stage', 'interview_feedback')),
    parent_id       text NOT NULL DEFAULT '',
    record_id       text NOT NULL,
    -- Something changed that LinkedIn has not seen yet.
    dirty           boolean NOT NULL DEFAULT true,
    -- The oldest unsent change: "oldest pending" on status pages and alerts.
    dirty_since     timestamptz,
    -- occurred_at of the oldest unsent Teamtailor change, for end-to-end latency.
    change_occurred_at timestamptz,
    -- 0: a live change; 1: first global sync. Live work always goes first.
    priority        smallint NOT NULL DEFAULT 0,
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'synced', 'not_matched', 'waiting', 'failed', 'skipped', 'deleted')),
    -- In words for people: why not matched, what LinkedIn refused, what it waits for.
    state_reason    text,
    -- The record this one waits for on LinkedIn (e.g. `candidate/90211`); re-dirtied when that syncs.
    waiting_on      text,
    -- Bumped by every mark: a send finishing with an older number leaves the record dirty.
    change_seq      bigint NOT NULL DEFAULT 0,
    -- SHA-256 of the canonical JSON LinkedIn holds; null when LinkedIn holds nothing.
    synced_hash     text,
    -- A job posting's LinkedIn task, polled until it ends, and the hash of what that task carries.
    job_task_id     text,
    pending_hash    text,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_synced_at  timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, resource, parent_id, record_id)
);
CREATE INDEX linkedin_records_dirty ON linkedin_records (company_id, priority, dirty_since) WHERE dirty;
CREATE INDEX linkedin_records_waiting ON linkedin_records (company_id, waiting_on) WHERE waiting_on IS NOT NULL;
CREATE INDEX linkedin_records_children ON linkedin_records (company_id, parent_id) WHERE parent_id <> '';
CREATE INDEX linkedin_records_job_tasks ON linkedin_records (company_id) WHERE job_task_id IS NOT NULL;

-- The LinkedIn member each candidate is matched to (read back after upserting, or set by an export).
CREATE TABLE candidate_members (
    company_id   text NOT NULL,
    candidate_id text NOT NULL,
    person_urn   text NOT NULL CHECK (person_urn ~ '^urn:li:person:'),
    matched_by   text NOT NULL CHECK (matched_by IN ('linkedin', 'export', 'manual')),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, candidate_id)
);
CREATE INDEX candidate_members_person ON candidate_members (company_id, person_urn);

-- LinkedIn usage per company and second, for a sliding-window quota held across all replicas.
CREATE TABLE linkedin_usage (
    company_id text NOT NULL,
    second     timestamptz NOT NULL,
    records    integer NOT NULL DEFAULT 0,
    calls      integer NOT NULL DEFAULT 0,
    PRIMARY KEY (company_id, second)
);

-- Which replica sends for a company: one call at a time per company, across the fleet.
CREATE TABLE sender_leases (
    company_id text PRIMARY KEY,
    owner      text NOT NULL,
    expires_at timestamptz NOT NULL
);

-- A company whose LinkedIn access failed is retried on a slow schedule.
ALTER TABLE companies ADD COLUMN parked_until timestamptz;
ALTER TABLE companies ADD COLUMN last_sync_success_at timestamptz;
