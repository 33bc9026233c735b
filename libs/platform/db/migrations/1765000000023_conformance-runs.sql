-- Up Migration
--
-- Interoperability lab (issue 23): conformance runs against one connected device. The gateway's runner
-- (apps/gateway/src/interop) executes the catalogue of libs/lwm2m/conformance through the device commands and
-- keeps here what it found: the device's identity as read during the run (vendor, model, firmware from /3/0), the
-- per-case verdicts with every step's request, answer and timing (cases), and the summary counts. Summaries per
-- vendor and model are computed from these rows.
CREATE TABLE conformance_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  device_id uuid NOT NULL,
  endpoint text NOT NULL,
  status text NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED')),
  full_suite boolean NOT NULL DEFAULT false,
  started_by text NOT NULL,
  vendor text,
  model text,
  firmware text,
  lwm2m_version text,
  -- "3416 v2.0, 3418 v2.1": the object versions the device declared.
  objects text NOT NULL DEFAULT '',
  passed integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  not_applicable integer NOT NULL DEFAULT 0,
  skipped integer NOT NULL DEFAULT 0,
  cases jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(cases) = 'array'),
  error text,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX conformance_runs_device ON conformance_runs (tenant_id, device_id, started_at DESC);
CREATE INDEX conformance_runs_vendor ON conformance_runs (tenant_id, vendor, model, started_at DESC);
-- One run at a time per device: two would interleave their requests and each disturb the other's evidence.
CREATE UNIQUE INDEX conformance_runs_one_running ON conformance_runs (device_id) WHERE status = 'RUNNING';

ALTER TABLE conformance_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE conformance_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conformance_runs TO smartcity_app
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY platform_admin ON conformance_runs TO CURRENT_USER USING (true) WITH CHECK (true);

GRANT SELECT, INSERT, UPDATE, DELETE ON conformance_runs TO smartcity_app;

-- Down Migration
DROP TABLE IF EXISTS conformance_runs;
