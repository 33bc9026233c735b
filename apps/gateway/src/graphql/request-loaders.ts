import { type Principal } from '@smartcity/platform-auth';
import { type BootstrapDeviceStatus, type BootstrapRepository } from '@smartcity/platform-db';
import DataLoader from 'dataloader';
import { type AlarmRow } from '../alarms/alarm.rows';
import { type AlarmsRepository } from '../alarms/alarms.repository';
import { canSeeCategory, tenantOf } from '../auth/permissions';
import { isUuid } from '../common/cursor';
import { GatewayException } from '../errors/gateway.exception';
import { type TenantDb } from '../db/tenant-db.service';
import { type DeviceRow, type StateRow } from '../devices/device.rows';
import { type DevicesRepository } from '../devices/devices.repository';

export interface LoaderDeps {
  readonly db: TenantDb;
  readonly devices: DevicesRepository;
  readonly alarms: AlarmsRepository;
  readonly bootstrap: BootstrapRepository;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

/**
 * Per-request DataLoaders: every device, state and alarm lookup of one request is batched into one tenant
 * transaction per kind (N devices with their state = 2 queries, not N+1). Rows outside the caller's tenant never
 * come back (RLS); rows outside a utility user's categories are dropped here.
 */
export class RequestLoaders {
  private devicesLoader?: DataLoader<string, DeviceRow | null>;
  private stateLoader?: DataLoader<string, StateRow[]>;
  private activeAlarmsLoader?: DataLoader<string, AlarmRow[]>;
  private bootstrapLoader?: DataLoader<string, BootstrapDeviceStatus | null>;

  constructor(
    private readonly deps: LoaderDeps,
    private readonly principal: Principal | undefined,
    /**
     * Per-request memoization. Off for subscription connections: they live for hours, so a cache would grow and go
     * stale; batching within one tick still applies.
     */
    private readonly cache = true,
  ) {}

  private get tenant(): string {
    if (!this.principal) throw GatewayException.unauthenticated();
    return tenantOf(this.principal);
  }

  private visible(row: DeviceRow | undefined): DeviceRow | null {
    return row && this.principal && canSeeCategory(this.principal, row.category) ? row : null;
  }

  get devices(): DataLoader<string, DeviceRow | null> {
    return (this.devicesLoader ??= new DataLoader(
      async (ids) => {
        const valid = ids.filter(isUuid);
        const rows = valid.length
          ? await this.deps.db.inTenant(this.tenant, (tx) => this.deps.devices.findByIds(tx, valid))
          : [];
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => this.visible(byId.get(id.toLowerCase())));
      },
      { maxBatchSize: 1000, cache: this.cache },
    ));
  }

  /**
   * One device and its latest state in a single tenant transaction (the `device { state }` hot path: one
   * transaction instead of two); both loaders are primed so the field resolvers find the rows.
   */
  async deviceWithState(id: string): Promise<DeviceRow | null> {
    if (!isUuid(id)) return null;
    const found = await this.deps.db.inTenant(this.tenant, (tx) => this.deps.devices.findWithState(tx, id));
    const row = this.visible(found?.device);
    if (row && found) {
      this.devices.prime(id, row);
      this.state.prime(row.id, found.state);
    }
    return row;
  }

  /** Latest values per device id; only for devices already authorized through `devices`. */
  get state(): DataLoader<string, StateRow[]> {
    return (this.stateLoader ??= new DataLoader(
      async (ids) => {
        const rows = await this.deps.db.inTenant(this.tenant, (tx) => this.deps.devices.stateOf(tx, ids));
        const byDevice = groupBy(rows, (r) => r.deviceId);
        return ids.map((id) => byDevice.get(id) ?? []);
      },
      { maxBatchSize: 1000, cache: this.cache },
    ));
  }

  get activeAlarms(): DataLoader<string, AlarmRow[]> {
    return (this.activeAlarmsLoader ??= new DataLoader(
      async (ids) => {
        const rows = await this.deps.db.inTenant(this.tenant, (tx) => this.deps.alarms.activeOf(tx, ids));
        const byDevice = groupBy(rows, (r) => r.deviceId);
        return ids.map((id) => byDevice.get(id) ?? []);
      },
      { maxBatchSize: 1000, cache: this.cache },
    ));
  }

  /** Bootstrap credential status per device id (never a key); only for devices already authorized. */
  get bootstrap(): DataLoader<string, BootstrapDeviceStatus | null> {
    return (this.bootstrapLoader ??= new DataLoader(
      async (ids) => {
        const tenant = this.tenant;
        const rows = await this.deps.db.inTenant(tenant, (tx) =>
          this.deps.bootstrap.statusOf(tx, tenant, ids),
        );
        const byDevice = new Map(rows.map((r) => [r.deviceId, r]));
        return ids.map((id) => byDevice.get(id) ?? null);
      },
      { maxBatchSize: 1000, cache: this.cache },
    ));
  }
}
