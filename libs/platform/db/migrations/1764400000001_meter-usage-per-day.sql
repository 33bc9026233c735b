-- Up Migration
--
-- Metering of a past day (yesterday, after midnight) must not rewrite that day with today's facts: a tenant created
-- today gets no row for yesterday, and a day already metered keeps its device count (the count is of the day it
-- was measured; only the values with a time in the day are recounted, late data included).
CREATE OR REPLACE FUNCTION platform.meter_usage(p_day date DEFAULT current_date)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  v_count integer := 0;
  v_tenant text;
BEGIN
  FOR v_tenant IN SELECT id FROM tenants WHERE created_at < p_day + 1 ORDER BY id LOOP
    INSERT INTO tenant_usage_daily AS u (tenant_id, day, devices, values_stored, metered_at)
    VALUES (
      v_tenant, p_day,
      (SELECT count(*) FROM devices d WHERE d.tenant_id = v_tenant AND d.decommissioned_at IS NULL),
      (SELECT count(*) FROM telemetry x
       WHERE x.tenant_id = v_tenant AND x.time >= p_day AND x.time < p_day + 1),
      now())
    ON CONFLICT (tenant_id, day) DO UPDATE
      SET devices = CASE WHEN p_day < current_date AND u.metered_at IS NOT NULL THEN u.devices
                         ELSE EXCLUDED.devices END,
          values_stored = EXCLUDED.values_stored, metered_at = now();
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END
$$;

-- Down Migration
CREATE OR REPLACE FUNCTION platform.meter_usage(p_day date DEFAULT current_date)
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
