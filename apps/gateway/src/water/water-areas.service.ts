import { Injectable } from '@nestjs/common';
import { type Principal } from '@smartcity/platform-auth';
import { type TxClient } from '@smartcity/platform-db';
import { toAlarm } from '../alarms/alarm.mapping';
import { type Alarm } from '../alarms/alarm.models';
import { categoryScope, tenantOf } from '../auth/permissions';
import { isUuid } from '../common/cursor';
import { TenantDb } from '../db/tenant-db.service';
import { GatewayException } from '../errors/gateway.exception';
import { boundingBox, parseAreaPolygon } from './geojson-polygon';
import { BOX_QUERY_LIMIT, polygonMembers } from './water-area.membership';
import {
  type WaterArea,
  WaterAreaMembership,
  type WaterBalance,
  type CreateWaterAreaInput,
  type UpdateWaterAreaInput,
} from './water-area.models';
import {
  type AreaDraft,
  type DeviceRef,
  type MembersSpec,
  refIsWellFormed,
  validateAreaPatch,
  validateBalanceRange,
  validateNewArea,
} from './water-area.validation';
import {
  type AreaValues,
  type MeterCandidate,
  type WaterAreaRow,
  WaterAreasRepository,
} from './water-areas.repository';

export function toWaterArea(row: WaterAreaRow): WaterArea {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    inletDeviceId: row.inletDeviceId,
    memberDeviceIds: row.memberDeviceIds,
    membership: row.polygon ? WaterAreaMembership.POLYGON : WaterAreaMembership.LIST,
    polygon: row.polygon,
    nightFlowRiseRatio: row.nightFlowRiseRatio,
    lossRateRisePoints: row.lossRateRisePoints,
    recomputePending: row.needsRecompute,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * District metered areas (issue 24) of the caller's tenant. Reads: every role that reads devices; a utility user
 * sees the areas whose inlet is in its categories. Writes (city admins, utilities): every device named must be a
 * water meter of the tenant that the caller sees; anything else is "unknown device", the same answer for another
 * tenant's device (RLS hides it) as for none. Another tenant's area is "water area not found", like a random id.
 */
@Injectable()
export class WaterAreasService {
  constructor(
    private readonly db: TenantDb,
    private readonly repository: WaterAreasRepository,
  ) {}

  async list(principal: Principal): Promise<WaterArea[]> {
    const rows = await this.db.inTenant(tenantOf(principal), (tx) =>
      this.repository.list(tx, categoryScope(principal)),
    );
    return rows.map(toWaterArea);
  }

  async get(principal: Principal, id: string): Promise<WaterArea | null> {
    if (!isUuid(id)) return null;
    const row = await this.db.inTenant(tenantOf(principal), (tx) =>
      this.repository.find(tx, categoryScope(principal), id),
    );
    return row ? toWaterArea(row) : null;
  }

  async create(principal: Principal, input: CreateWaterAreaInput): Promise<WaterArea> {
    const draft = validateNewArea(input);
    const tenant = tenantOf(principal);
    const scope = categoryScope(principal);
    const row = await this.write(tenant, async (tx) => {
      const inlet = await this.inlet(tx, draft.inlet, scope);
      const members = await this.members(tx, draft.members!, inlet.id, scope);
      const id = await this.repository.insert(tx, tenant, {
        name: draft.name,
        inletDeviceId: inlet.id,
        polygon: draft.members?.kind === 'polygon' ? draft.members.polygon.geometry : null,
        nightFlowRiseRatio: draft.nightFlowRiseRatio ?? null,
        lossRateRisePoints: draft.lossRateRisePoints ?? null,
      });
      await this.repository.replaceMembers(tx, tenant, id, members);
      return this.repository.find(tx, scope, id);
    });
    return toWaterArea(row!);
  }

  async update(principal: Principal, id: string, input: UpdateWaterAreaInput): Promise<WaterArea> {
    const draft: AreaDraft = validateAreaPatch(input);
    const tenant = tenantOf(principal);
    const scope = categoryScope(principal);
    const row = !isUuid(id)
      ? null
      : await this.write(tenant, async (tx) => {
          const current = await this.repository.find(tx, scope, id);
          if (!current) return null;
          const inletId = draft.inlet ? (await this.inlet(tx, draft.inlet, scope)).id : current.inletDeviceId;
          let polygon = draft.dropPolygon ? null : current.polygon;
          let spec: MembersSpec | undefined = draft.members;
          if (spec?.kind === 'list') polygon = null;
          if (spec?.kind === 'polygon') polygon = spec.polygon.geometry;
          // A polygon area whose inlet changes is resolved again: the new inlet is no customer meter.
          if (!spec && polygon && inletId !== current.inletDeviceId) spec = polygonOf(polygon);
          let memberIds: string[];
          if (spec) {
            memberIds = await this.members(tx, spec, inletId, scope);
            // A utility replaces what it sees; the members in categories it does not see stay.
            if (scope !== null) {
              const visible = new Set(current.memberDeviceIds);
              const hidden = (await this.repository.allMemberIds(tx, id)).filter((m) => !visible.has(m));
              memberIds = [...new Set([...memberIds, ...hidden])].filter((m) => m !== inletId);
            }
          } else {
            memberIds = (await this.repository.allMemberIds(tx, id)).filter((m) => m !== inletId);
          }
          const values: AreaValues = {
            name: draft.name ?? current.name,
            inletDeviceId: inletId,
            polygon,
            nightFlowRiseRatio:
              draft.nightFlowRiseRatio !== undefined ? draft.nightFlowRiseRatio : current.nightFlowRiseRatio,
            lossRateRisePoints:
              draft.lossRateRisePoints !== undefined ? draft.lossRateRisePoints : current.lossRateRisePoints,
          };
          await this.repository.update(tx, id, values);
          await this.repository.replaceMembers(tx, tenant, id, memberIds);
          return this.repository.find(tx, scope, id);
        });
    if (!row) throw GatewayException.notFound('water area');
    return toWaterArea(row);
  }

  async delete(principal: Principal, id: string): Promise<WaterArea> {
    const scope = categoryScope(principal);
    const row = !isUuid(id)
      ? null
      : await this.db.inTenant(tenantOf(principal), async (tx) => {
          const current = await this.repository.find(tx, scope, id);
          if (current) await this.repository.delete(tx, id);
          return current;
        });
    if (!row) throw GatewayException.notFound('water area');
    return toWaterArea(row);
  }

  async balance(principal: Principal, areaId: string, from: string, to: string): Promise<WaterBalance> {
    const range = validateBalanceRange(from, to);
    const days = !isUuid(areaId)
      ? null
      : await this.db.inTenant(tenantOf(principal), async (tx) => {
          const area = await this.repository.find(tx, categoryScope(principal), areaId);
          return area ? this.repository.days(tx, area.id, range.from, range.to) : null;
        });
    if (!days) throw GatewayException.notFound('water area');
    return { areaId: areaId.toLowerCase(), ...range, days };
  }

  async alarms(principal: Principal, area: WaterArea, includeMeters: boolean): Promise<Alarm[]> {
    const rows = await this.db.inTenant(tenantOf(principal), (tx) =>
      this.repository.activeAlarms(
        tx,
        area.id,
        includeMeters ? [area.inletDeviceId, ...area.memberDeviceIds] : [],
      ),
    );
    return rows.map(toAlarm);
  }

  /** A write in the tenant; a name taken in the tenant (its own unique index) is the caller's mistake. */
  private async write<T>(tenant: string, fn: (tx: TxClient) => Promise<T>): Promise<T> {
    try {
      return await this.db.inTenant(tenant, fn);
    } catch (err) {
      const e = err as { code?: unknown; constraint?: unknown };
      if (e.code === '23505' && typeof e.constraint === 'string' && e.constraint.includes('name'))
        throw GatewayException.badInput('an area of this name exists', 'input.name');
      throw err;
    }
  }

  private async inlet(
    tx: TxClient,
    ref: DeviceRef,
    scope: readonly string[] | null,
  ): Promise<MeterCandidate> {
    const [device] = await this.resolve(tx, [ref], scope);
    return device!;
  }

  /** The member meters' ids: the named ones, or the tenant's water meters inside the polygon; never the inlet. */
  private async members(
    tx: TxClient,
    spec: MembersSpec,
    inletId: string,
    scope: readonly string[] | null,
  ): Promise<string[]> {
    if (spec.kind === 'list') {
      const devices = await this.resolve(tx, spec.refs, scope);
      const i = devices.findIndex((d) => d.id === inletId);
      if (i >= 0)
        throw GatewayException.badInput('the inlet meter is not a member of its area', spec.refs[i]!.at);
      return [...new Set(devices.map((d) => d.id))];
    }
    const inBox = await this.repository.waterMetersIn(tx, boundingBox(spec.polygon), scope, BOX_QUERY_LIMIT);
    return await polygonMembers(spec.polygon, inBox, inletId);
  }

  /** Each reference as a water meter in service that the caller sees, in order; otherwise BAD_USER_INPUT. */
  private async resolve(
    tx: TxClient,
    refs: readonly DeviceRef[],
    scope: readonly string[] | null,
  ): Promise<MeterCandidate[]> {
    for (const r of refs) if (!refIsWellFormed(r)) throw unknownDevice(r);
    const found = await this.repository.devicesByRef(
      tx,
      refs.flatMap((r) => (r.id ? [r.id] : [])),
      refs.flatMap((r) => (r.endpoint !== undefined ? [r.endpoint] : [])),
    );
    const byId = new Map(found.map((d) => [d.id, d]));
    const byEndpoint = new Map(found.map((d) => [d.endpoint, d]));
    return refs.map((r) => {
      const d = r.id ? byId.get(r.id) : byEndpoint.get(r.endpoint!);
      if (!d || d.decommissioned || (scope !== null && (d.category === null || !scope.includes(d.category))))
        throw unknownDevice(r);
      if (!d.waterMeter) throw GatewayException.badInput('not a water meter', r.at);
      return d;
    });
  }
}

function unknownDevice(ref: DeviceRef): GatewayException {
  return GatewayException.badInput('unknown device', ref.at);
}

/** A stored polygon (validated when it was saved) as a membership to resolve again. */
function polygonOf(geometry: Record<string, unknown>): MembersSpec {
  return { kind: 'polygon', polygon: parseAreaPolygon(geometry) };
}
