-- Up Migration
--
-- Devices prove who they are (issue "Devices prove who they are"): each device has at most one credential, chosen
-- at provisioning, and the security mode follows from it (LwM2M Transport 1.1.1 §5.2.9: PSK, RPK, certificate;
-- no credential = NoSec). A tenant says whether NoSec is allowed at all; new tenants refuse it, tenants that exist
-- when this migration runs keep working as before.
--
-- Secrets are stored encrypted (AES-256-GCM under a platform key from configuration; key_id names the key so keys
-- can rotate) and no API returns them after creation. The ingest resolves credentials across tenants through the
-- SECURITY DEFINER functions below (the application role reads nothing across tenants by itself).

ALTER TABLE tenants ADD COLUMN allow_nosec boolean NOT NULL DEFAULT false;
UPDATE tenants SET allow_nosec = true;

CREATE TABLE device_credentials (
  device_id uuid PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  mode text NOT NULL CHECK (mode IN ('psk', 'rpk', 'x509')),
  -- PSK (RFC 4279): the identity is unique platform-wide, it is how the handshake names the device.
  psk_identity text UNIQUE CHECK (length(psk_identity) BETWEEN 1 AND 128),
  -- iv (12) || tag (16) || ciphertext, and the id of the platform key that sealed it.
  psk_key_sealed bytea,
  key_id text,
  -- RPK (RFC 7250): SHA-256 of the DER SubjectPublicKeyInfo (unique: it names the device) and the key itself.
  public_key_sha256 bytea UNIQUE CHECK (length(public_key_sha256) = 32),
  public_key_spki bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  rotated_at timestamptz,
  FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE,
  CHECK (mode <> 'psk' OR (psk_identity IS NOT NULL AND psk_key_sealed IS NOT NULL AND key_id IS NOT NULL)),
  CHECK (mode <> 'rpk' OR (public_key_sha256 IS NOT NULL AND public_key_spki IS NOT NULL))
);
CREATE INDEX device_credentials_tenant ON device_credentials (tenant_id);

-- X.509 (RFC 5280): a tenant's device certificates chain to one of its CAs; the endpoint name is bound to the
-- certificate's subject CN or a SAN (checked by the ingest).
CREATE TABLE tenant_certificate_authorities (
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  sha256 bytea NOT NULL CHECK (length(sha256) = 32),
  certificate_der bytea NOT NULL,
  subject text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, sha256)
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['device_credentials', 'tenant_certificate_authorities'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO smartcity_app USING (tenant_id = current_setting(''app.tenant_id'', true)) '
      'WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))', t);
    EXECUTE format('CREATE POLICY platform_admin ON %I TO CURRENT_USER USING (true) WITH CHECK (true)', t);
  END LOOP;
END
$$;

-- The application (gateway, CLI) writes credentials within its tenant; nothing reads the sealed key back but the
-- ingest's resolve function.
GRANT SELECT (device_id, tenant_id, mode, psk_identity, public_key_sha256, created_at, rotated_at),
  INSERT, UPDATE, DELETE ON device_credentials TO smartcity_app;
GRANT SELECT, INSERT, DELETE ON tenant_certificate_authorities TO smartcity_app;
GRANT SELECT, UPDATE (allow_nosec) ON tenants TO smartcity_app;

-- resolve_endpoint now says how the device must authenticate, and whether its tenant accepts NoSec at all.
DROP FUNCTION platform.auto_provision(text);
DROP FUNCTION platform.resolve_endpoint(text);
CREATE FUNCTION platform.resolve_endpoint(p_endpoint text)
RETURNS TABLE (tenant_id text, device_id uuid, profile text, observe jsonb, decommissioned boolean,
               auto_provisioned boolean, security_mode text, nosec_allowed boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT d.tenant_id, d.id, d.profile, COALESCE(p.observe, '[]'::jsonb), d.decommissioned_at IS NOT NULL,
         d.auto_provisioned, COALESCE(c.mode, 'nosec'), t.allow_nosec
  FROM devices d
  JOIN tenants t ON t.id = d.tenant_id
  LEFT JOIN device_profiles p ON p.tenant_id = d.tenant_id AND p.name = d.profile
  LEFT JOIN device_credentials c ON c.device_id = d.id
  WHERE d.endpoint = p_endpoint
$$;

-- As in the quotas migration (1764400000000), with the security columns: creates an unknown endpoint's device in
-- the tenant with the longest matching auto_provision_prefix, within its device quota. Auto-provisioned devices have
-- no credential (NoSec), so they register only in tenants that allow NoSec.
CREATE FUNCTION platform.auto_provision(p_endpoint text)
RETURNS TABLE (tenant_id text, device_id uuid, profile text, observe jsonb, decommissioned boolean,
               auto_provisioned boolean, security_mode text, nosec_allowed boolean)
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

-- The device a DTLS handshake names: by PSK identity, or by the SHA-256 of its raw public key.
CREATE FUNCTION platform.resolve_psk(p_identity text)
RETURNS TABLE (tenant_id text, device_id uuid, endpoint text, psk_key_sealed bytea, key_id text,
               decommissioned boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT c.tenant_id, c.device_id, d.endpoint, c.psk_key_sealed, c.key_id, d.decommissioned_at IS NOT NULL
  FROM device_credentials c JOIN devices d ON d.id = c.device_id
  WHERE c.mode = 'psk' AND c.psk_identity = p_identity
$$;

CREATE FUNCTION platform.resolve_rpk(p_sha256 bytea)
RETURNS TABLE (tenant_id text, device_id uuid, endpoint text, decommissioned boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT c.tenant_id, c.device_id, d.endpoint, d.decommissioned_at IS NOT NULL
  FROM device_credentials c JOIN devices d ON d.id = c.device_id
  WHERE c.mode = 'rpk' AND c.public_key_sha256 = p_sha256
$$;

-- Every tenant's CAs: the ingest's DTLS server accepts chains to any of them, then checks that the chain ends at
-- the CA of the device's own tenant.
CREATE FUNCTION platform.certificate_authorities()
RETURNS TABLE (tenant_id text, sha256 bytea, certificate_der bytea)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT tenant_id, sha256, certificate_der FROM tenant_certificate_authorities ORDER BY tenant_id, sha256 $$;

REVOKE ALL ON FUNCTION platform.resolve_endpoint(text), platform.auto_provision(text), platform.resolve_psk(text),
  platform.resolve_rpk(bytea), platform.certificate_authorities() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.resolve_endpoint(text), platform.auto_provision(text), platform.resolve_psk(text),
  platform.resolve_rpk(bytea), platform.certificate_authorities() TO smartcity_app;

-- Down Migration
DROP FUNCTION platform.certificate_authorities();
DROP FUNCTION platform.resolve_rpk(bytea);
DROP FUNCTION platform.resolve_psk(text);
DROP FUNCTION platform.auto_provision(text);
DROP FUNCTION platform.resolve_endpoint(text);
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
  IF FOUND AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.endpoint = p_endpoint) THEN
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
REVOKE ALL ON FUNCTION platform.resolve_endpoint(text), platform.auto_provision(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.resolve_endpoint(text), platform.auto_provision(text) TO smartcity_app;
DROP TABLE tenant_certificate_authorities;
DROP TABLE device_credentials;
ALTER TABLE tenants DROP COLUMN allow_nosec;
