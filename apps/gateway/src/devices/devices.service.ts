import { Injectable } from '@nestjs/common';
import { type Principal } from '@smartcity/platform-auth';
import { DeviceCredentialRepository, type DeviceCredentialInput, sha256Hex } from '@smartcity/platform-db';
import { categoryScope, hasPermission, Permission, tenantOf } from '../auth/permissions';
import { type CheckedCredential, checkCredential } from '../credentials/credential.validation';
import { decodeCursor, encodeCursor, isUuid, pageSize } from '../common/cursor';
import { TenantDb } from '../db/tenant-db.service';
import { GatewayException } from '../errors/gateway.exception';
import { QuotasService } from '../quotas/quotas.service';
import { DeviceCacheInvalidator } from './device-cache.invalidator';
import { EndpointProbes } from './endpoint-probes';
import { toDevice, toSecurityMode } from './device.mapping';
import {
  type BulkProvisionResult,
  type Device,
  type ProvisionedDevice,
  type DeviceConnection,
  type DeviceFilter,
  type ProvisionDeviceInput,
  type UpdateDeviceInput,
} from './device.models';
import { type DeviceRow } from './device.rows';
import { type DevicePatch, DevicesRepository, type NewDevice } from './devices.repository';
import { validateDevicePatch, validateNewDevice } from './device.validation';

export const MAX_BULK_PROVISION = 1000;

/** A device to create, with its checked credential. */
interface FreshDevice {
  readonly device: NewDevice;
  readonly credential: CheckedCredential | null;
}

/** What names a credential on the platform (unique): its PSK identity or its public key. */
function credentialKey(credential: DeviceCredentialInput): string | null {
  switch (credential.mode) {
    case 'psk':
      return `psk:${credential.identity}`;
    case 'rpk':
      return `rpk:${credential.publicKey.toString('base64')}`;
    case 'x509':
      return null;
  }
}

@Injectable()
export class DevicesService {
  constructor(
    private readonly db: TenantDb,
    private readonly repository: DevicesRepository,
    private readonly cache: DeviceCacheInvalidator,
    private readonly quotas: QuotasService,
    private readonly probes: EndpointProbes,
    private readonly credentials: DeviceCredentialRepository,
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
    const fresh: FreshDevice[] = [];
    const skipped: { endpoint: string; reason: string }[] = [];
    inputs.forEach((input, index) => {
      const at = inputs.length > 1 ? `devices[${index}]` : 'device';
      const device = validateNewDevice(input, at);
      const credential = input.credential
        ? checkCredential(input.credential, device.endpoint, `${at}.credential`)
        : null;
      const key = credential ? credentialKey(credential.credential) : null;
      if (seen.has(device.endpoint) || (key !== null && seen.has(key))) {
        skipped.push({ endpoint: device.endpoint, reason: 'DUPLICATE_IN_REQUEST' });
      } else {
        seen.add(device.endpoint);
        if (key !== null) seen.add(key);
        fresh.push({ device, credential });
      }
    });
    // Credentials are the tenant admins' (today the same roles as provisioning; said here so it stays that way).
    if (fresh.some((f) => f.credential) && !hasPermission(principal, Permission.ManageCredentials)) {
      throw GatewayException.forbidden('device credentials are managed by the tenant admins');
    }
    const tenant = tenantOf(principal);
    await this.probes.assertOpen(tenant);
    const { rows: created, credentialTaken } = await this.write(principal, async (tx) => {
      let rows = await this.repository.insertMany(
        tx,
        tenant,
        fresh.map((f) => f.device),
      );
      const credentialOf = new Map(fresh.map((f) => [f.device.endpoint, f.credential]));
      const withCredential = rows.flatMap((r) => {
        const c = credentialOf.get(r.endpoint);
        return c ? [{ deviceId: r.id, credential: c.credential }] : [];
      });
      // A device whose PSK identity or public key is taken is not created at all (its row goes again).
      const refusedIds = new Set(await this.credentials.setForNewDevices(tx, tenant, withCredential));
      const refused = rows.filter((r) => refusedIds.has(r.id));
      if (refused.length > 0) {
        await this.repository.deleteByIds(tx, [...refusedIds]);
        rows = rows.filter((r) => !refusedIds.has(r.id));
      }
      // After the inserts, under the tenant's provisioning lock: beyond the plan, the whole call rolls back.
      if (rows.length > 0) await this.quotas.assertDeviceQuota(tx, tenant, rows.length);
      const inserted = new Set([...rows, ...refused].map((r) => r.endpoint));
      const refusedNames = fresh.map((f) => f.device.endpoint).filter((e) => !inserted.has(e));
      if (refusedNames.length > 0) {
        // Names refused but not in this tenant (RLS shows only its own) are other tenants': a bounded budget.
        const own = new Set(await this.repository.endpointsIn(tx, refusedNames));
        await this.probes.spend(tenant, refusedNames.filter((e) => !own.has(e)).length);
      }
      if (refused.length > 0) {
        // The same for credentials: those this tenant does not have are another tenant's.
        const taken = refused.map((r) => credentialOf.get(r.endpoint)!.credential);
        const identities = taken.flatMap((c) => (c.mode === 'psk' ? [c.identity] : []));
        const publicKeys = taken.flatMap((c) => (c.mode === 'rpk' ? [c.publicKey] : []));
        const own = await this.credentials.ownedAmong(tx, tenant, identities, publicKeys);
        const foreign =
          identities.filter((i) => !own.identities.has(i)).length +
          publicKeys.filter((k) => !own.publicKeys.has(sha256Hex(k))).length;
        await this.probes.spend(tenant, foreign, 'credential');
      }
      return { rows, credentialTaken: new Set(refused.map((r) => r.endpoint)) };
    });
    const createdEndpoints = new Set(created.map((r) => r.endpoint));
    for (const f of fresh) {
      const endpoint = f.device.endpoint;
      if (createdEndpoints.has(endpoint)) continue;
      // Endpoint names, PSK identities and public keys are unique platform-wide (ARCHITECTURE.md "Tenancy"), so
      // each is taken here or by another tenant: one answer for both, which never says which (issue 17 item 4).
      skipped.push({
        endpoint,
        reason: credentialTaken.has(endpoint) ? 'CREDENTIAL_TAKEN' : 'ENDPOINT_TAKEN',
      });
    }
    // The ingest may hold a negative cache entry for an endpoint (or a PSK identity) that tried to register before
    // provisioning: devices with a credential are published as changed, the others invalidated.
    const credentialOf = new Map(fresh.map((f) => [f.device.endpoint, f.credential]));
    await this.cache.invalidate(created.filter((r) => !credentialOf.get(r.endpoint)).map((r) => r.endpoint));
    await this.cache.publish(
      created
        .filter((r) => credentialOf.get(r.endpoint))
        .map((r) => ({ tenant, endpoint: r.endpoint, change: 'credential-changed' as const })),
    );
    return {
      created: created.map((row) => provisioned(row, credentialOf.get(row.endpoint) ?? null)),
      skipped,
    };
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
    // Issue 14: the ingest drops the live registration and refuses the device's next request.
    await this.cache.publish([{ tenant: row.tenantId, endpoint: row.endpoint, change: 'decommissioned' }]);
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

/** The Device as provisioning returns it: the credential just written, and the generated PSK (shown once). */
function provisioned(row: DeviceRow, credential: CheckedCredential | null): ProvisionedDevice {
  const device = toDevice(row);
  if (!credential) return { ...device, generatedPsk: null };
  const c = credential.credential;
  return {
    ...device,
    // The row was read before its credential was written (same statement snapshot): take the credential's.
    securityMode: toSecurityMode(c.mode),
    pskIdentity: c.mode === 'psk' ? c.identity : null,
    generatedPsk: credential.generated,
  };
}

export type { DeviceRow };
