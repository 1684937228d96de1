-- The latest state of every Teamtailor entity the outbound worker has seen, one row per
-- (company, type, id). An event whose version is not above the stored one changes nothing.
CREATE TABLE entity_states (
    company_id   text   NOT NULL,
    entity_type  text   NOT NULL CHECK (entity_type IN ('jobs', 'candidates', 'job-applications', 'stages', 'interviews', 'comments')),
    entity_id    text   NOT NULL,
    version      bigint NOT NULL,
    deleted      boolean NOT NULL DEFAULT false,
    attributes   jsonb  NOT NULL DEFAULT '{}',
    relationships jsonb NOT NULL DEFAULT '{}',
    occurred_at  timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, entity_type, entity_id)
);
