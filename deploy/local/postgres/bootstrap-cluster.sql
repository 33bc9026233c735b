-- Cluster-level objects of the local stack (run by `stack up` as the postgres superuser, on every up: idempotent).
-- Development passwords only; production credentials come from configuration.

-- smartcity_owner: runs the migrations and owns the schema objects. Not a superuser, cannot bypass RLS.
-- smartcity_app: what the applications connect as. Owns nothing, so FORCE/ENABLE ROW LEVEL SECURITY always applies
-- to it (PostgreSQL 15 docs, ddl-rowsecurity: owners and BYPASSRLS roles skip policies unless FORCE is set).
SELECT 'CREATE ROLE smartcity_owner LOGIN'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'smartcity_owner') \gexec
SELECT 'CREATE ROLE smartcity_app LOGIN'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'smartcity_app') \gexec

ALTER ROLE smartcity_owner WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD 'smartcity_owner';
ALTER ROLE smartcity_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD 'smartcity_app';

SELECT 'CREATE DATABASE smartcity OWNER smartcity_owner ENCODING ''UTF8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'smartcity') \gexec
ALTER DATABASE smartcity OWNER TO smartcity_owner;

-- Only the two roles may connect (and the superuser, for administration).
REVOKE ALL ON DATABASE smartcity FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE smartcity TO smartcity_app;
GRANT CONNECT, TEMPORARY, CREATE ON DATABASE smartcity TO smartcity_owner;
