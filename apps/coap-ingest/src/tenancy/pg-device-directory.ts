import { type Pool } from 'pg';
import { BatchLoader } from './batch-loader';
import { type BatchDeviceDirectory, type DeviceRecord, type ObserveSpec } from './device-directory';

interface ResolvedRow {
  tenant_id: string;
  device_id: string;
  profile: string | null;
  observe: unknown;
  decommissioned: boolean;
  security_mode: DeviceRecord['securityMode'];
  nosec_allowed: boolean;
}

const COLUMNS = 'tenant_id, device_id, profile, observe, decommissioned, security_mode, nosec_allowed';

/** platform.resolve_endpoints reads at most this many endpoints per call (its migration). */
const MAX_BATCH = 1000;

/**
 * The device table through the SECURITY DEFINER functions of the schema (platform.resolve_endpoints, migration
 * resolve-endpoints-batch, and platform.auto_provision): the application role cannot read devices across tenants,
 * but an endpoint must be resolved before its tenant is known. Concurrent lookups are coalesced into one query
 * over an array of endpoints (a registration storm costs a query per batch, not per device); only endpoints no
 * device has go on to auto-provisioning, one by one (it takes the tenant's quota lock).
 */
export class PgDeviceDirectory implements BatchDeviceDirectory {
  private readonly batches: BatchLoader<DeviceRecord | null>;

  constructor(
    private readonly pool: Pool,
    options: { maxConcurrentBatches?: number } = {},
  ) {
    this.batches = new BatchLoader((endpoints) => this.resolveMany(endpoints), null, {
      maxBatch: MAX_BATCH,
      // Leaves connections of the pool to credentials, quotas and auto-provisioning.
      maxConcurrent: options.maxConcurrentBatches ?? 2,
    });
  }

  resolve(endpoint: string): Promise<DeviceRecord | null> {
    return this.batches.load(endpoint);
  }

  async resolveMany(endpoints: readonly string[]): Promise<Map<string, DeviceRecord | null>> {
    const out = new Map<string, DeviceRecord | null>();
    for (let start = 0; start < endpoints.length; start += MAX_BATCH) {
      const found = await this.pool.query<ResolvedRow & { endpoint: string }>(
        `SELECT endpoint, ${COLUMNS} FROM platform.resolve_endpoints($1::text[])`,
        [endpoints.slice(start, start + MAX_BATCH)],
      );
      for (const row of found.rows) out.set(row.endpoint, toRecord(row));
    }
    const unknown = endpoints.filter((e) => !out.has(e));
    const provisioned = await Promise.all(unknown.map((e) => this.autoProvision(e)));
    unknown.forEach((e, i) => out.set(e, provisioned[i] ?? null));
    return out;
  }

  private async autoProvision(endpoint: string): Promise<DeviceRecord | null> {
    const provisioned = await this.pool.query<ResolvedRow>(
      `SELECT ${COLUMNS} FROM platform.auto_provision($1)`,
      [endpoint],
    );
    const row = provisioned.rows[0];
    return row ? toRecord(row) : null;
  }
}

function toRecord(row: ResolvedRow): DeviceRecord {
  return {
    tenant: row.tenant_id,
    deviceId: row.device_id,
    profile: row.profile,
    observe: toObserveSpecs(row.observe),
    decommissioned: row.decommissioned,
    securityMode: row.security_mode,
    nosecAllowed: row.nosec_allowed,
  };
}

/** Keeps the well-formed entries of a profile's observe list; the gateway validates it on write. */
export function toObserveSpecs(value: unknown): ObserveSpec[] {
  if (!Array.isArray(value)) return [];
  const out: ObserveSpec[] = [];
  for (const item of value) {
    if (!item || typeof item !== 'object') continue;
    const { path, attributes } = item as { path?: unknown; attributes?: unknown };
    if (typeof path !== 'string' || !/^\/\d{1,5}(\/\d{1,5}){0,2}$/.test(path)) continue;
    out.push(attributes && typeof attributes === 'object' ? { path, attributes } : { path });
  }
  return out;
}
