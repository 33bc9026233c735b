import { type Pool } from 'pg';
import { type CredentialKeyring } from '../credentials/credential-keyring';
import {
  CredentialInputError,
  isPskIdentity,
  MAX_PSK_BYTES,
  MIN_PSK_BYTES,
} from '../credentials/credential-input';
import { type CredentialOwner } from '../credentials/device-credentials.repository';
import { type TxClient } from '../transaction';

/**
 * Bootstrap (LwM2M Core 1.1.1 §6.1): the vendor's bootstrap credential of each device and what the bootstrap server
 * writes into it (the tenant's configuration, with per-device overrides). The bootstrap key is sealed with the
 * platform keyring bound to `bootstrap:<device id>` (a different AAD from the device's LwM2M server credential, so a
 * sealed value cannot be moved between the two tables) and no method returns it but `resolvePsk`, which the
 * bootstrap server's DTLS handshake needs.
 */

/** One line of a vendor batch: the device's endpoint and its factory PSK (RFC 4279). */
export interface BootstrapCredentialInput {
  readonly deviceId: string;
  readonly identity: string;
  readonly key: Buffer;
}

/** The LwM2M server account a device gets (Security object /0 and Server object /1, Core 1.1.1 §E.1, §E.2). */
export interface BootstrapServerConfig {
  /** `coaps://host:port` of the tenant's LwM2M server (the ingest). */
  readonly serverUri: string;
  /** Registration lifetime (s), Server object resource 1. */
  readonly lifetime: number;
  /** Binding (Server object resource 7): "U" for UDP. */
  readonly binding: string;
  /** Short Server ID (Security resource 10, Server resource 0), 1..65534 (Core 1.1.1 §E.2: 0 and 65535 reserved). */
  readonly shortServerId: number;
  /**
   * Default observation attributes (Server resources 2 "Default Minimum Period" and 3 "Default Maximum Period",
   * seconds, Core 1.1.1 §E.2): what the device applies to an Observe without pmin/pmax. Undefined or null: not
   * written.
   */
  readonly defaultMinPeriod?: number | null;
  readonly defaultMaxPeriod?: number | null;
  /** More object instances written after the account (Core 1.1.1 §6.1.7.4), in order. */
  readonly objectWrites?: readonly BootstrapObjectWrite[];
}

/**
 * One Bootstrap-Write of an object instance other than the account's (e.g. a uCIFI lamp controller's default
 * dimming level, `{ path: '/3416/0', values: { 4: 80 }, categories: ['streetlight'] }`). The values are JSON as
 * lwm2m-core `recordsFromJson` reads them; `checkObjectWrites` checks them against the object models.
 */
export interface BootstrapObjectWrite {
  /** An object instance, `/object/instance`; not the Security (0) or Server (1) object. */
  readonly path: string;
  /** Resource id -> value. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Only devices of these categories get it; empty: every device. */
  readonly categories: readonly string[];
  /** The object version whose model types the values; default: the latest the platform knows. */
  readonly objectVersion?: string;
}

/** What a device gets: the account with its defaults resolved and only the object writes for its category. */
export type DeviceBootstrapConfig = Required<
  Omit<BootstrapServerConfig, 'defaultMinPeriod' | 'defaultMaxPeriod'>
> & {
  readonly defaultMinPeriod: number | null;
  readonly defaultMaxPeriod: number | null;
};

export type BootstrapOverride = Partial<Pick<BootstrapServerConfig, 'serverUri' | 'lifetime' | 'binding'>>;

/** The device a bootstrap PSK identity belongs to, with the key (for the handshake only). */
export type BootstrapPskOwner = CredentialOwner & { readonly key: Buffer };

/** A tenant's configuration as stored, with when it last changed. */
export type StoredBootstrapConfig = DeviceBootstrapConfig & { readonly updatedAt: Date };

/** What is known of a device's bootstrap credential: never the key (the application role cannot read it). */
export interface BootstrapDeviceStatus {
  readonly deviceId: string;
  readonly identity: string;
  readonly batch: string | null;
  readonly createdAt: Date;
  readonly lastBootstrapAt: Date | null;
  /** The device's override of the tenant's configuration, when it has one. */
  readonly override: (BootstrapOverride & { readonly updatedAt: Date }) | null;
}

const SERVER_URI = /^coaps?:\/\/\S{1,250}$/;
const BINDING = /^[UMHTSNQ]{1,6}$/;
const MAX_LIFETIME_S = 365 * 24 * 3600;
/** Explicit limits of the object writes (the table's CHECK allows 16 and 16 KiB of JSON). */
export const MAX_OBJECT_WRITES = 16;
const MAX_OBJECT_WRITES_JSON = 16_384;
const MAX_WRITE_CATEGORIES = 16;
const INSTANCE_PATH = /^\/(\d{1,5})\/(\d{1,5})$/;
const CATEGORY = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Checks a configuration (or an override's fields); the message is safe to show. */
export function checkBootstrapConfig(
  config: BootstrapOverride & Omit<Partial<BootstrapServerConfig>, keyof BootstrapOverride>,
): void {
  if (config.serverUri !== undefined && !SERVER_URI.test(config.serverUri))
    throw new CredentialInputError('the server URI is coap:// or coaps:// followed by host:port');
  if (
    config.lifetime !== undefined &&
    (!Number.isInteger(config.lifetime) || config.lifetime < 1 || config.lifetime > MAX_LIFETIME_S)
  )
    throw new CredentialInputError(`the lifetime is 1 to ${MAX_LIFETIME_S} seconds`);
  if (config.binding !== undefined && !BINDING.test(config.binding))
    throw new CredentialInputError('the binding is one or more of U, M, H, T, S, N, Q (Core 1.1.1 §E.2)');
  if (
    config.shortServerId !== undefined &&
    (!Number.isInteger(config.shortServerId) || config.shortServerId < 1 || config.shortServerId > 65534)
  )
    throw new CredentialInputError('the short server id is 1 to 65534');
  const period = (name: string, v: number | null | undefined, min: number) => {
    if (v != null && (!Number.isInteger(v) || v < min || v > MAX_LIFETIME_S))
      throw new CredentialInputError(`the ${name} is ${min} to ${MAX_LIFETIME_S} seconds`);
  };
  period('default minimum period', config.defaultMinPeriod, 0);
  period('default maximum period', config.defaultMaxPeriod, 1);
  if (
    config.defaultMinPeriod != null &&
    config.defaultMaxPeriod != null &&
    config.defaultMinPeriod > config.defaultMaxPeriod
  )
    throw new CredentialInputError('the default minimum period is not above the default maximum period');
  if (config.objectWrites !== undefined) checkObjectWritesShape(config.objectWrites);
}

/**
 * The shape of object writes (the models are checked by `checkObjectWrites`): at most 16, each an instance path
 * outside the Security and Server objects (the account is the platform's to write), 1 to 64 resource ids, up to
 * 16 categories, 16 KiB of JSON in all.
 */
function checkObjectWritesShape(writes: readonly BootstrapObjectWrite[]): void {
  if (writes.length > MAX_OBJECT_WRITES)
    throw new CredentialInputError(`at most ${MAX_OBJECT_WRITES} object writes`);
  if (JSON.stringify(writes).length > MAX_OBJECT_WRITES_JSON)
    throw new CredentialInputError(`the object writes take at most ${MAX_OBJECT_WRITES_JSON} bytes of JSON`);
  writes.forEach((w, i) => {
    const where = `objectWrites[${i}]`;
    const m = INSTANCE_PATH.exec(w.path);
    if (!m || Number(m[1]) > 65534 || Number(m[2]) > 65534)
      throw new CredentialInputError(`${where}: the path is an object instance, /object/instance`);
    if (m[1] === '0' || m[1] === '1')
      throw new CredentialInputError(
        `${where}: the Security (0) and Server (1) objects are the account the platform writes`,
      );
    const ids = typeof w.values === 'object' && w.values !== null ? Object.keys(w.values) : [];
    if (ids.length < 1 || ids.length > 64 || Array.isArray(w.values))
      throw new CredentialInputError(`${where}: give 1 to 64 resource values`);
    if (
      !Array.isArray(w.categories) ||
      w.categories.length > MAX_WRITE_CATEGORIES ||
      !w.categories.every((c) => typeof c === 'string' && CATEGORY.test(c))
    )
      throw new CredentialInputError(
        `${where}: up to ${MAX_WRITE_CATEGORIES} categories of lower-case letters, digits, - and _`,
      );
    if (w.objectVersion !== undefined && !/^\d{1,3}\.\d{1,3}$/.test(w.objectVersion))
      throw new CredentialInputError(`${where}: the object version is major.minor`);
  });
}

/** True for the error of a bootstrap PSK identity another device already has. */
export function isBootstrapIdentityTaken(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return (
    e !== null &&
    typeof e === 'object' &&
    e.code === '23505' &&
    e.constraint === 'bootstrap_credentials_psk_identity_key'
  );
}

const aad = (deviceId: string) => `bootstrap:${deviceId}`;

export class BootstrapRepository {
  constructor(private readonly keyring: CredentialKeyring) {}

  /**
   * Sets (or replaces) devices' bootstrap credentials in the current tenant transaction. An identity another device
   * has fails with a unique violation (isBootstrapIdentityTaken), which aborts the transaction.
   */
  async setCredentials(
    tx: TxClient,
    tenantId: string,
    entries: readonly BootstrapCredentialInput[],
    batch?: string,
  ): Promise<void> {
    for (const e of entries) {
      if (!isPskIdentity(e.identity))
        throw new CredentialInputError('a PSK identity is 1 to 128 printable ASCII characters');
      if (e.key.length < MIN_PSK_BYTES || e.key.length > MAX_PSK_BYTES)
        throw new CredentialInputError(`a PSK key is ${MIN_PSK_BYTES} to ${MAX_PSK_BYTES} bytes`);
      const { sealed, keyId } = this.keyring.seal(e.key, aad(e.deviceId));
      // UPDATE, then INSERT: an upsert would need SELECT on the sealed key, which the application role lacks.
      const updated = await tx.query(
        `UPDATE bootstrap_credentials SET psk_identity = $2, psk_key_sealed = $3, key_id = $4, batch = COALESCE($5, batch)
         WHERE device_id = $1`,
        [e.deviceId, e.identity, sealed, keyId, batch ?? null],
      );
      if ((updated.rowCount ?? 0) > 0) continue;
      await tx.query(
        `INSERT INTO bootstrap_credentials (tenant_id, device_id, psk_identity, psk_key_sealed, key_id, batch)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [tenantId, e.deviceId, e.identity, sealed, keyId, batch ?? null],
      );
    }
  }

  /** The tenant's configuration: what its devices get unless overridden. */
  async setConfig(tx: TxClient, tenantId: string, config: BootstrapServerConfig): Promise<void> {
    checkBootstrapConfig(config);
    await tx.query(
      `INSERT INTO bootstrap_configs (tenant_id, server_uri, lifetime, binding, short_server_id,
                                      default_min_period, default_max_period, object_writes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
       ON CONFLICT (tenant_id) DO UPDATE SET server_uri = EXCLUDED.server_uri, lifetime = EXCLUDED.lifetime,
         binding = EXCLUDED.binding, short_server_id = EXCLUDED.short_server_id,
         default_min_period = EXCLUDED.default_min_period, default_max_period = EXCLUDED.default_max_period,
         object_writes = EXCLUDED.object_writes, updated_at = now()`,
      [
        tenantId,
        config.serverUri,
        config.lifetime,
        config.binding,
        config.shortServerId,
        config.defaultMinPeriod ?? null,
        config.defaultMaxPeriod ?? null,
        JSON.stringify(config.objectWrites ?? []),
      ],
    );
  }

  /** A device's overrides (fields left out keep the tenant's value); an empty override removes it. */
  async setOverride(
    tx: TxClient,
    tenantId: string,
    deviceId: string,
    override: BootstrapOverride,
  ): Promise<void> {
    checkBootstrapConfig(override);
    if (
      override.serverUri === undefined &&
      override.lifetime === undefined &&
      override.binding === undefined
    ) {
      await tx.query('DELETE FROM bootstrap_device_overrides WHERE device_id = $1', [deviceId]);
      return;
    }
    await tx.query(
      `INSERT INTO bootstrap_device_overrides (tenant_id, device_id, server_uri, lifetime, binding)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (device_id) DO UPDATE SET server_uri = EXCLUDED.server_uri, lifetime = EXCLUDED.lifetime,
         binding = EXCLUDED.binding, updated_at = now()`,
      [tenantId, deviceId, override.serverUri ?? null, override.lifetime ?? null, override.binding ?? null],
    );
  }

  /**
   * What the device gets: its overrides over its tenant's configuration, with the object writes for its category;
   * undefined when the tenant has none.
   */
  async configFor(
    tx: TxClient,
    tenantId: string,
    deviceId: string,
  ): Promise<DeviceBootstrapConfig | undefined> {
    const { rows } = await tx.query<ConfigRow & { category: string | null }>(
      `SELECT COALESCE(o.server_uri, c.server_uri) AS server_uri, COALESCE(o.lifetime, c.lifetime) AS lifetime,
              COALESCE(o.binding, c.binding) AS binding, c.short_server_id, c.default_min_period,
              c.default_max_period, c.object_writes, c.updated_at, d.category
       FROM bootstrap_configs c
       LEFT JOIN bootstrap_device_overrides o ON o.device_id = $2 AND o.tenant_id = c.tenant_id
       LEFT JOIN devices d ON d.id = $2 AND d.tenant_id = c.tenant_id
       WHERE c.tenant_id = $1`,
      [tenantId, deviceId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const { updatedAt: _, ...config } = configOfRow(row);
    return {
      ...config,
      objectWrites: config.objectWrites.filter(
        (w) => w.categories.length === 0 || (row.category !== null && w.categories.includes(row.category)),
      ),
    };
  }

  /** Records that the device finished a bootstrap sequence (Bootstrap-Finish answered 2.04). */
  async markBootstrapped(tx: TxClient, deviceId: string): Promise<void> {
    await tx.query('UPDATE bootstrap_credentials SET last_bootstrap_at = now() WHERE device_id = $1', [
      deviceId,
    ]);
  }

  /** The device a bootstrap PSK identity belongs to, across tenants, with its key: for the DTLS handshake only. */
  async resolvePsk(pool: Pool, identity: string): Promise<BootstrapPskOwner | undefined> {
    const { rows } = await pool.query<{
      tenant_id: string;
      device_id: string;
      endpoint: string;
      decommissioned: boolean;
      psk_key_sealed: Buffer;
      key_id: string;
    }>('SELECT * FROM platform.resolve_bootstrap_psk($1)', [identity]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      tenantId: row.tenant_id,
      deviceId: row.device_id,
      endpoint: row.endpoint,
      decommissioned: row.decommissioned,
      key: this.keyring.open({ sealed: row.psk_key_sealed, keyId: row.key_id }, aad(row.device_id)),
    };
  }

  /** The tenant's configuration as stored; undefined when it has none. */
  async getConfig(tx: TxClient, tenantId: string): Promise<StoredBootstrapConfig | undefined> {
    const { rows } = await tx.query<ConfigRow>(
      `SELECT server_uri, lifetime, binding, short_server_id, default_min_period, default_max_period,
              object_writes, updated_at
       FROM bootstrap_configs WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0] ? configOfRow(rows[0]) : undefined;
  }

  /**
   * The bootstrap credentials (identity, batch, times; never the key) and overrides of these devices of the tenant;
   * devices without a bootstrap credential are left out. The tenant is named as well as set for RLS, so the owner
   * path (CLI) cannot mix tenants either.
   */
  async statusOf(
    tx: TxClient,
    tenantId: string,
    deviceIds: readonly string[],
  ): Promise<BootstrapDeviceStatus[]> {
    if (deviceIds.length === 0) return [];
    const { rows } = await tx.query<{
      device_id: string;
      psk_identity: string;
      batch: string | null;
      created_at: Date;
      last_bootstrap_at: Date | null;
      o_device_id: string | null;
      o_server_uri: string | null;
      o_lifetime: number | null;
      o_binding: string | null;
      o_updated_at: Date | null;
    }>(
      `SELECT b.device_id, b.psk_identity, b.batch, b.created_at, b.last_bootstrap_at,
              o.device_id AS o_device_id, o.server_uri AS o_server_uri, o.lifetime AS o_lifetime,
              o.binding AS o_binding, o.updated_at AS o_updated_at
       FROM bootstrap_credentials b
       LEFT JOIN bootstrap_device_overrides o ON o.device_id = b.device_id AND o.tenant_id = b.tenant_id
       WHERE b.tenant_id = $1 AND b.device_id = ANY($2::uuid[])`,
      [tenantId, deviceIds],
    );
    return rows.map((r) => ({
      deviceId: r.device_id,
      identity: r.psk_identity,
      batch: r.batch,
      createdAt: r.created_at,
      lastBootstrapAt: r.last_bootstrap_at,
      override:
        r.o_device_id === null
          ? null
          : {
              ...(r.o_server_uri !== null ? { serverUri: r.o_server_uri } : {}),
              ...(r.o_lifetime !== null ? { lifetime: r.o_lifetime } : {}),
              ...(r.o_binding !== null ? { binding: r.o_binding } : {}),
              updatedAt: r.o_updated_at!,
            },
    }));
  }

  /** Which of these bootstrap PSK identities the tenant's own devices have (to tell a foreign one apart). */
  async ownedIdentities(tx: TxClient, tenantId: string, identities: readonly string[]): Promise<Set<string>> {
    if (identities.length === 0) return new Set();
    const { rows } = await tx.query<{ psk_identity: string }>(
      'SELECT psk_identity FROM bootstrap_credentials WHERE tenant_id = $1 AND psk_identity = ANY($2::text[])',
      [tenantId, identities],
    );
    return new Set(rows.map((r) => r.psk_identity));
  }
}

interface ConfigRow {
  server_uri: string;
  lifetime: number;
  binding: string;
  short_server_id: number;
  default_min_period: number | null;
  default_max_period: number | null;
  object_writes: BootstrapObjectWrite[];
  updated_at: Date;
}

function configOfRow(row: ConfigRow): StoredBootstrapConfig {
  return {
    serverUri: row.server_uri,
    lifetime: row.lifetime,
    binding: row.binding,
    shortServerId: row.short_server_id,
    defaultMinPeriod: row.default_min_period,
    defaultMaxPeriod: row.default_max_period,
    objectWrites: row.object_writes,
    updatedAt: row.updated_at,
  };
}
