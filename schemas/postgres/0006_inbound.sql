-- rsc-inbound: LinkedIn notes, InMails and shared contact details pulled into Teamtailor (issue 5).

-- When each company is next polled, and which replica holds it. A lease past `lease_expires_at` belongs
-- to nobody: a crashed replica's company is taken over by the next replica that looks.
CREATE TABLE inbound_schedule (
    company_id       text PRIMARY KEY,
    next_poll_at     timestamptz NOT NULL,
    lease_owner      text,
    lease_expires_at timestamptz,
    last_started_at  timestamptz,
    last_finished_at timestamptz,
    -- success | access_lost | teamtailor_unauthorized | quota | no_credentials | failed
    last_outcome     text,
    -- In words for people; never personal data.
    last_error       text,
    polls            integer NOT NULL DEFAULT 0
);
CREATE INDEX inbound_schedule_due ON inbound_schedule (next_poll_at);

-- How far each seat's notes, InMails and stubs have been written: the start of the next window
-- (epoch milliseconds). Moved only after every item of a window is recorded below.
CREATE TABLE inbound_cursors (
    company_id text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('note', 'inmail', 'stub')),
    seat       text NOT NULL,
    position   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, kind, seat)
);

-- Every LinkedIn item seen, once (unique id per kind). `state`:
--   waiting  the member has no Teamtailor candidate yet (payload kept until it has);
--   pending  read, not yet written;
--   writing  a Teamtailor write may be in flight (the intent): a retry looks for it before writing again;
--   written  in Teamtailor as `teamtailor_id` at `written_version`; deleted: removed there (or never shown);
--   failed   Teamtailor refused it for good (reason in last_error).
-- `payload` (note text, InMail, contact values) is personal data: kept only until the item is written.
CREATE TABLE inbound_items (
    company_id      text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('note', 'inmail', 'stub')),
    item_id         text NOT NULL,
    member          text NOT NULL,
    seat            text NOT NULL,
    -- Notes: lastModified; InMails and stubs: createdAt (epoch milliseconds).
    version         bigint NOT NULL,
    payload         jsonb,
    state           text NOT NULL CHECK (state IN ('waiting', 'pending', 'writing', 'written', 'deleted', 'failed')),
    candidate_id    text,
    teamtailor_id   text,
    written_version bigint,
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, kind, item_id)
);
CREATE INDEX inbound_items_open ON inbound_items (company_id, member) WHERE state IN ('waiting', 'pending', 'writing');

-- Recruiter-data calls per LinkedIn application and UTC day (LinkedIn allows 100,000 a day for all of
-- them together), shared by every replica.
CREATE TABLE inbound_linkedin_calls (
    client_id text NOT NULL,
    day       date NOT NULL,
    calls     integer NOT NULL DEFAULT 0,
    PRIMARY KEY (client_id, day)
);
