-- What LinkedIn has not seen yet moves out of `linkedin_records` into a queue of its own.
--
-- Before, every record sent turned from dirty to clean and every record changed from clean to dirty: columns
-- of the partial "dirty" index, so neither update could be HOT and each wrote an entry into every index of
-- the widest table; and the consumer's marking and the sender's outcome write locked the same rows, so one
-- waited for the other's transaction (issue 18's profile: two thirds of PostgreSQL's time, a sampled outcome
-- write 127 of its 177 ms in LockRows).
--
-- Now the marking inserts a narrow queue row (or bumps the one there) and nothing else; the sender writes what
-- LinkedIn holds in `linkedin_records` (a record's row comes with its first outcome; later outcomes change no
-- indexed column: HOT updates) and deletes the queue row only if nobody marked it again meanwhile. A queue row the consumer is marking right now is
-- skipped rather than waited for: the marking moves its `change_seq`, so it would stay anyway.

CREATE TABLE linkedin_send_queue (
    company_id         text NOT NULL,
    resource           text NOT NULL,
    parent_id          text NOT NULL,
    record_id          text NOT NULL,
    -- 0: a live change; 1: first global sync; 2: reconciliation. Live work always goes first.
    priority           smallint NOT NULL,
    -- The oldest unsent change: "oldest pending" on status pages and alerts.
    dirty_since        timestamptz NOT NULL DEFAULT now(),
    -- occurred_at of the oldest unsent Teamtailor change, for end-to-end latency.
    change_occurred_at timestamptz,
    -- Bumped by every mark: a send finishing with an older number leaves the row queued. Only the company's
    -- sender (one per company, under its lease) deletes a row, so a number is never reused under it.
    change_seq         bigint NOT NULL DEFAULT 0,
    attempts           integer NOT NULL DEFAULT 0,
    next_attempt_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, resource, parent_id, record_id)
);
CREATE INDEX linkedin_send_queue_order ON linkedin_send_queue (company_id, priority, dirty_since);
-- Re-marks and retries rewrite a queued row without touching its indexed columns: room for HOT updates.
ALTER TABLE linkedin_send_queue SET (fillfactor = 80);

INSERT INTO linkedin_send_queue (company_id, resource, parent_id, record_id, priority, dirty_since, change_occurred_at,
                                 change_seq, attempts, next_attempt_at)
SELECT company_id, resource, parent_id, record_id, priority, coalesce(dirty_since, now()), change_occurred_at,
       change_seq, attempts, next_attempt_at
FROM linkedin_records WHERE dirty;

DROP INDEX linkedin_records_dirty;
ALTER TABLE linkedin_records
    DROP COLUMN dirty,
    DROP COLUMN dirty_since,
    DROP COLUMN change_occurred_at,
    DROP COLUMN priority,
    DROP COLUMN change_seq,
    DROP COLUMN attempts,
    DROP COLUMN next_attempt_at;
