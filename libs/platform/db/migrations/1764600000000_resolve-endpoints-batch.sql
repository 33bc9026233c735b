-- Up Migration
--
-- A registration storm (every streetlight of a city back after a power cut, issue 15) resolves thousands of
-- endpoints a second. One query per endpoint queued the ingest behind its small pool; resolve_endpoints answers a
-- whole batch in one statement, with the same rows and the same SECURITY DEFINER boundary as resolve_endpoint
-- (1764500000000_device-credentials): the application role still reads no device across tenants by itself, only
-- the row of each endpoint it names. Each row carries the endpoint it answers; unknown endpoints have no row.
CREATE FUNCTION platform.resolve_endpoints(p_endpoints text[])
RETURNS TABLE (endpoint text, tenant_id text, device_id uuid, profile text, observe jsonb, decommissioned boolean,
               auto_provisioned boolean, security_mode text, nosec_allowed boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT d.endpoint, d.tenant_id, d.id, d.profile, COALESCE(p.observe, '[]'::jsonb), d.decommissioned_at IS NOT NULL,
         d.auto_provisioned, COALESCE(c.mode, 'nosec'), t.allow_nosec
  FROM devices d
  JOIN tenants t ON t.id = d.tenant_id
  LEFT JOIN device_profiles p ON p.tenant_id = d.tenant_id AND p.name = d.profile
  LEFT JOIN device_credentials c ON c.device_id = d.id
  -- Bounded like auto_provision's argument: a batch is the ingest's, never a caller's whole table.
  WHERE d.endpoint = ANY (p_endpoints[1:1000])
$$;

REVOKE ALL ON FUNCTION platform.resolve_endpoints(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.resolve_endpoints(text[]) TO smartcity_app;

-- Down Migration
DROP FUNCTION platform.resolve_endpoints(text[]);
