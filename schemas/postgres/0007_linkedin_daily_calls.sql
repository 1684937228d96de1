-- LinkedIn calls per company and UTC day: the daily quota (100,000 calls) is one row to read, where summing
-- a day of per-second usage cost up to 86,400 rows on every call. `linkedin_usage` now only serves the
-- records-per-window quota and recent rates, and is pruned to that.
CREATE TABLE linkedin_daily_calls (
    company_id text NOT NULL,
    day        date NOT NULL,
    calls      integer NOT NULL DEFAULT 0,
    PRIMARY KEY (company_id, day)
);
INSERT INTO linkedin_daily_calls (company_id, day, calls)
SELECT company_id, (second AT TIME ZONE 'UTC')::date, sum(calls)
FROM linkedin_usage
GROUP BY 1, 2;
ALTER TABLE linkedin_usage DROP COLUMN calls;
-- The gauges read recent usage across companies.
CREATE INDEX linkedin_usage_second ON linkedin_usage (second);
