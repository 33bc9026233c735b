-- Up Migration
--
-- Bulk device commands (issue 9): the commands created by one bulk mutation share a batch id, so a client can
-- follow the per-device outcomes of "dim these 100 lamps" with one query.
ALTER TABLE commands ADD COLUMN batch_id uuid;
CREATE INDEX commands_batch ON commands (batch_id) WHERE batch_id IS NOT NULL;

-- Down Migration
DROP INDEX IF EXISTS commands_batch;
ALTER TABLE commands DROP COLUMN IF EXISTS batch_id;
