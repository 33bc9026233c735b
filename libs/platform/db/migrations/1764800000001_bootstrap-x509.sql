-- Up Migration
--
-- X.509 bootstrap credentials (issue 18; thingsboard#16173 "X.509 bootstrap does not create devices"): a vendor
-- flashes each device with a certificate issued by its own CA (CN or a subjectAltName = the endpoint name, LwM2M
-- Transport 1.1.1 §5.2.9.3). A tenant imports the vendor CA of a batch; the bootstrap server's DTLS handshake
-- accepts chains to any tenant's vendor CA, and the CA that issued the chain decides the tenant. With
-- create_devices, a certificate whose endpoint names no device yet creates it in that tenant (within its device
-- quota) before it is bootstrapped; without, only devices the tenant provisioned bootstrap.
CREATE TABLE bootstrap_certificate_authorities (
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  sha256 bytea NOT NULL CHECK (length(sha256) = 32),
  certificate_der bytea NOT NULL,
  subject text NOT NULL,
  create_devices boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, sha256)
);

ALTER TABLE bootstrap_certificate_authorities ENABLE ROW LEVEL SECURITY;
ALTER TABLE bootstrap_certificate_authorities FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON bootstrap_certificate_authorities TO smartcity_app
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY platform_admin ON bootstrap_certificate_authorities TO CURRENT_USER USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, DELETE ON bootstrap_certificate_authorities TO smartcity_app;

-- Every tenant's vendor CAs: the bootstrap server's trust anchors (the tenant check comes after the handshake).
CREATE FUNCTION platform.bootstrap_certificate_authorities()
RETURNS TABLE (tenant_id text, sha256 bytea, certificate_der bytea, create_devices boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT tenant_id, sha256, certificate_der, create_devices FROM bootstrap_certificate_authorities
  ORDER BY tenant_id, sha256
$$;

-- The device an X.509 bootstrap names in the tenant whose vendor CA issued its certificate; created first when
-- p_create and no device anywhere has the endpoint (endpoint names are unique platform-wide: another tenant's
-- device is never returned nor taken over), within the tenant's device quota.
CREATE FUNCTION platform.bootstrap_x509_device(p_tenant text, p_endpoint text, p_create boolean)
RETURNS TABLE (tenant_id text, device_id uuid, endpoint text, decommissioned boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
BEGIN
  IF p_endpoint IS NULL OR length(p_endpoint) NOT BETWEEN 1 AND 255 THEN
    RETURN;
  END IF;
  IF p_create AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.endpoint = p_endpoint) THEN
    -- One provisioning at a time per tenant (as platform.auto_provision), so a batch cannot overshoot the quota.
    PERFORM pg_advisory_xact_lock(hashtext('devices-quota:' || p_tenant));
    IF (SELECT count(*) FROM devices d WHERE d.tenant_id = p_tenant AND d.decommissioned_at IS NULL)
       < (SELECT l.max_devices FROM platform.tenant_limits l WHERE l.tenant_id = p_tenant) THEN
      INSERT INTO devices (tenant_id, endpoint, name) VALUES (p_tenant, p_endpoint, p_endpoint)
      ON CONFLICT (endpoint) DO NOTHING;
    END IF;
  END IF;
  RETURN QUERY
    SELECT d.tenant_id, d.id, d.endpoint, d.decommissioned_at IS NOT NULL
    FROM devices d WHERE d.endpoint = p_endpoint AND d.tenant_id = p_tenant;
END
$$;

REVOKE ALL ON FUNCTION platform.bootstrap_certificate_authorities(),
  platform.bootstrap_x509_device(text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.bootstrap_certificate_authorities(),
  platform.bootstrap_x509_device(text, text, boolean) TO smartcity_app;

-- Down Migration
DROP FUNCTION platform.bootstrap_x509_device(text, text, boolean);
DROP FUNCTION platform.bootstrap_certificate_authorities();
DROP TABLE bootstrap_certificate_authorities;
