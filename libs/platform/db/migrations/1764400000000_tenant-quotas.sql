-- Up Migration
--
-- SaaS quotas and usage (issue 17 item 7). A tenant has a plan (defaults for every limit) and optional per-tenant
-- overrides set by platform admins; usage is metered per day, the basis of a city's bill:
--   devices       active (not decommissioned) devices, measured by platform.meter_usage
--   messages      uplinks the ingest accepted (it adds them with platform.record_usage)
--   values_stored telemetry values with a time in that day, counted by platform.meter_usage from the hypertable
--   api_calls     GraphQL operations the gateway executed for the tenant (platform.record_usage)
-- Limits are enforced where the work enters: provisioning (gateway, platform.auto_provision), uplinks (the ingest
-- reads platform.message_rate_limits()), API calls per day (gateway).

CREATE TABLE plans (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]{2,32}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  max_devices integer NOT NULL CHECK (max_devices >= 0),
  -- Sustained uplink rate of the whole tenant and the burst above it (a token bucket: rate, capacity).
  max_messages_per_second integer NOT NULL CHECK (max_messages_per_second > 0),
  message_burst integer NOT NULL CHECK (message_burst > 0),
  -- Telemetry values kept (within the tenant's retention); beyond it the ingest stops accepting data.
  max_stored_values bigint NOT NULL CHECK (max_stored_values >= 0),
  max_api_calls_per_day integer NOT NULL CHECK (max_api_calls_per_day > 0)
);
INSERT INTO plans (id, name, max_devices, max_messages_per_second, message_burst, max_stored_values,
                   max_api_calls_per_day) VALUES
  ('free', 'Free', 50, 5, 50, 10000000, 10000),
  ('standard', 'Standard', 100000, 1000, 5000, 20000000000, 1000000),
  ('enterprise', 'Enterprise', 2000000, 20000, 100000, 1000000000000, 50000000);

ALTER TABLE tenants ADD COLUMN plan text NOT NULL DEFAULT 'standard' REFERENCES plans (id);

-- Per-tenant overrides of the plan; NULL keeps the plan's value.
CREATE TABLE tenant_quotas (
  tenant_id text PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  max_devices integer CHECK (max_devices >= 0),
  max_messages_per_second integer CHECK (max_messages_per_second > 0),
  message_burst integer CHECK (message_burst > 0),
  max_stored_values bigint CHECK (max_stored_values >= 0),
  max_api_calls_per_day integer CHECK (max_api_calls_per_day > 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text
);

CREATE TABLE tenant_usage_daily (
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  day date NOT NULL,
  devices integer NOT NULL DEFAULT 0,
  messages bigint NOT NULL DEFAULT 0,
  values_stored bigint NOT NULL DEFAULT 0,
  api_calls bigint NOT NULL DEFAULT 0,
  metered_at timestamptz,
  PRIMARY KEY (tenant_id, day)
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenant_quotas', 'tenant_usage_daily'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO smartcity_app USING (tenant_id = current_setting(''app.tenant_id'', true)) '
      'WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))', t);
    EXECUTE format('CREATE POLICY platform_admin ON %I TO CURRENT_USER USING (true) WITH CHECK (true)', t);
  END LOOP;
END
$$;

-- A tenant reads its own quota and usage; writes go through the functions below (or the owner role).
GRANT SELECT ON plans, tenant_quotas, tenant_usage_daily TO smartcity_app;

-- Effective limits of every tenant: the override where set, else the plan's.
CREATE VIEW platform.tenant_limits AS
  SELECT t.id AS tenant_id, t.plan,
         COALESCE(q.max_devices, p.max_devices) AS max_devices,
         COALESCE(q.max_messages_per_second, p.max_messages_per_second) AS max_messages_per_second,
         COALESCE(q.message_burst, p.message_burst) AS message_burst,
         COALESCE(q.max_stored_values, p.max_stored_values) AS max_stored_values,
         COALESCE(q.max_api_calls_per_day, p.max_api_calls_per_day) AS max_api_calls_per_day,
         t.retention_days
  FROM tenants t JOIN plans p ON p.id = t.plan LEFT JOIN tenant_quotas q ON q.tenant_id = t.id;

-- The limits of the transaction's tenant (app.tenant_id), for the gateway's request path.
CREATE FUNCTION platform.current_tenant_limits()
RETURNS SETOF platform.tenant_limits
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT * FROM platform.tenant_limits WHERE tenant_id = current_setting('app.tenant_id', true) $$;

-- Values a tenant keeps: what was metered over its retention window.
CREATE FUNCTION platform.stored_values(p_tenant text)
RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT COALESCE(sum(u.values_stored), 0)::bigint
  FROM tenant_usage_daily u JOIN tenants t ON t.id = u.tenant_id
  WHERE u.tenant_id = p_tenant AND u.day > current_date - t.retention_days
$$;

-- What the ingest enforces per tenant (it reads all of them, it serves every tenant): the uplink token bucket
-- (rate, burst) and whether the tenant may store more data. Cheap: read it every few seconds and cache it.
CREATE FUNCTION platform.message_rate_limits()
RETURNS TABLE (tenant_id text, messages_per_second integer, burst integer, accept_data boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT l.tenant_id, l.max_messages_per_second, l.message_burst,
         platform.stored_values(l.tenant_id) < l.max_stored_values
  FROM platform.tenant_limits l ORDER BY l.tenant_id
$$;

-- Adds to a tenant's usage of a day (ingest: messages; decoder or metering: values; gateway: API calls).
CREATE FUNCTION platform.record_usage(p_tenant text, p_messages bigint DEFAULT 0, p_values bigint DEFAULT 0,
                                      p_api_calls bigint DEFAULT 0, p_day date DEFAULT current_date)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  INSERT INTO tenant_usage_daily AS u (tenant_id, day, messages, values_stored, api_calls)
  SELECT t.id, p_day, GREATEST(p_messages, 0), GREATEST(p_values, 0), GREATEST(p_api_calls, 0)
  FROM tenants t WHERE t.id = p_tenant
  ON CONFLICT (tenant_id, day) DO UPDATE
    SET messages = u.messages + EXCLUDED.messages,
        values_stored = u.values_stored + EXCLUDED.values_stored,
        api_calls = u.api_calls + EXCLUDED.api_calls
$$;

-- Measures the day's active devices and the telemetry values with a time in that day, for every tenant
-- (recomputed, so running it again is harmless). Uses telemetry_tenant_time; run for today every few minutes and
-- once more for yesterday.
CREATE FUNCTION platform.meter_usage(p_day date DEFAULT current_date)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  v_count integer := 0;
  v_tenant text;
BEGIN
  FOR v_tenant IN SELECT id FROM tenants ORDER BY id LOOP
    INSERT INTO tenant_usage_daily AS u (tenant_id, day, devices, values_stored, metered_at)
    VALUES (
      v_tenant, p_day,
      (SELECT count(*) FROM devices d WHERE d.tenant_id = v_tenant AND d.decommissioned_at IS NULL),
      (SELECT count(*) FROM telemetry x
       WHERE x.tenant_id = v_tenant AND x.time >= p_day AND x.time < p_day + 1),
      now())
    ON CONFLICT (tenant_id, day) DO UPDATE
      SET devices = EXCLUDED.devices, values_stored = EXCLUDED.values_stored, metered_at = now();
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END
$$;

-- Auto-provisioning respects the device quota: a tenant at its limit gets no new device (the ingest then refuses
-- the endpoint as unknown). Otherwise unchanged from the initial schema.
CREATE OR REPLACE FUNCTION platform.auto_provision(p_endpoint text)
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
  IF FOUND AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.endpoint = p_endpoint) THEN
    -- One provisioning at a time per tenant, so concurrent registrations cannot overshoot the limit.
    PERFORM pg_advisory_xact_lock(hashtext('devices-quota:' || v_tenant.id));
    IF (SELECT count(*) FROM devices d WHERE d.tenant_id = v_tenant.id AND d.decommissioned_at IS NULL)
       < (SELECT l.max_devices FROM platform.tenant_limits l WHERE l.tenant_id = v_tenant.id) THEN
      INSERT INTO devices (tenant_id, endpoint, name, profile, auto_provisioned)
      VALUES (v_tenant.id, p_endpoint, p_endpoint,
              (SELECT dp.name FROM device_profiles dp
               WHERE dp.tenant_id = v_tenant.id AND dp.name = v_tenant.auto_provision_profile),
              true)
      ON CONFLICT (endpoint) DO NOTHING;
    END IF;
  END IF;
  RETURN QUERY SELECT * FROM platform.resolve_endpoint(p_endpoint);
END
$$;

REVOKE ALL ON FUNCTION platform.current_tenant_limits(), platform.stored_values(text),
  platform.message_rate_limits(), platform.record_usage(text, bigint, bigint, bigint, date),
  platform.meter_usage(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.current_tenant_limits(), platform.stored_values(text),
  platform.message_rate_limits(), platform.record_usage(text, bigint, bigint, bigint, date),
  platform.meter_usage(date) TO smartcity_app;

-- Down Migration
CREATE OR REPLACE FUNCTION platform.auto_provision(p_endpoint text)
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
DROP FUNCTION IF EXISTS platform.meter_usage(date), platform.record_usage(text, bigint, bigint, bigint, date),
  platform.message_rate_limits(), platform.stored_values(text), platform.current_tenant_limits();
DROP VIEW IF EXISTS platform.tenant_limits;
DROP TABLE IF EXISTS tenant_usage_daily, tenant_quotas;
ALTER TABLE tenants DROP COLUMN IF EXISTS plan;
DROP TABLE IF EXISTS plans;
