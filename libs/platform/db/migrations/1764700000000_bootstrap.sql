-- Up Migration
--
-- Bootstrap (issue 18, LwM2M Core 1.1.1 §6.1): devices leave the factory with one vendor bootstrap credential; the
-- bootstrap server (apps/bootstrap) authenticates them with it and writes their city's LwM2M server account: URI,
-- security (a PSK the platform generates per device, stored in device_credentials like every device credential,
-- different from the bootstrap key) and the Server object (lifetime, binding).
--
-- bootstrap_credentials: the vendor's PSK per device (imported per batch, CLI `bootstrap import`), sealed with the
-- platform keyring (AES-256-GCM, AAD "bootstrap:<device id>" so it cannot be swapped with the device's LwM2M server
-- credential row) and never readable by the application role: only platform.resolve_bootstrap_psk returns it, to
-- the bootstrap server's DTLS handshake.
CREATE TABLE bootstrap_credentials (
  device_id uuid PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- RFC 4279: the identity names the device in the handshake, unique platform-wide among bootstrap credentials.
  psk_identity text NOT NULL UNIQUE CHECK (length(psk_identity) BETWEEN 1 AND 128),
  psk_key_sealed bytea NOT NULL,
  key_id text NOT NULL,
  batch text CHECK (length(batch) <= 128),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_bootstrap_at timestamptz,
  FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX bootstrap_credentials_tenant ON bootstrap_credentials (tenant_id);

-- What a tenant's devices get (Core 1.1.1 §E.1 Security object, §E.2 Server object).
CREATE TABLE bootstrap_configs (
  tenant_id text PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  server_uri text NOT NULL CHECK (server_uri ~ '^coaps?://[^\s]{1,250}$'),
  lifetime integer NOT NULL DEFAULT 300 CHECK (lifetime BETWEEN 1 AND 31536000),
  binding text NOT NULL DEFAULT 'U' CHECK (binding ~ '^[UMHTSNQ]{1,6}$'),
  short_server_id integer NOT NULL DEFAULT 1 CHECK (short_server_id BETWEEN 1 AND 65534),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Per-device overrides of the tenant's configuration (NULL: the tenant's value).
CREATE TABLE bootstrap_device_overrides (
  device_id uuid PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  server_uri text CHECK (server_uri ~ '^coaps?://[^\s]{1,250}$'),
  lifetime integer CHECK (lifetime BETWEEN 1 AND 31536000),
  binding text CHECK (binding ~ '^[UMHTSNQ]{1,6}$'),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['bootstrap_credentials', 'bootstrap_configs', 'bootstrap_device_overrides'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO smartcity_app USING (tenant_id = current_setting(''app.tenant_id'', true)) '
      'WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))', t);
    EXECUTE format('CREATE POLICY platform_admin ON %I TO CURRENT_USER USING (true) WITH CHECK (true)', t);
  END LOOP;
END
$$;

-- The sealed bootstrap key is not readable by the application role (as device_credentials.psk_key_sealed).
GRANT SELECT (device_id, tenant_id, psk_identity, batch, created_at, last_bootstrap_at),
  INSERT, DELETE ON bootstrap_credentials TO smartcity_app;
GRANT UPDATE (psk_identity, psk_key_sealed, key_id, batch, last_bootstrap_at) ON bootstrap_credentials TO smartcity_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON bootstrap_configs, bootstrap_device_overrides TO smartcity_app;

-- The device a bootstrap handshake names, with its sealed key: for the bootstrap server's DTLS handshake only.
CREATE FUNCTION platform.resolve_bootstrap_psk(p_identity text)
RETURNS TABLE (tenant_id text, device_id uuid, endpoint text, psk_key_sealed bytea, key_id text,
               decommissioned boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT b.tenant_id, b.device_id, d.endpoint, b.psk_key_sealed, b.key_id, d.decommissioned_at IS NOT NULL
  FROM bootstrap_credentials b JOIN devices d ON d.id = b.device_id
  WHERE b.psk_identity = p_identity
$$;

REVOKE ALL ON FUNCTION platform.resolve_bootstrap_psk(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.resolve_bootstrap_psk(text) TO smartcity_app;

-- Down Migration
DROP FUNCTION platform.resolve_bootstrap_psk(text);
DROP TABLE bootstrap_device_overrides;
DROP TABLE bootstrap_configs;
DROP TABLE bootstrap_credentials;
