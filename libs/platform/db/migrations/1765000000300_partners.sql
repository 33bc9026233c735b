-- Up Migration
--
-- Partners of a city (issue 21): consumers of its partner topics city.<tenant>.telemetry.v1 / .events.v1 with their
-- own Kafka SCRAM-SHA-512 principal User:partner-<id> (created by the gateway through AlterUserScramCredentials,
-- KIP-554) and READ ACLs on the topics chosen and on the consumer groups prefixed with the username. The secret is
-- shown once at creation or rotation; only its scrypt hash is kept here (the broker keeps its own SCRAM verifier).
-- A revoked partner keeps its row (who had access, until when) without a hash; its Kafka user and ACLs are gone.
CREATE TABLE partners (
  id uuid PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  topics text[] NOT NULL CHECK (
    cardinality(topics) BETWEEN 1 AND 2 AND topics <@ ARRAY['telemetry', 'events']::text[]
  ),
  -- The Kafka principal name; fixed length, so no partner's group prefix is a prefix of another's.
  username text NOT NULL UNIQUE CHECK (username = 'partner-' || id::text),
  secret_hash text CHECK (secret_hash IS NULL OR secret_hash LIKE 'scrypt$%'),
  secret_rotated_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((revoked_at IS NULL) = (secret_hash IS NOT NULL))
);
CREATE UNIQUE INDEX partners_active_name ON partners (tenant_id, name) WHERE revoked_at IS NULL;
CREATE INDEX partners_tenant_created ON partners (tenant_id, created_at);

ALTER TABLE partners ENABLE ROW LEVEL SECURITY;
ALTER TABLE partners FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON partners TO smartcity_app
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY platform_admin ON partners TO CURRENT_USER USING (true) WITH CHECK (true);

GRANT SELECT, INSERT, UPDATE ON partners TO smartcity_app;

-- Down Migration
DROP TABLE IF EXISTS partners;
