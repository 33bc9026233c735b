import { createHash, X509Certificate } from 'node:crypto';
import { type Pool } from 'pg';
import { type TxClient } from '../transaction';
import { type CredentialKeyring } from './credential-keyring';

/** How a device authenticates (LwM2M Transport 1.1.1 §5.2.9); absent = NoSec. */
export type DeviceCredentialInput =
  /** RFC 4279: the identity is unique platform-wide; the key 16..64 bytes. */
  | { readonly mode: 'psk'; readonly identity: string; readonly key: Buffer }
  /** RFC 7250: the device's public key, DER SubjectPublicKeyInfo. */
  | { readonly mode: 'rpk'; readonly publicKey: Buffer }
  /** RFC 5280: a certificate chained to the tenant's CA whose CN or SAN is the endpoint name. */
  | { readonly mode: 'x509' };

export type SecurityMode = 'nosec' | DeviceCredentialInput['mode'];

/** The device a DTLS credential names, across tenants (the ingest's lookups). */
export interface CredentialOwner {
  readonly tenantId: string;
  readonly deviceId: string;
  readonly endpoint: string;
  readonly decommissioned: boolean;
}

export class CredentialInputError extends Error {
  override readonly name = 'CredentialInputError';
}

const PSK_IDENTITY = /^[\x21-\x7e]{1,128}$/;

export const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/**
 * Device credentials: written within a tenant's transaction (gateway, CLI), read across tenants by the ingest
 * through SECURITY DEFINER functions. The PSK key is sealed with the platform keyring, bound to its device id; no
 * method returns it but `resolvePsk`, which the DTLS handshake needs.
 */
export class DeviceCredentialRepository {
  constructor(private readonly keyring: CredentialKeyring) {}

  /** Sets (or replaces) a device's credential in the current tenant transaction. */
  async set(
    tx: TxClient,
    tenantId: string,
    deviceId: string,
    credential: DeviceCredentialInput,
  ): Promise<void> {
    switch (credential.mode) {
      case 'psk': {
        if (!PSK_IDENTITY.test(credential.identity)) {
          throw new CredentialInputError('a PSK identity is 1 to 128 printable ASCII characters');
        }
        if (credential.key.length < 16 || credential.key.length > 64) {
          throw new CredentialInputError('a PSK key is 16 to 64 bytes');
        }
        const { sealed, keyId } = this.keyring.seal(credential.key, deviceId);
        await upsert(tx, [tenantId, deviceId, 'psk', credential.identity, sealed, keyId, null, null]);
        return;
      }
      case 'rpk': {
        const spki = checkPublicKey(credential.publicKey);
        await upsert(tx, [tenantId, deviceId, 'rpk', null, null, null, sha256(spki), spki]);
        return;
      }
      case 'x509':
        await upsert(tx, [tenantId, deviceId, 'x509', null, null, null, null, null]);
        return;
    }
  }

  /** Removes a device's credential: it becomes a NoSec device (registers only where the tenant allows NoSec). */
  async remove(tx: TxClient, deviceId: string): Promise<void> {
    await tx.query('DELETE FROM device_credentials WHERE device_id = $1', [deviceId]);
  }

  /** A tenant CA for X.509 devices (PEM or DER), in the current tenant transaction. */
  async addCertificateAuthority(
    tx: TxClient,
    tenantId: string,
    certificate: string | Buffer,
  ): Promise<string> {
    let ca: X509Certificate;
    try {
      ca = new X509Certificate(certificate);
    } catch {
      throw new CredentialInputError('not an X.509 certificate');
    }
    if (!ca.ca)
      throw new CredentialInputError('the certificate is not a CA (basicConstraints cA is not set)');
    await tx.query(
      `INSERT INTO tenant_certificate_authorities (tenant_id, sha256, certificate_der, subject) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [tenantId, sha256(ca.raw), ca.raw, ca.subject],
    );
    return ca.fingerprint256;
  }

  /** The device a PSK identity belongs to, with its key: for the DTLS handshake only. */
  async resolvePsk(
    pool: Pool,
    identity: string,
  ): Promise<(CredentialOwner & { readonly key: Buffer }) | undefined> {
    const { rows } = await pool.query<OwnerRow & { psk_key_sealed: Buffer; key_id: string }>(
      'SELECT * FROM platform.resolve_psk($1)',
      [identity],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      ...owner(row),
      key: this.keyring.open({ sealed: row.psk_key_sealed, keyId: row.key_id }, row.device_id),
    };
  }

  /** The device a raw public key belongs to. */
  async resolveRpk(pool: Pool, spki: Buffer): Promise<CredentialOwner | undefined> {
    const { rows } = await pool.query<OwnerRow>('SELECT * FROM platform.resolve_rpk($1)', [sha256(spki)]);
    return rows[0] ? owner(rows[0]) : undefined;
  }

  /** Every tenant's CAs (the DTLS server's trust anchors; the tenant check comes after the handshake). */
  async certificateAuthorities(
    pool: Pool,
  ): Promise<{ tenantId: string; sha256: Buffer; certificate: Buffer }[]> {
    const { rows } = await pool.query<{ tenant_id: string; sha256: Buffer; certificate_der: Buffer }>(
      'SELECT * FROM platform.certificate_authorities()',
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, sha256: r.sha256, certificate: r.certificate_der }));
  }
}

interface OwnerRow {
  tenant_id: string;
  device_id: string;
  endpoint: string;
  decommissioned: boolean;
}

function owner(row: OwnerRow): CredentialOwner {
  return {
    tenantId: row.tenant_id,
    deviceId: row.device_id,
    endpoint: row.endpoint,
    decommissioned: row.decommissioned,
  };
}

async function upsert(tx: TxClient, values: unknown[]): Promise<void> {
  await tx.query(
    `INSERT INTO device_credentials (tenant_id, device_id, mode, psk_identity, psk_key_sealed, key_id,
                                     public_key_sha256, public_key_spki)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (device_id) DO UPDATE SET mode = EXCLUDED.mode, psk_identity = EXCLUDED.psk_identity,
       psk_key_sealed = EXCLUDED.psk_key_sealed, key_id = EXCLUDED.key_id,
       public_key_sha256 = EXCLUDED.public_key_sha256, public_key_spki = EXCLUDED.public_key_spki, rotated_at = now()`,
    values,
  );
}

/** A P-256 public key as DER SubjectPublicKeyInfo (LwM2M's mandatory curve, RFC 7251). */
function checkPublicKey(spki: Buffer): Buffer {
  // id-ecPublicKey with prime256v1: the 26-byte SPKI prefix of an uncompressed P-256 key (RFC 5480 §2).
  const prefix = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
  if (spki.length !== 91 || !spki.subarray(0, prefix.length).equals(prefix) || spki[26] !== 0x04) {
    throw new CredentialInputError('a raw public key is a P-256 SubjectPublicKeyInfo (DER, 91 bytes)');
  }
  return spki;
}
