import { type Pool } from 'pg';
import { parseCertificateAuthority, sha256Hex } from '../credentials/credential-input';
import { type CredentialOwner, sha256 } from '../credentials/device-credentials.repository';
import { type TxClient } from '../transaction';

/** A vendor CA as listings show it: never the certificate itself. */
export interface BootstrapAuthorityInfo {
  /** SHA-256 of the DER certificate, lowercase hex. */
  readonly sha256: string;
  readonly subject: string;
  /** A certificate of this CA whose endpoint names no device yet creates it in the tenant (thingsboard#16173). */
  readonly createDevices: boolean;
}

/** Every tenant's vendor CAs, for the bootstrap server's DTLS trust anchors. */
export interface BootstrapAuthority {
  readonly tenantId: string;
  readonly certificate: Buffer;
  readonly createDevices: boolean;
}

/**
 * Vendor CAs of X.509 bootstrap credentials (LwM2M Transport 1.1.1 §5.2.9.3; migration 1764800000001): written
 * within a tenant's transaction (CLI, GraphQL), read across tenants by the bootstrap server through SECURITY
 * DEFINER functions.
 */
export class BootstrapAuthorityRepository {
  /** Adds (or re-flags) a vendor CA of the tenant (PEM or DER). */
  async add(
    tx: TxClient,
    tenantId: string,
    certificate: string | Buffer,
    options: { readonly createDevices: boolean },
  ): Promise<BootstrapAuthorityInfo> {
    const ca = parseCertificateAuthority(certificate);
    await tx.query(`DELETE FROM bootstrap_certificate_authorities WHERE tenant_id = $1 AND sha256 = $2`, [
      tenantId,
      sha256(ca.raw),
    ]);
    await tx.query(
      `INSERT INTO bootstrap_certificate_authorities (tenant_id, sha256, certificate_der, subject, create_devices)
       VALUES ($1, $2, $3, $4, $5)`,
      [tenantId, sha256(ca.raw), ca.raw, ca.subject, options.createDevices],
    );
    return { sha256: sha256Hex(ca.raw), subject: ca.subject, createDevices: options.createDevices };
  }

  async list(tx: TxClient, tenantId: string): Promise<BootstrapAuthorityInfo[]> {
    const { rows } = await tx.query<{ sha256: Buffer; subject: string; create_devices: boolean }>(
      `SELECT sha256, subject, create_devices FROM bootstrap_certificate_authorities WHERE tenant_id = $1
       ORDER BY created_at, sha256`,
      [tenantId],
    );
    return rows.map((r) => ({
      sha256: r.sha256.toString('hex'),
      subject: r.subject,
      createDevices: r.create_devices,
    }));
  }

  /** False when the tenant has no vendor CA with this SHA-256 (of the DER certificate). */
  async remove(tx: TxClient, tenantId: string, sha256OfDer: Buffer): Promise<boolean> {
    const { rowCount } = await tx.query(
      'DELETE FROM bootstrap_certificate_authorities WHERE tenant_id = $1 AND sha256 = $2',
      [tenantId, sha256OfDer],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Every tenant's vendor CAs (the trust anchors; which tenant is decided after the handshake). */
  async all(pool: Pool): Promise<BootstrapAuthority[]> {
    const { rows } = await pool.query<{
      tenant_id: string;
      certificate_der: Buffer;
      create_devices: boolean;
    }>('SELECT * FROM platform.bootstrap_certificate_authorities()');
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      certificate: r.certificate_der,
      createDevices: r.create_devices,
    }));
  }

  /**
   * The tenant's device with this endpoint, created first when `create` and no device has the endpoint (within
   * the tenant's device quota). Undefined: none (another tenant's endpoint, quota reached, not to be created).
   */
  async x509Device(
    pool: Pool,
    tenantId: string,
    endpoint: string,
    create: boolean,
  ): Promise<CredentialOwner | undefined> {
    const { rows } = await pool.query<{
      tenant_id: string;
      device_id: string;
      endpoint: string;
      decommissioned: boolean;
    }>('SELECT * FROM platform.bootstrap_x509_device($1, $2, $3)', [tenantId, endpoint, create]);
    const row = rows[0];
    return row
      ? {
          tenantId: row.tenant_id,
          deviceId: row.device_id,
          endpoint: row.endpoint,
          decommissioned: row.decommissioned,
        }
      : undefined;
  }
}
