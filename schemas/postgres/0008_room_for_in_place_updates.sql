-- A record marked dirty again, a send recorded, an entity's newer state: each rewrites a row. With room left
-- on every page PostgreSQL rewrites it in place (a HOT update: no new index entries) whenever no indexed
-- column changes, which is most re-marks of a record still waiting to be sent. Applies to pages written
-- from now on; an existing large table gets it at its next rewrite (docs/operations.md).
ALTER TABLE linkedin_records SET (fillfactor = 80);
ALTER TABLE entity_states SET (fillfactor = 80);
