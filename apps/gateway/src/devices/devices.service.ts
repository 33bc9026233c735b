import { Injectable } from '@nestjs/common';
import { type Principal } from '@smartcity/platform-auth';
import { categoryScope, tenantOf } from '../auth/permissions';
import { decodeCursor, encodeCursor, isUuid, pageSize } from '../common/cursor';
import { TenantDb } from '../db/tenant-db.service';
import { GatewayException } from '../errors/gateway.exception';
import { QuotasService } from '../quotas/quotas.service';
import { DeviceCacheInvalidator } from './device-cache.invalidator';
import { EndpointProbes } from './endpoint-probes';
import { toDevice } from './device.mapping';
import {
  type BulkProvisionResult,
  type Device,
  type DeviceConnection,
  type DeviceFilter,
  type ProvisionDeviceInput,
  type UpdateDeviceInput,
} from './device.models';
import { type DeviceRow } from './device.rows';
import { type DevicePatch, DevicesRepository, type NewDevice } from './devices.repository';
import { validateDevicePatch, validateNewDevice } from './device.validation';

export const MAX_BULK_PROVISION = 1000;

@Injectable()
export class DevicesService {
  constructor(
    private readonly db: TenantDb,
    private readonly repository: DevicesRepository,
    private readonly cache: DeviceCacheInvalidator,
    private readonly quotas: QuotasService,
    private readonly probes: EndpointProbes,
  ) {}

  async list(
    principal: Principal,
    filter: DeviceFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
    maxPage: number,
  ): Promise<DeviceConnection> {
    const limit = pageSize(first, 50, maxPage);
    const afterId = after ? String(decodeCursor(after, 1)[0]) : null;
    if (afterId !== null && !isUuid(afterId)) throw GatewayException.badInput('invalid cursor', 'after');
    if (filter?.bbox) {
      const b = filter.bbox;
      if (b.minLatitude > b.maxLatitude || b.minLongitude > b.maxLongitude) {
        throw GatewayException.badInput('bounding box minimum exceeds its maximum', 'filter.bbox');
      }
    }
    const rows = await this.db.inTenant(tenantOf(principal), (tx) =>
      this.repository.list(tx, {
        ...filter,
        categories: categoryScope(principal),
        afterId,
        limit: limit + 1,
      }),
    );
    const page = rows.slice(0, limit);
    const edges = page.map((row) => ({ cursor: encodeCursor([row.id]), node: toDevice(row) }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > limit, endCursor: edges[edges.length - 1]?.cursor ?? null },
    };
  }

  async provision(
    principal: Principal,
    inputs: readonly ProvisionDeviceInput[],
  ): Promise<BulkProvisionResult> {
    if (inputs.length === 0) return { created: [], skipped: [] };
    if (inputs.length > MAX_BULK_PROVISION) {
      throw GatewayException.badInput(`at most ${MAX_BULK_PROVISION} devices per request`, 'devices');
    }
    const seen = new Set<string>();
    const fresh: NewDevice[] = [];
    const skipped: { endpoint: string; reason: string }[] = [];
    inputs.forEach((input, index) => {
      const device = validateNewDevice(input, inputs.length > 1 ? `devices[${index}]` : 'device');
      if (seen.has(device.endpoint))
        skipped.push({ endpoint: device.endpoint, reason: 'DUPLICATE_IN_REQUEST' });
      else {
        seen.add(device.endpoint);
        fresh.push(device);
      }
    });
    const tenant = tenantOf(principal);
    await this.probes.assertOpen(tenant);
    const created = await this.write(principal, async (tx) => {
      const rows = await this.repository.insertMany(tx, tenant, fresh);
      // After the inserts, under the tenant's provisioning lock: beyond the plan, the whole call rolls back.
      if (rows.length > 0) await this.quotas.assertDeviceQuota(tx, tenant, rows.length);
      const inserted = new Set(rows.map((r) => r.endpoint));
      const refused = fresh.map((d) => d.endpoint).filter((e) => !inserted.has(e));
      if (refused.length > 0) {
        // Names refused but not in this tenant (RLS shows only its own) are other tenants': a bounded budget.
        const own = new Set(await this.repository.endpointsIn(tx, refused));
        await this.probes.spend(tenant, refused.filter((e) => !own.has(e)).length);
      }
      return rows;
    });
    const createdEndpoints = new Set(created.map((r) => r.endpoint));
    for (const d of fresh) {
      // Endpoint names are unique platform-wide (ARCHITECTURE.md "Tenancy"), so a name is taken here or by another
      // tenant: one answer for both, which never says which (issue 17 item 4).
      if (!createdEndpoints.has(d.endpoint)) skipped.push({ endpoint: d.endpoint, reason: 'ENDPOINT_TAKEN' });
    }
    // The ingest may hold a negative cache entry for an endpoint that tried to register before provisioning.
    await this.cache.invalidate([...createdEndpoints]);
    return { created: created.map(toDevice), skipped };
  }

  async update(principal: Principal, id: string, input: UpdateDeviceInput): Promise<Device> {
    const patch: DevicePatch = validateDevicePatch(input);
    const row = isUuid(id)
      ? await this.write(principal, (tx) => this.repository.update(tx, id, patch))
      : null;
    if (!row) throw GatewayException.notFound('device');
    await this.cache.invalidate([row.endpoint]);
    return toDevice(row);
  }

  async decommission(principal: Principal, id: string): Promise<Device> {
    const row = isUuid(id) ? await this.write(principal, (tx) => this.repository.decommission(tx, id)) : null;
    if (!row) throw GatewayException.notFound('device');
    await this.cache.invalidate([row.endpoint]);
    return toDevice(row);
  }

  /** A write in the caller's tenant; a missing device profile is the caller's mistake, said plainly. */
  private async write<T>(
    principal: Principal,
    fn: (tx: Parameters<Parameters<TenantDb['inTenant']>[1]>[0]) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.db.inTenant(tenantOf(principal), fn);
    } catch (err) {
      const e = err as { code?: unknown; constraint?: unknown };
      if (e.code === '23503' && typeof e.constraint === 'string' && e.constraint.includes('profile')) {
        throw GatewayException.badInput('unknown device profile', 'profile');
      }
      throw err;
    }
  }
}

export type { DeviceRow };
