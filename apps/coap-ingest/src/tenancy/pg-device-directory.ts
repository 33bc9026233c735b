import { type Pool } from 'pg';
import { type DeviceDirectory, type DeviceRecord, type ObserveSpec } from './device-directory';

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

/**
 * The device table through the SECURITY DEFINER functions of the schema (migration initial-schema:
 * platform.resolve_endpoint / platform.auto_provision): the application role cannot read devices across
 * tenants, but an endpoint must be resolved before its tenant is known.
 */
export class PgDeviceDirectory implements DeviceDirectory {
  constructor(private readonly pool: Pool) {}

  async resolve(endpoint: string): Promise<DeviceRecord | null> {
    const found = await this.pool.query<ResolvedRow>(`SELECT ${COLUMNS} FROM platform.resolve_endpoint($1)`, [
      endpoint,
    ]);
    let row = found.rows[0];
    if (!row) {
      const provisioned = await this.pool.query<ResolvedRow>(
        `SELECT ${COLUMNS} FROM platform.auto_provision($1)`,
        [endpoint],
      );
      row = provisioned.rows[0];
    }
    if (!row) return null;
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
