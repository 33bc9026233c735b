-- Up Migration
--
-- Bootstrap configuration, the rest of what issue 18 asks a tenant can set (LwM2M Core 1.1.1 §E.2, §6.1.7.4):
-- - default observation attributes: the Server object's Default Minimum Period (resource 2) and Default Maximum
--   Period (resource 3), written with the account; NULL: not written (the client's defaults, pmin 0, no pmax);
-- - object writes: more Bootstrap-Writes of object instances after the account, e.g. a uCIFI lamp controller's
--   default dimming level (/3416/0 resource 4), each for every device or for devices of given categories. Stored as
--   JSON [{path, values, categories, objectVersion?}]: checked against the object models by every edge that sets
--   them (GraphQL, CLI) and again when written (the bootstrap server), never executed as code.
ALTER TABLE bootstrap_configs
  ADD COLUMN default_min_period integer CHECK (default_min_period BETWEEN 0 AND 31536000),
  ADD COLUMN default_max_period integer CHECK (default_max_period BETWEEN 1 AND 31536000),
  ADD COLUMN object_writes jsonb NOT NULL DEFAULT '[]'::jsonb
    CHECK (jsonb_typeof(object_writes) = 'array' AND jsonb_array_length(object_writes) <= 16
           AND octet_length(object_writes::text) <= 16384),
  ADD CONSTRAINT bootstrap_configs_periods
    CHECK (default_min_period IS NULL OR default_max_period IS NULL OR default_min_period <= default_max_period);

-- Down Migration
ALTER TABLE bootstrap_configs
  DROP CONSTRAINT bootstrap_configs_periods,
  DROP COLUMN object_writes,
  DROP COLUMN default_max_period,
  DROP COLUMN default_min_period;
