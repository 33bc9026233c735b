-- Up Migration
--
-- Water utilities (issue 24): leaks inferred from the data, district metered areas (DMA) and their daily water
-- balance. The decoder's water job (apps/decoder/src/water) fills water_meter_nights and water_area_days from the
-- hourly rollups (telemetry_hourly), and raises its alarms through platform.apply_alarm_transitions like every other
-- alarm. Incremental: a trigger marks the rollup hours of the meters' volume (3424/1) and minimum flow (3424/7) that
-- were written (water_pending_hours, as telemetry_rollup_pending does for the rollups); a run recomputes only the
-- nights and days those hours touch inside the tenant's late-data horizon, plus every day of an area whose
-- definition changed (water_areas.needs_recompute).
-- The tenant's settings (time zone, night window, thresholds) live in tenants.settings -> 'water'.

-- A district metered area: the bulk meter at its inlet and the customer meters inside it. The polygon (GeoJSON
-- geometry) is kept for maps; membership is the member list, not the polygon (yet).
CREATE TABLE water_areas (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  inlet_device_id uuid NOT NULL,
  polygon jsonb CHECK (polygon IS NULL OR jsonb_typeof(polygon) = 'object'),
  -- Per-area alarm thresholds; NULL = the tenant's (tenants.settings -> 'water' -> 'areas').
  night_flow_rise_ratio double precision CHECK (night_flow_rise_ratio > 1),
  loss_rate_rise_points double precision CHECK (loss_rate_rise_points > 0),
  -- Set by the gateway when the inlet or the members change: the job recomputes the area's whole horizon.
  needs_recompute boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, name),
  FOREIGN KEY (tenant_id, inlet_device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE water_area_members (
  tenant_id text NOT NULL,
  area_id uuid NOT NULL,
  device_id uuid NOT NULL,
  PRIMARY KEY (area_id, device_id),
  FOREIGN KEY (tenant_id, area_id) REFERENCES water_areas (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX water_area_members_device ON water_area_members (device_id);

-- The minimum flow of each meter over each night window (night = the local date the window ends on).
CREATE TABLE water_meter_nights (
  tenant_id text NOT NULL,
  device_id uuid NOT NULL,
  night date NOT NULL,
  min_flow_m3h double precision NOT NULL,
  -- 'min_flow' (3424/7) or 'volume' (deltas of 3424/1).
  source text NOT NULL CHECK (source IN ('min_flow', 'volume')),
  computed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, night),
  FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX water_meter_nights_tenant_night ON water_meter_nights (tenant_id, night);

-- The daily balance of an area (local day of the tenant's time zone). NULL figures: not enough readings.
CREATE TABLE water_area_days (
  tenant_id text NOT NULL,
  area_id uuid NOT NULL,
  day date NOT NULL,
  inflow_m3 double precision,
  billed_m3 double precision,
  nrw_m3 double precision,
  nrw_pct double precision,
  min_night_flow_m3h double precision,
  meters_reporting integer NOT NULL,
  meters_total integer NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (area_id, day),
  FOREIGN KEY (tenant_id, area_id) REFERENCES water_areas (tenant_id, id) ON DELETE CASCADE
);

-- Rollup hours of water paths written since the water job last looked (version: as telemetry_rollup_pending).
CREATE TABLE water_pending_hours (
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  bucket timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, bucket)
);

-- Runs as the writer (the rollup job, in its tenant transaction), so the mark passes the same RLS check.
CREATE FUNCTION platform.mark_water_hour() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO water_pending_hours AS p (tenant_id, bucket) VALUES (NEW.tenant_id, NEW.bucket)
  ON CONFLICT (tenant_id, bucket) DO UPDATE SET version = p.version + 1;
  RETURN NULL;
END
$$;
CREATE TRIGGER water_pending_hours_mark AFTER INSERT OR UPDATE ON telemetry_hourly
  FOR EACH ROW WHEN (NEW.path IN ('/3424/0/1', '/3424/0/7'))
  EXECUTE FUNCTION platform.mark_water_hour();

-- The rollups that existed before this migration: the job's first runs compute their horizon.
INSERT INTO water_pending_hours (tenant_id, bucket)
SELECT DISTINCT tenant_id, bucket FROM telemetry_hourly
WHERE path IN ('/3424/0/1', '/3424/0/7') AND bucket > now() - interval '32 days';

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['water_areas', 'water_area_members', 'water_meter_nights', 'water_area_days',
                           'water_pending_hours'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO smartcity_app USING (tenant_id = current_setting(''app.tenant_id'', true)) '
      'WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))', t);
    EXECUTE format('CREATE POLICY platform_admin ON %I TO CURRENT_USER USING (true) WITH CHECK (true)', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON water_areas, water_area_members, water_meter_nights, water_area_days,
  water_pending_hours TO smartcity_app;
GRANT EXECUTE ON FUNCTION platform.mark_water_hour() TO smartcity_app;

-- Down Migration
DROP TRIGGER IF EXISTS water_pending_hours_mark ON telemetry_hourly;
DROP FUNCTION IF EXISTS platform.mark_water_hour();
DROP TABLE IF EXISTS water_pending_hours, water_area_days, water_meter_nights, water_area_members, water_areas;
