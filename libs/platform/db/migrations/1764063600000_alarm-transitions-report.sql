-- Up Migration
--
-- apply_alarm_transitions also reports a transition that was already applied (same alarm, same time), so a replayed
-- batch republishes its alarm events: partner delivery stays at-least-once even when the decoder crashed between
-- the database commit and Kafka's acknowledgement. Event ids derive from the alarm id, so partners dedupe.
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

-- Down Migration
CREATE OR REPLACE FUNCTION platform.apply_alarm_transitions(p_transitions jsonb)
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
