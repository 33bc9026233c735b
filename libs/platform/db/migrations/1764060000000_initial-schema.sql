-- Up Migration
--
-- The platform schema: tenants (cities), devices and their registrations, the telemetry hypertable, latest state,
-- alarms, device commands and hourly rollups. Run by the owner role (smartcity_owner), which owns every object;
-- the application role smartcity_app owns nothing, cannot bypass RLS and only gets the grants below.
--
-- Tenancy (docs ARCHITECTURE.md "Tenancy and identity"): every tenant-owned table has FORCE ROW LEVEL SECURITY and
-- a policy on `tenant_id = current_setting('app.tenant_id', true)`; the application sets the tenant per transaction
-- with `set_config('app.tenant_id', <slug>, true)`. Outside such a transaction the setting is NULL or '' and the
-- application role sees nothing. The owner role gets an explicit unrestricted policy (the platform-admin path,
-- and the SECURITY DEFINER functions in schema `platform`), because FORCE RLS applies to table owners too.
--
-- TimescaleDB caveat (timescaledb#7830): chunks inherit GRANTs but not RLS policies, so a role that can name a chunk
-- table reads every tenant's rows. Chunks of our hypertables therefore live in the private schema `platform_chunks`
-- (owned by the owner role, no USAGE for anyone else) instead of `_timescaledb_internal`: the application role
-- reaches the rows only through the hypertable, where the policies apply.

CREATE SCHEMA platform;
CREATE SCHEMA platform_chunks;
REVOKE ALL ON SCHEMA platform_chunks FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------------------------
-- tenants
CREATE TABLE tenants (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]{2,32}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- An unknown endpoint starting with auto_provision_prefix is registered into this tenant (ARCHITECTURE.md:
  -- unknown endpoints are refused unless the tenant allows auto-provisioning). The longest matching prefix wins.
  auto_provision boolean NOT NULL DEFAULT false,
  auto_provision_prefix text CHECK (auto_provision_prefix <> ''),
  auto_provision_profile text,
  retention_days integer NOT NULL DEFAULT 400 CHECK (retention_days BETWEEN 1 AND 36500),
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (NOT auto_provision OR auto_provision_prefix IS NOT NULL)
);

-- ---------------------------------------------------------------------------------------------------------------
-- device_profiles: what the ingest observes on a device after registration.
-- observe: [{"path": "/3303" | "/3303/0" | "/3303/0/5700", "attributes": {"pmin": 60, "pmax": 900, "gt": 30,
--            "lt": 0, "st": 0.5}}] (write-attributes, LwM2M Core 1.1.1 §5.1.2).
CREATE TABLE device_profiles (
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  description text,
  observe jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(observe) = 'array'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name)
);

-- ---------------------------------------------------------------------------------------------------------------
-- devices: one row per LwM2M endpoint; the endpoint name is unique platform-wide and maps to its tenant.
CREATE TABLE devices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  endpoint text NOT NULL UNIQUE CHECK (length(endpoint) BETWEEN 1 AND 255),
  name text,
  category text,
  profile text,
  latitude double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude double precision CHECK (longitude BETWEEN -180 AND 180),
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  auto_provisioned boolean NOT NULL DEFAULT false,
  decommissioned_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz,
  -- Registration summary, kept by the decoder from lwm2m.uplink.v1 lifecycle events (Core 1.1.1 §6.2).
  status text NOT NULL DEFAULT 'NEVER_SEEN'
    CHECK (status IN ('NEVER_SEEN', 'REGISTERED', 'DEREGISTERED', 'EXPIRED')),
  status_changed_at timestamptz,
  registration_id text,
  registered_at timestamptz,
  lwm2m_version text,
  binding text,
  lifetime integer,
  queue_mode boolean,
  object_versions jsonb NOT NULL DEFAULT '{}'::jsonb,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, profile) REFERENCES device_profiles (tenant_id, name) ON UPDATE CASCADE
);
CREATE INDEX devices_tenant_category ON devices (tenant_id, category);
CREATE INDEX devices_expired ON devices (status_changed_at) WHERE status = 'EXPIRED';

-- ---------------------------------------------------------------------------------------------------------------
-- registrations: history of Register / Update / De-register / expiry events (Core 1.1.1 §6.2.1-§6.2.3).
-- message_id is the uplink message id: a replayed Kafka message inserts nothing (idempotent).
CREATE TABLE registrations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL,
  device_id uuid NOT NULL,
  message_id text NOT NULL,
  event text NOT NULL CHECK (event IN ('registration', 'update', 'deregistration', 'expiry')),
  time timestamptz NOT NULL,
  registration_id text NOT NULL,
  lwm2m_version text,
  binding text,
  lifetime integer,
  queue_mode boolean,
  sms text,
  address text,
  links text,
  object_versions jsonb,
  ingest_instance text,
  UNIQUE (tenant_id, message_id),
  FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX registrations_device_time ON registrations (device_id, time DESC);

-- ---------------------------------------------------------------------------------------------------------------
-- telemetry: raw normalized measurements, a hypertable partitioned by time (1-day chunks).
-- Idempotency: UNIQUE (device_id, path, time) - a device id belongs to one tenant, so the key is unique
-- platform-wide; the decoder inserts with ON CONFLICT DO NOTHING, so replays and restarts add no rows.
-- No foreign key to devices: a per-row FK check would cost the hot path an index probe per value; the decoder
-- only writes device ids that resolve through devices.
CREATE TABLE telemetry (
  time timestamptz NOT NULL,
  tenant_id text NOT NULL,
  device_id uuid NOT NULL,
  path text NOT NULL,
  metric text NOT NULL,
  value_num double precision,
  value_bool boolean,
  value_text text,
  value_json jsonb,
  unit text,
  quality text
);
SELECT create_hypertable(
  'telemetry', 'time',
  chunk_time_interval => interval '1 day',
  associated_schema_name => 'platform_chunks',
  associated_table_prefix => '_telemetry',
  create_default_indexes => false
);
CREATE UNIQUE INDEX telemetry_device_path_time ON telemetry (device_id, path, time DESC);
-- API: a metric's history for a device (gateway), newest first.
CREATE INDEX telemetry_device_metric_time ON telemetry (device_id, metric, time DESC);
-- Rollups and per-tenant retention scan one tenant's time range.
CREATE INDEX telemetry_tenant_time ON telemetry (tenant_id, time DESC);

-- ---------------------------------------------------------------------------------------------------------------
-- device_state: latest value per device and path; an upsert replaces a row only with a strictly newer time.
CREATE TABLE device_state (
  tenant_id text NOT NULL,
  device_id uuid NOT NULL,
  path text NOT NULL,
  metric text NOT NULL,
  time timestamptz NOT NULL,
  value_num double precision,
  value_bool boolean,
  value_text text,
  value_json jsonb,
  unit text,
  quality text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, path),
  FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX device_state_tenant_metric ON device_state (tenant_id, metric);

-- ---------------------------------------------------------------------------------------------------------------
-- alarms: each row is one occurrence (raised, maybe acknowledged, maybe cleared); the table is the history.
-- At most one ACTIVE alarm per device and type.
CREATE TABLE alarms (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL,
  device_id uuid NOT NULL,
  type text NOT NULL CHECK (length(type) BETWEEN 1 AND 100),
  severity text NOT NULL CHECK (severity IN ('CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'INFO')),
  status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'CLEARED')),
  message text,
  source_path text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  raised_at timestamptz NOT NULL,
  cleared_at timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'CLEARED') = (cleared_at IS NOT NULL)),
  FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX alarms_one_active ON alarms (device_id, type) WHERE status = 'ACTIVE';
CREATE INDEX alarms_tenant_status_raised ON alarms (tenant_id, status, raised_at DESC);
CREATE INDEX alarms_device_type_raised ON alarms (device_id, type, raised_at DESC);

-- ---------------------------------------------------------------------------------------------------------------
-- commands: device management requests (Read/Write/Execute/Observe... LwM2M Core 1.1.1 §6.3) and their outcome.
CREATE TABLE commands (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL,
  device_id uuid NOT NULL,
  idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  type text NOT NULL,
  request jsonb NOT NULL,
  status text NOT NULL DEFAULT 'PENDING'
    CHECK (status IN ('PENDING', 'SENT', 'SUCCEEDED', 'FAILED', 'TIMEOUT', 'EXPIRED')),
  coap_code text,
  result jsonb,
  error text,
  issued_by text NOT NULL,
  deadline timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  completed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX commands_idempotency ON commands (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX commands_device_created ON commands (device_id, created_at DESC);
CREATE INDEX commands_open_deadline ON commands (deadline) WHERE status IN ('PENDING', 'SENT');

-- ---------------------------------------------------------------------------------------------------------------
-- telemetry_hourly: hourly rollups maintained by the application. Continuous aggregates are refused under the
-- apache license and cannot be combined with RLS anyway (timescaledb#6832), so the decoder marks the hours it
-- wrote in telemetry_rollup_pending (same transaction as the rows) and a scheduler recomputes those hours from the
-- raw rows (recomputing is idempotent, so replays and concurrent decoders cannot double-count).
CREATE TABLE telemetry_hourly (
  bucket timestamptz NOT NULL,
  tenant_id text NOT NULL,
  device_id uuid NOT NULL,
  path text NOT NULL,
  metric text NOT NULL,
  unit text,
  samples integer NOT NULL,
  num_count integer NOT NULL,
  num_min double precision,
  num_max double precision,
  num_avg double precision,
  num_sum double precision,
  first_time timestamptz NOT NULL,
  last_time timestamptz NOT NULL,
  last_num double precision
);
SELECT create_hypertable(
  'telemetry_hourly', 'bucket',
  chunk_time_interval => interval '30 days',
  associated_schema_name => 'platform_chunks',
  associated_table_prefix => '_telemetry_hourly',
  create_default_indexes => false
);
CREATE UNIQUE INDEX telemetry_hourly_device_path_bucket ON telemetry_hourly (device_id, path, bucket DESC);
CREATE INDEX telemetry_hourly_device_metric_bucket ON telemetry_hourly (device_id, metric, bucket DESC);
CREATE INDEX telemetry_hourly_tenant_bucket ON telemetry_hourly (tenant_id, bucket DESC);

-- version increases on every mark so the rollup job deletes a mark only if no batch re-marked it meanwhile.
CREATE TABLE telemetry_rollup_pending (
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  bucket timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, bucket)
);

-- ---------------------------------------------------------------------------------------------------------------
-- Row-level security. The application role's policies compare with the per-transaction tenant; the owner role
-- (CURRENT_USER here: migrations run as the owner) is the platform-admin path.
DO $$
DECLARE
  t text;
  col text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenants', 'device_profiles', 'devices', 'registrations', 'telemetry', 'device_state',
                           'alarms', 'commands', 'telemetry_hourly', 'telemetry_rollup_pending'] LOOP
    col := CASE WHEN t = 'tenants' THEN 'id' ELSE 'tenant_id' END;
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO smartcity_app USING (%I = current_setting(''app.tenant_id'', true)) '
      'WITH CHECK (%I = current_setting(''app.tenant_id'', true))', t, col, col);
    EXECUTE format('CREATE POLICY platform_admin ON %I TO CURRENT_USER USING (true) WITH CHECK (true)', t);
  END LOOP;
END
$$;

-- ---------------------------------------------------------------------------------------------------------------
-- Grants: only what the apps need. No DELETE on telemetry (retention runs through platform.apply_retention).
GRANT USAGE ON SCHEMA platform TO smartcity_app;
GRANT SELECT, UPDATE (name, auto_provision, auto_provision_prefix, auto_provision_profile, settings)
  ON tenants TO smartcity_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON device_profiles, devices, device_state TO smartcity_app;
GRANT SELECT, INSERT ON registrations, telemetry TO smartcity_app;
GRANT SELECT, INSERT, UPDATE ON alarms, commands, telemetry_hourly TO smartcity_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON telemetry_rollup_pending TO smartcity_app;

-- ---------------------------------------------------------------------------------------------------------------
-- Cross-tenant functions for the application role. SECURITY DEFINER (run as the owner) with a fixed search_path;
-- each answers one narrow question so the application role never needs cross-tenant read access.

-- The ingest resolves a registering endpoint to its tenant, device and observe spec (before any tenant is known).
CREATE FUNCTION platform.resolve_endpoint(p_endpoint text)
RETURNS TABLE (tenant_id text, device_id uuid, profile text, observe jsonb, decommissioned boolean,
               auto_provisioned boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT d.tenant_id, d.id, d.profile, COALESCE(p.observe, '[]'::jsonb), d.decommissioned_at IS NOT NULL,
         d.auto_provisioned
  FROM devices d
  LEFT JOIN device_profiles p ON p.tenant_id = d.tenant_id AND p.name = d.profile
  WHERE d.endpoint = p_endpoint
$$;

-- Creates the device of an unknown endpoint in the tenant whose auto_provision_prefix is the longest prefix of it;
-- returns the same row as resolve_endpoint, or no row when no tenant accepts the endpoint. Concurrent calls for one
-- endpoint create one device (UNIQUE endpoint + ON CONFLICT DO NOTHING).
CREATE FUNCTION platform.auto_provision(p_endpoint text)
RETURNS TABLE (tenant_id text, device_id uuid, profile text, observe jsonb, decommissioned boolean,
               auto_provisioned boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v_tenant tenants%ROWTYPE;
BEGIN
  IF p_endpoint IS NULL OR length(p_endpoint) NOT BETWEEN 1 AND 255 THEN
    RETURN;
  END IF;
  SELECT * INTO v_tenant FROM tenants t
  WHERE t.auto_provision AND starts_with(p_endpoint, t.auto_provision_prefix)
  ORDER BY length(t.auto_provision_prefix) DESC, t.id
  LIMIT 1;
  IF FOUND THEN
    INSERT INTO devices (tenant_id, endpoint, name, profile, auto_provisioned)
    VALUES (v_tenant.id, p_endpoint, p_endpoint,
            (SELECT dp.name FROM device_profiles dp
             WHERE dp.tenant_id = v_tenant.id AND dp.name = v_tenant.auto_provision_profile),
            true)
    ON CONFLICT (endpoint) DO NOTHING;
  END IF;
  RETURN QUERY SELECT * FROM platform.resolve_endpoint(p_endpoint);
END
$$;

-- Tenant slugs, for per-tenant background work (rollups, retention bookkeeping, topic creation).
CREATE FUNCTION platform.tenant_ids()
RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT id FROM tenants ORDER BY id $$;

-- Devices whose registration expired before p_before and that have no active alarm of type p_alarm_type: the
-- decoder raises a communication-loss alarm for each (after its grace period, Core 1.1.1 §6.2.2 lifetime).
CREATE FUNCTION platform.expired_devices(p_before timestamptz, p_alarm_type text, p_limit integer)
RETURNS TABLE (tenant_id text, device_id uuid, endpoint text, expired_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT d.tenant_id, d.id, d.endpoint, d.status_changed_at
  FROM devices d
  WHERE d.status = 'EXPIRED' AND d.status_changed_at < p_before AND d.decommissioned_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM alarms a
                    WHERE a.device_id = d.id AND a.type = p_alarm_type
                      AND (a.status = 'ACTIVE' OR a.raised_at >= d.status_changed_at))
  ORDER BY d.status_changed_at
  LIMIT p_limit
$$;

-- Retention of raw telemetry. drop_chunks works per hypertable, not per tenant, and each chunk holds every
-- tenant's rows of its time range. So:
--  1. chunks entirely older than the LONGEST tenant retention are dropped (cheap, whole files) - no tenant keeps
--     data that old;
--  2. tenants with a SHORTER retention get their older rows deleted by time window (one day per step, at most
--     p_max_windows steps per call so one call stays short; the scheduler calls again until nothing is left).
-- drop_chunks is also available under the apache license; add_retention_policy is not, hence the app scheduler.
CREATE FUNCTION platform.apply_retention(p_max_windows integer DEFAULT 24)
RETURNS TABLE (tenant_id text, deleted_rows bigint, dropped_chunks integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v_max_days integer;
  v_dropped integer;
  v_tenant record;
  v_cutoff timestamptz;
  v_oldest timestamptz;
  v_deleted bigint;
  v_step bigint;
  v_windows integer;
BEGIN
  SELECT COALESCE(max(t.retention_days), 400) INTO v_max_days FROM tenants t;
  SELECT count(*) INTO v_dropped
  FROM drop_chunks('telemetry', older_than => now() - make_interval(days => v_max_days));
  tenant_id := NULL; deleted_rows := 0; dropped_chunks := v_dropped;
  RETURN NEXT;

  FOR v_tenant IN SELECT t.id, t.retention_days FROM tenants t WHERE t.retention_days < v_max_days ORDER BY t.id
  LOOP
    v_cutoff := now() - make_interval(days => v_tenant.retention_days);
    v_deleted := 0;
    v_windows := 0;
    LOOP
      EXIT WHEN v_windows >= p_max_windows;
      SELECT min(x.time) INTO v_oldest FROM telemetry x WHERE x.tenant_id = v_tenant.id AND x.time < v_cutoff;
      EXIT WHEN v_oldest IS NULL;
      DELETE FROM telemetry x
      WHERE x.tenant_id = v_tenant.id AND x.time >= v_oldest
        AND x.time < LEAST(v_cutoff, v_oldest + interval '1 day');
      GET DIAGNOSTICS v_step = ROW_COUNT;
      v_deleted := v_deleted + v_step;
      v_windows := v_windows + 1;
    END LOOP;
    IF v_deleted > 0 THEN
      tenant_id := v_tenant.id; deleted_rows := v_deleted; dropped_chunks := 0;
      RETURN NEXT;
    END IF;
  END LOOP;
END
$$;

-- Alarm raise/clear in order, in one round trip, for the decoder. SECURITY INVOKER: it runs under the caller's
-- RLS tenant like any statement of the application. Idempotent (replays change nothing):
--  - raise at t: ignored when an alarm of that device and type is ACTIVE, or was raised or cleared at or after t;
--  - clear at t: closes the ACTIVE alarm raised at or before t.
-- Returns the alarms that changed, for partner events and live updates.
CREATE FUNCTION platform.apply_alarm_transitions(p_transitions jsonb)
RETURNS SETOF alarms
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public, pg_temp
AS $$
DECLARE
  tr jsonb;
  v_time timestamptz;
  v_device uuid;
  v_row alarms%ROWTYPE;
BEGIN
  FOR tr IN SELECT value FROM jsonb_array_elements(p_transitions) LOOP
    v_time := to_timestamp((tr->>'time')::float8);
    v_device := (tr->>'deviceId')::uuid;
    IF tr->>'action' = 'raise' THEN
      INSERT INTO alarms AS a (tenant_id, device_id, type, severity, message, source_path, details, raised_at)
      SELECT tr->>'tenantId', v_device, tr->>'type', tr->>'severity', tr->>'message', tr->>'path',
             COALESCE(tr->'details', '{}'::jsonb), v_time
      WHERE NOT EXISTS (SELECT 1 FROM alarms x
                        WHERE x.device_id = v_device AND x.type = tr->>'type'
                          AND (x.status = 'ACTIVE' OR x.raised_at >= v_time OR x.cleared_at >= v_time))
      ON CONFLICT (device_id, type) WHERE status = 'ACTIVE' DO NOTHING
      RETURNING a.* INTO v_row;
    ELSIF tr->>'action' = 'clear' THEN
      UPDATE alarms AS a SET status = 'CLEARED', cleared_at = v_time, updated_at = now()
      WHERE a.device_id = v_device AND a.type = tr->>'type' AND a.status = 'ACTIVE' AND a.raised_at <= v_time
      RETURNING a.* INTO v_row;
    ELSE
      RAISE EXCEPTION 'unknown alarm action %', tr->>'action' USING ERRCODE = '22023';
    END IF;
    IF FOUND THEN
      RETURN NEXT v_row;
    END IF;
  END LOOP;
END
$$;

REVOKE ALL ON FUNCTION platform.resolve_endpoint(text), platform.auto_provision(text), platform.tenant_ids(),
  platform.expired_devices(timestamptz, text, integer), platform.apply_retention(integer),
  platform.apply_alarm_transitions(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.resolve_endpoint(text), platform.auto_provision(text), platform.tenant_ids(),
  platform.expired_devices(timestamptz, text, integer), platform.apply_retention(integer),
  platform.apply_alarm_transitions(jsonb) TO smartcity_app;

-- Down Migration
DROP SCHEMA platform CASCADE;
DROP TABLE IF EXISTS telemetry_rollup_pending, telemetry_hourly, commands, alarms, device_state, telemetry,
  registrations, devices, device_profiles, tenants CASCADE;
DROP SCHEMA platform_chunks CASCADE;
