-- The sender's quota counts LinkedIn usage in tenth-of-a-second buckets instead of whole seconds.
--
-- LinkedIn counts 10,000 records in its own fixed minute, whose start we cannot see. A sliding window over
-- buckets is safe wherever that minute starts only if it reaches one bucket further back than a minute; with
-- whole seconds that is 61 s, so a backlogged first sync could never use more than 60/61 of the quota (98.4 %,
-- 97.1–97.7 % measured). With tenths it is 60.1 s: 99.8 %.
ALTER TABLE linkedin_usage RENAME COLUMN second TO bucket_start;
ALTER INDEX linkedin_usage_second RENAME TO linkedin_usage_bucket_start;
