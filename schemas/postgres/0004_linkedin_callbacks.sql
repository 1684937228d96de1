-- LinkedIn's pushes to each company's callback URL ("Export to ATS", integration status changes).

-- The callback URL carries an unguessable token, not the company id. Only its SHA-256 is kept: a database
-- dump does not reveal a working URL, and a lookup by hash is as fast as one by token.
ALTER TABLE companies ADD COLUMN callback_token_sha256 bytea UNIQUE;

-- Every accepted notification, stored before LinkedIn gets its 202, processed in the background.
-- (company, notification id) is unique: a replay is acknowledged and changes nothing.
CREATE TABLE linkedin_notifications (
    company_id          text NOT NULL,
    notification_id     text NOT NULL CHECK (length(notification_id) BETWEEN 1 AND 200),
    type                text NOT NULL CHECK (type IN ('EXPORT_CANDIDATE_PROFILE', 'INTEGRATION_STATUS_CHANGE')),
    request_id          text NOT NULL,
    integration_context text NOT NULL,
    occurred_at         timestamptz,
    received_at         timestamptz NOT NULL,
    state               text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts            integer NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL,
    -- A processor holds a notification until this moment; another replica takes it over afterwards.
    claimed_until       timestamptz,
    last_error          text,
    processed_at        timestamptz,
    -- What processing did (ids in Teamtailor, the person linked), for support and the status page.
    outcome             jsonb,
    PRIMARY KEY (company_id, notification_id)
);
CREATE INDEX linkedin_notifications_due ON linkedin_notifications (next_attempt_at) WHERE state = 'pending';

-- Problems an admin should see on the settings page, in words, grouped by cause. No personal data:
-- subjects are ids (a request id, a job id), never names or emails.
CREATE TABLE company_errors (
    id          bigserial PRIMARY KEY,
    company_id  text NOT NULL,
    source      text NOT NULL CHECK (source IN ('export', 'onboarding', 'first_sync', 'inbound', 'outbound')),
    cause       text NOT NULL,
    message     text NOT NULL,
    subject     text,
    occurred_at timestamptz NOT NULL
);
CREATE INDEX company_errors_recent ON company_errors (company_id, occurred_at DESC);
