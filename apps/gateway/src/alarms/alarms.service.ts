import { Injectable } from '@nestjs/common';
import { type Principal } from '@smartcity/platform-auth';
import { canSeeCategory, categoryScope, tenantOf } from '../auth/permissions';
import { decodeCursor, encodeCursor, isUuid, pageSize } from '../common/cursor';
import { TenantDb } from '../db/tenant-db.service';
import { DevicesRepository } from '../devices/devices.repository';
import { GatewayException } from '../errors/gateway.exception';
import { toAlarm } from './alarm.mapping';
import { type Alarm, type AlarmConnection, type AlarmFilter } from './alarm.models';
import { type AlarmRow } from './alarm.rows';
import { AlarmsRepository } from './alarms.repository';

@Injectable()
export class AlarmsService {
  constructor(
    private readonly db: TenantDb,
    private readonly repository: AlarmsRepository,
    private readonly devices: DevicesRepository,
  ) {}

  async list(
    principal: Principal,
    filter: AlarmFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
    maxPage: number,
  ): Promise<AlarmConnection> {
    const limit = pageSize(first, 50, maxPage);
    let cursor: { raisedAt: Date; id: string } | null = null;
    if (after) {
      const [time, id] = decodeCursor(after, 2);
      const raisedAt = new Date(Number(time));
      if (typeof id !== 'string' || !isUuid(id) || Number.isNaN(raisedAt.getTime())) {
        throw GatewayException.badInput('invalid cursor', 'after');
      }
      cursor = { raisedAt, id };
    }
    if (filter?.deviceId && !isUuid(filter.deviceId))
      return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
    const rows = await this.db.inTenant(tenantOf(principal), (tx) =>
      this.repository.list(tx, {
        ...filter,
        categories: categoryScope(principal),
        after: cursor,
        limit: limit + 1,
      }),
    );
    const page = rows.slice(0, limit);
    const edges = page.map((row) => ({
      cursor: encodeCursor([row.raisedAt.getTime(), row.id]),
      node: toAlarm(row),
    }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > limit, endCursor: edges[edges.length - 1]?.cursor ?? null },
    };
  }

  acknowledge(principal: Principal, id: string): Promise<Alarm> {
    return this.change(principal, id, (tx) => this.repository.acknowledge(tx, id, principal.username));
  }

  clear(principal: Principal, id: string): Promise<Alarm> {
    return this.change(principal, id, (tx) => this.repository.clear(tx, id));
  }

  /** Changes an alarm of the caller's tenant, in a category the caller may see; otherwise NOT_FOUND. */
  private async change(
    principal: Principal,
    id: string,
    update: (tx: Parameters<Parameters<TenantDb['inTenant']>[1]>[0]) => Promise<AlarmRow | null>,
  ): Promise<Alarm> {
    if (!isUuid(id)) throw GatewayException.notFound('alarm');
    const row = await this.db.inTenant(tenantOf(principal), async (tx) => {
      const [existing] = await this.repository.findByIds(tx, [id]);
      if (!existing) return null;
      const [device] = await this.devices.findByIds(tx, [existing.deviceId]);
      if (!device || !canSeeCategory(principal, device.category)) return null;
      return update(tx);
    });
    if (!row) throw GatewayException.notFound('alarm');
    return toAlarm(row);
  }
}
