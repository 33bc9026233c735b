-- Objects inside the `smartcity` database (run by `stack up` as the postgres superuser, connected to smartcity,
-- on every up: idempotent).

-- TimescaleDB is not a trusted extension, so the superuser creates it once; migrations then use it as the owner.
CREATE EXTENSION IF NOT EXISTS timescaledb;

-- The owner role owns the public schema: migrations create tables there and GRANT what the app role needs, table
-- by table (no ALTER DEFAULT PRIVILEGES: every grant is explicit in a migration).
ALTER SCHEMA public OWNER TO smartcity_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO smartcity_app;

-- Chunks of a hypertable inherit the hypertable's GRANTs but not its RLS policies (timescaledb#7830): a role that
-- may SELECT a hypertable reads every tenant's rows by querying a chunk directly (checked here with 2.19.3).
-- USAGE on _timescaledb_internal cannot be taken from the app role: TimescaleDB itself then fails its queries
-- ("permission denied for schema _timescaledb_internal", even for SELECT ... FROM pg_extension). So:
--  * migrations create hypertables with associated_schema_name => '<a schema the app role has no USAGE on>';
--  * here, chunks that already sit in _timescaledb_internal lose their direct grants (DML through the hypertable
--    does not need them; checked), each time `stack up` runs.
--    Only chunk tables: TimescaleDB's own tables/views there keep their PUBLIC grants.
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT schema_name, table_name FROM _timescaledb_catalog.chunk
           WHERE schema_name = '_timescaledb_internal' AND NOT dropped LOOP
    EXECUTE format('REVOKE ALL ON TABLE %I.%I FROM PUBLIC, smartcity_app', c.schema_name, c.table_name);
  END LOOP;
END
$$;
