-- Up Migration
--
-- One ACTIVE alarm per device, type AND source path (was: per device and type). A controller with several
-- instances of an object (two lamps: /3416/0 and /3416/1) can have the same alarm type active on each, and clearing
-- one must not clear the other. Device-level alarms (communication loss) use source_path '/'.
UPDATE alarms SET source_path = '/' WHERE source_path IS NULL;
ALTER TABLE alarms ALTER COLUMN source_path SET DEFAULT '/';
ALTER TABLE alarms ALTER COLUMN source_path SET NOT NULL;
CREATE UNIQUE INDEX alarms_one_active_per_source ON alarms (device_id, type, source_path) WHERE status = 'ACTIVE';
DROP INDEX alarms_one_active;

CREATE OR REPLACE FUNCTION platform.apply_alarm_transitions(p_transitions jsonb)
RETURNS SETOF alarms
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public, pg_temp
AS $$
DECLARE
  tr jsonb;
  v_time timestamptz;
  v_device uuid;
  v_type text;
  v_path text;
  v_row alarms%ROWTYPE;
BEGIN
  FOR tr IN SELECT value FROM jsonb_array_elements(p_transitions) LOOP
    v_time := to_timestamp((tr->>'time')::float8);
    v_device := (tr->>'deviceId')::uuid;
    v_type := tr->>'type';
    v_path := COALESCE(tr->>'path', '/');
    IF tr->>'action' = 'raise' THEN
      INSERT INTO alarms AS a (tenant_id, device_id, type, severity, message, source_path, details, raised_at)
      SELECT tr->>'tenantId', v_device, v_type, tr->>'severity', tr->>'message', v_path,
             COALESCE(tr->'details', '{}'::jsonb), v_time
      WHERE NOT EXISTS (SELECT 1 FROM alarms x
                        WHERE x.device_id = v_device AND x.type = v_type AND x.source_path = v_path
                          AND (x.status = 'ACTIVE' OR x.raised_at >= v_time OR x.cleared_at >= v_time))
      ON CONFLICT (device_id, type, source_path) WHERE status = 'ACTIVE' DO NOTHING
      RETURNING a.* INTO v_row;
      IF NOT FOUND THEN
        SELECT * INTO v_row FROM alarms x
        WHERE x.device_id = v_device AND x.type = v_type AND x.source_path = v_path
          AND x.raised_at = v_time AND x.status = 'ACTIVE';
      END IF;
    ELSIF tr->>'action' = 'clear' THEN
      UPDATE alarms AS a SET status = 'CLEARED', cleared_at = v_time, updated_at = now()
      WHERE a.device_id = v_device AND a.type = v_type AND a.source_path = v_path AND a.status = 'ACTIVE'
        AND a.raised_at <= v_time
      RETURNING a.* INTO v_row;
      IF NOT FOUND THEN
        SELECT * INTO v_row FROM alarms x
        WHERE x.device_id = v_device AND x.type = v_type AND x.source_path = v_path AND x.cleared_at = v_time;
      END IF;
    ELSE
      RAISE EXCEPTION 'unknown alarm action %', tr->>'action' USING ERRCODE = '22023';
    END IF;
    IF FOUND THEN
      RETURN NEXT v_row;
    END IF;
  END LOOP;
END
$$;

-- Down Migration
-- Restores the per-(device, type) uniqueness; fails if two sources of one type are active on a device.
CREATE UNIQUE INDEX alarms_one_active ON alarms (device_id, type) WHERE status = 'ACTIVE';
DROP INDEX alarms_one_active_per_source;
ALTER TABLE alarms ALTER COLUMN source_path DROP NOT NULL;
ALTER TABLE alarms ALTER COLUMN source_path DROP DEFAULT;
CREATE OR REPLACE FUNCTION platform.apply_alarm_transitions(p_transitions jsonb)
RETURNS SETOF alarms
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public, pg_temp
AS $$
DECLARE
  tr jsonb;
  v_time timestamptz;
  v_device uuid;
  v_type text;
  v_row alarms%ROWTYPE;
BEGIN
  FOR tr IN SELECT value FROM jsonb_array_elements(p_transitions) LOOP
    v_time := to_timestamp((tr->>'time')::float8);
    v_device := (tr->>'deviceId')::uuid;
    v_type := tr->>'type';
    IF tr->>'action' = 'raise' THEN
      INSERT INTO alarms AS a (tenant_id, device_id, type, severity, message, source_path, details, raised_at)
      SELECT tr->>'tenantId', v_device, v_type, tr->>'severity', tr->>'message', tr->>'path',
             COALESCE(tr->'details', '{}'::jsonb), v_time
      WHERE NOT EXISTS (SELECT 1 FROM alarms x
                        WHERE x.device_id = v_device AND x.type = v_type
                          AND (x.status = 'ACTIVE' OR x.raised_at >= v_time OR x.cleared_at >= v_time))
      ON CONFLICT (device_id, type) WHERE status = 'ACTIVE' DO NOTHING
      RETURNING a.* INTO v_row;
      IF NOT FOUND THEN
        SELECT * INTO v_row FROM alarms x
        WHERE x.device_id = v_device AND x.type = v_type AND x.raised_at = v_time AND x.status = 'ACTIVE';
      END IF;
    ELSIF tr->>'action' = 'clear' THEN
      UPDATE alarms AS a SET status = 'CLEARED', cleared_at = v_time, updated_at = now()
      WHERE a.device_id = v_device AND a.type = v_type AND a.status = 'ACTIVE' AND a.raised_at <= v_time
      RETURNING a.* INTO v_row;
      IF NOT FOUND THEN
        SELECT * INTO v_row FROM alarms x
        WHERE x.device_id = v_device AND x.type = v_type AND x.cleared_at = v_time;
      END IF;
    ELSE
      RAISE EXCEPTION 'unknown alarm action %', tr->>'action' USING ERRCODE = '22023';
    END IF;
    IF FOUND THEN
      RETURN NEXT v_row;
    END IF;
  END LOOP;
END
$$;
