-- Up Migration
--
-- Transactional outbox of partner events and live updates (issue 16, finding 1). An event is written in the same
-- transaction as the rows it reports (an alarm raised or cleared, a registration, a command outcome) and published
-- from here by one relay per source (platform-db OutboxRelay, under an advisory lock), which deletes it once Kafka
-- acknowledged. A crash at any point then either loses the transaction (no rows, no event) or leaves the event here
-- until it is published: it can no longer happen that the rows commit and their event is lost, which is what a
-- retried batch did (its idempotent statements report nothing the second time).
CREATE TABLE event_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- Which relay publishes it (an app's name: 'decoder', 'gateway-commands').
  source text NOT NULL CHECK (length(source) BETWEEN 1 AND 64),
  -- Kafka topic and key; no topic for an event that is only a live update.
  topic text,
  key text NOT NULL,
  payload jsonb NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Redis pub/sub channel of the live update, and its message when it is not the payload.
  live_channel text,
  live_payload jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_outbox_source_id ON event_outbox (source, id);

ALTER TABLE event_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON event_outbox TO smartcity_app
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY platform_admin ON event_outbox TO CURRENT_USER USING (true) WITH CHECK (true);
-- The application writes events under its tenant; reading and deleting across tenants is the relay's, below.
GRANT INSERT ON event_outbox TO smartcity_app;

-- The oldest unpublished events of a source, every tenant (the relay runs outside any tenant).
CREATE FUNCTION platform.outbox_pending(p_source text, p_limit integer)
RETURNS SETOF event_outbox
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT * FROM event_outbox WHERE source = p_source ORDER BY id LIMIT p_limit $$;

-- Forgets published events; returns how many.
CREATE FUNCTION platform.outbox_done(p_source text, p_ids bigint[])
RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  WITH d AS (DELETE FROM event_outbox WHERE source = p_source AND id = ANY (p_ids) RETURNING 1)
  SELECT count(*)::integer FROM d
$$;

REVOKE ALL ON FUNCTION platform.outbox_pending(text, integer), platform.outbox_done(text, bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.outbox_pending(text, integer), platform.outbox_done(text, bigint[])
  TO smartcity_app;

-- apply_alarm_transitions returns only the alarms it changed again (as in the initial schema): migration
-- 1764063600000 made it also report transitions already applied, so that a replayed batch republished their events;
-- that could not cover a raise whose alarm a later clear had closed, and the events now come from the outbox,
-- written once with the change. Otherwise as in 1764067200000 (one active alarm per device, type, source path).
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
    ELSIF tr->>'action' = 'clear' THEN
      UPDATE alarms AS a SET status = 'CLEARED', cleared_at = v_time, updated_at = now()
      WHERE a.device_id = v_device AND a.type = v_type AND a.source_path = v_path AND a.status = 'ACTIVE'
        AND a.raised_at <= v_time
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

-- Down Migration
DROP FUNCTION IF EXISTS platform.outbox_pending(text, integer);
DROP FUNCTION IF EXISTS platform.outbox_done(text, bigint[]);
DROP TABLE IF EXISTS event_outbox;
-- The reporting version of 1764067200000.
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
