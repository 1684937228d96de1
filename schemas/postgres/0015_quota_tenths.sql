-- The sender's quota counts LinkedIn usage in tenth-of-a-second buckets instead of whole seconds.
--
-- LinkedIn counts 10,000 records in its own fixed minute, whose start we cannot see. A sliding window over
-- buckets is safe wherever that minute starts only if it reaches one bucket further back than a minute; with
-- whole seconds that is 61 s, so a backlogged first sync could never use more than 60/61 of the quota (98.4 %,
-- 97.1–97.7 % measured). With tenths it is 60.1 s, plus 0.4 s for a counted call to reach LinkedIn (LinkedIn
-- counts on arrival; a round re-dates its unspent reservation every 0.3 s): 60.5 s, 99.2 %.
--
-- The column keeps its name: migrations only add, so pods of the previous release keep working during a rollout
-- (docs/operations.md). They write whole-second buckets and look 61 s back, which stays safe over tenths; a new
-- pod taking a company over from an old one may count up to a second of the old pod's last usage short once, and
-- LinkedIn's 429 with its Retry-After covers that.
COMMENT ON COLUMN linkedin_usage.second IS
    'Start of the usage bucket: a tenth of a second since migration 0015 (whole seconds before); the name is kept for rolling upgrades';
