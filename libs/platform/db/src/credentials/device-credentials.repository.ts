import { createHash } from 'node:crypto';
import { type Pool } from 'pg';
import { type TxClient } from '../transaction';
import { type CredentialKeyring } from './credential-keyring';
import {
  CredentialInputError,
  isPskIdentity,
  MAX_PSK_BYTES,
  MIN_PSK_BYTES,
  parseCertificateAuthority,
  sha256Hex,
} from './credential-input';

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

/**
 * The device a PSK identity names, with the key (for the handshake only). `pending`: the identity is a credential
 * staged by a re-bootstrap (issue 18), valid until the device registers with it (then promoted) or it expires.
 */
export type PskOwner = CredentialOwner & { readonly key: Buffer; readonly pending: boolean };

/** A tenant CA as listings show it: never the certificate itself. */
export interface CertificateAuthorityInfo {
  /** SHA-256 of the DER certificate, lowercase hex. */
  readonly sha256: string;
  readonly subject: string;
}

/**
 * True for the error of a credential whose PSK identity or raw public key another device already has (anywhere on
 * the platform: both are unique, they name the device in the handshake). Callers answer it without saying whose.
 */
export function isCredentialTaken(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return (
    e !== null &&
    typeof e === 'object' &&
    e.code === '23505' &&
    typeof e.constraint === 'string' &&
    (e.constraint === 'device_credentials_psk_identity_key' ||
      e.constraint === 'device_credentials_pending_psk_identity_key' ||
      e.constraint === 'device_credentials_public_key_sha256_key')
  );
}

export const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** The row values of one credential, in the column order of `CREDENTIAL_COLUMNS`. */
type CredentialValues = [
  mode: string,
  pskIdentity: string | null,
  pskKeySealed: Buffer | null,
  keyId: string | null,
  publicKeySha256: Buffer | null,
  publicKeySpki: Buffer | null,
];

/**
 * Device credentials: written within a tenant's transaction (gateway, CLI), read across tenants by the ingest
 * through SECURITY DEFINER functions. The PSK key is sealed with the platform keyring, bound to its device id; no
 * method returns it but `resolvePsk`, which the DTLS handshake needs.
 */
export class DeviceCredentialRepository {
  constructor(private readonly keyring: CredentialKeyring) {}

  /**
   * Sets (or replaces) a device's credential in the current tenant transaction. A PSK identity or public key that
   * another device has fails with a unique violation (see isCredentialTaken), which aborts the transaction.
   */
  async set(
    tx: TxClient,
    tenantId: string,
    deviceId: string,
    credential: DeviceCredentialInput,
  ): Promise<void> {
    const values = this.valuesOf(deviceId, credential);
    // A credential the operator sets replaces whatever a re-bootstrap staged.
    await tx.query('DELETE FROM device_credentials_pending WHERE device_id = $1', [deviceId]);
    // UPDATE, then INSERT: an upsert (ON CONFLICT DO UPDATE ... EXCLUDED.psk_key_sealed) would need SELECT on the
    // sealed key, which the application role does not have and must not get.
    const updated = await tx.query(
      `UPDATE device_credentials SET mode = $2, psk_identity = $3, psk_key_sealed = $4, key_id = $5,
              public_key_sha256 = $6, public_key_spki = $7, rotated_at = now()
       WHERE device_id = $1`,
      [deviceId, ...values],
    );
    if ((updated.rowCount ?? 0) > 0) return;
    await tx.query(
      `INSERT INTO device_credentials (tenant_id, device_id, mode, psk_identity, psk_key_sealed, key_id,
                                       public_key_sha256, public_key_spki)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [tenantId, deviceId, ...values],
    );
  }

  /**
   * Credentials of devices created in this transaction, in one statement. A credential whose PSK identity or public
   * key another device has is not written (the transaction goes on); the ids of those devices are returned.
   */
  async setForNewDevices(
    tx: TxClient,
    tenantId: string,
    entries: readonly { readonly deviceId: string; readonly credential: DeviceCredentialInput }[],
  ): Promise<string[]> {
    if (entries.length === 0) return [];
    const rows = entries.map((e) => this.valuesOf(e.deviceId, e.credential));
    const column = (i: number) => rows.map((r) => r[i] ?? null);
    const { rows: written } = await tx.query<{ device_id: string }>(
      `INSERT INTO device_credentials (tenant_id, device_id, mode, psk_identity, psk_key_sealed, key_id,
                                       public_key_sha256, public_key_spki)
       SELECT $1, u.device_id, u.mode, u.psk_identity, u.psk_key_sealed, u.key_id, u.public_key_sha256,
              u.public_key_spki
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::bytea[], $6::text[], $7::bytea[], $8::bytea[])
         AS u(device_id, mode, psk_identity, psk_key_sealed, key_id, public_key_sha256, public_key_spki)
       ON CONFLICT DO NOTHING
       RETURNING device_id`,
      [
        tenantId,
        entries.map((e) => e.deviceId),
        column(0),
        column(1),
        column(2),
        column(3),
        column(4),
        column(5),
      ],
    );
    const ok = new Set(written.map((r) => r.device_id));
    return entries.map((e) => e.deviceId).filter((id) => !ok.has(id));
  }

  /**
   * Which of these PSK identities and public keys belong to the tenant's devices (public keys as the hex SHA-256
   * of their SPKI): the rest of a refused set is other tenants'. On the application role, RLS hides the others
   * anyway.
   */
  async ownedAmong(
    tx: TxClient,
    tenantId: string,
    identities: readonly string[],
    publicKeys: readonly Buffer[],
  ): Promise<{ identities: Set<string>; publicKeys: Set<string> }> {
    const { rows } = await tx.query<{ psk_identity: string | null; public_key_sha256: Buffer | null }>(
      `SELECT psk_identity, public_key_sha256 FROM device_credentials
       WHERE tenant_id = $1 AND (psk_identity = ANY($2::text[]) OR public_key_sha256 = ANY($3::bytea[]))`,
      [tenantId, identities, publicKeys.map(sha256)],
    );
    return {
      identities: new Set(rows.flatMap((r) => (r.psk_identity === null ? [] : [r.psk_identity]))),
      publicKeys: new Set(
        rows.flatMap((r) => (r.public_key_sha256 ? [r.public_key_sha256.toString('hex')] : [])),
      ),
    };
  }

  /**
   * Removes a device's credential: it becomes a NoSec device (registers only where the tenant allows NoSec). True
   * when it had one.
   */
  async remove(tx: TxClient, deviceId: string): Promise<boolean> {
    await tx.query('DELETE FROM device_credentials_pending WHERE device_id = $1', [deviceId]);
    const { rowCount } = await tx.query('DELETE FROM device_credentials WHERE device_id = $1', [deviceId]);
    return (rowCount ?? 0) > 0;
  }

  /**
   * Stages a PSK for a device that has a credential (re-bootstrap, issue 18): the current one keeps working until
   * the device registers with the staged one (`promotePendingPsk`). Replaces what an earlier bootstrap staged. The
   * identity must not be one a device already has (the caller generates it); a staged identity that is taken
   * fails with a unique violation (isCredentialTaken).
   */
  async stagePsk(
    tx: TxClient,
    tenantId: string,
    deviceId: string,
    credential: { readonly identity: string; readonly key: Buffer },
  ): Promise<void> {
    const [, identity, sealed, keyId] = this.valuesOf(deviceId, { mode: 'psk', ...credential });
    const updated = await tx.query(
      `UPDATE device_credentials_pending SET psk_identity = $2, psk_key_sealed = $3, key_id = $4, created_at = now(),
              expires_at = now() + interval '7 days'
       WHERE device_id = $1`,
      [deviceId, identity, sealed, keyId],
    );
    if ((updated.rowCount ?? 0) > 0) return;
    await tx.query(
      `INSERT INTO device_credentials_pending (tenant_id, device_id, psk_identity, psk_key_sealed, key_id)
       VALUES ($1, $2, $3, $4, $5)`,
      [tenantId, deviceId, identity, sealed, keyId],
    );
  }

  /** The device's current security mode, in the current tenant transaction ('nosec' without a credential). */
  async modeOf(tx: TxClient, deviceId: string): Promise<SecurityMode> {
    const { rows } = await tx.query<{ mode: SecurityMode }>(
      'SELECT mode FROM device_credentials WHERE device_id = $1',
      [deviceId],
    );
    return rows[0]?.mode ?? 'nosec';
  }

  /**
   * The device registered with its staged PSK: it becomes its credential and the old one stops resolving. False
   * when this identity is not (or no longer) staged for the device.
   */
  async promotePendingPsk(pool: Pool, deviceId: string, identity: string): Promise<boolean> {
    const { rows } = await pool.query<{ promoted: boolean }>(
      'SELECT platform.promote_pending_psk($1, $2) AS promoted',
      [deviceId, identity],
    );
    return rows[0]?.promoted === true;
  }

  /** A tenant CA for X.509 devices (PEM or DER), in the current tenant transaction. */
  async addCertificateAuthority(
    tx: TxClient,
    tenantId: string,
    certificate: string | Buffer,
  ): Promise<CertificateAuthorityInfo> {
    const ca = parseCertificateAuthority(certificate);
    await tx.query(
      `INSERT INTO tenant_certificate_authorities (tenant_id, sha256, certificate_der, subject) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [tenantId, sha256(ca.raw), ca.raw, ca.subject],
    );
    return { sha256: sha256Hex(ca.raw), subject: ca.subject };
  }

  /** A tenant's CAs, oldest first. */
  async listCertificateAuthorities(tx: TxClient, tenantId: string): Promise<CertificateAuthorityInfo[]> {
    const { rows } = await tx.query<{ sha256: Buffer; subject: string }>(
      'SELECT sha256, subject FROM tenant_certificate_authorities WHERE tenant_id = $1 ORDER BY created_at, sha256',
      [tenantId],
    );
    return rows.map((r) => ({ sha256: r.sha256.toString('hex'), subject: r.subject }));
  }

  /** Removes one of a tenant's CAs; false when it has none with this SHA-256 (of the DER certificate). */
  async removeCertificateAuthority(tx: TxClient, tenantId: string, sha256OfDer: Buffer): Promise<boolean> {
    const { rowCount } = await tx.query(
      'DELETE FROM tenant_certificate_authorities WHERE tenant_id = $1 AND sha256 = $2',
      [tenantId, sha256OfDer],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Checks a credential and seals its secret, bound to the device (AAD). */
  private valuesOf(deviceId: string, credential: DeviceCredentialInput): CredentialValues {
    switch (credential.mode) {
      case 'psk': {
        if (!isPskIdentity(credential.identity)) {
          throw new CredentialInputError('a PSK identity is 1 to 128 printable ASCII characters');
        }
        if (credential.key.length < MIN_PSK_BYTES || credential.key.length > MAX_PSK_BYTES) {
          throw new CredentialInputError(`a PSK key is ${MIN_PSK_BYTES} to ${MAX_PSK_BYTES} bytes`);
        }
        const { sealed, keyId } = this.keyring.seal(credential.key, deviceId);
        return ['psk', credential.identity, sealed, keyId, null, null];
      }
      case 'rpk': {
        const spki = checkPublicKey(credential.publicKey);
        return ['rpk', null, null, null, sha256(spki), spki];
      }
      case 'x509':
        return ['x509', null, null, null, null, null];
    }
  }

  /** The device a PSK identity belongs to (current or staged credential), with its key: for the handshake only. */
  async resolvePsk(pool: Pool, identity: string): Promise<PskOwner | undefined> {
    const { rows } = await pool.query<
      OwnerRow & { psk_key_sealed: Buffer; key_id: string; pending: boolean }
    >('SELECT * FROM platform.resolve_psk($1)', [identity]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      ...owner(row),
      key: this.keyring.open({ sealed: row.psk_key_sealed, keyId: row.key_id }, row.device_id),
      pending: row.pending,
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

/** A P-256 public key as DER SubjectPublicKeyInfo (LwM2M's mandatory curve, RFC 7251). */
function checkPublicKey(spki: Buffer): Buffer {
  // id-ecPublicKey with prime256v1: the 26-byte SPKI prefix of an uncompressed P-256 key (RFC 5480 §2).
  const prefix = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
  if (spki.length !== 91 || !spki.subarray(0, prefix.length).equals(prefix) || spki[26] !== 0x04) {
    throw new CredentialInputError('a raw public key is a P-256 SubjectPublicKeyInfo (DER, 91 bytes)');
  }
  return spki;
}
