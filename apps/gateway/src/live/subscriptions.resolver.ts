import { Inject } from '@nestjs/common';
import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import { type Principal } from '@smartcity/platform-auth';
import { AlarmSeverity, AlarmStatus } from '../alarms/alarm.enums';
import { type Alarm } from '../alarms/alarm.models';
import { CurrentPrincipal, RequestContext } from '../auth/current-principal.decorator';
import { canSeeCategory, categoryScope, Permission, tenantOf } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { isUuid } from '../common/cursor';
import { TenantDb } from '../db/tenant-db.service';
import { DevicesRepository } from '../devices/devices.repository';
import { type GatewayConfig } from '../config/gateway.config';
import { GatewayException } from '../errors/gateway.exception';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { type GatewayContext } from '../graphql/gateway-context';
import { CloseCode } from './live-connection';
import { type LiveAlarmMessage, type LiveStateMessage } from './live-messages';
import { AlarmChange, AlarmChangeKind, DeviceStateChange } from './live.models';
import { type SubscribeOptions, LiveUpdatesHub } from './live-updates.hub';

const CATEGORY_CACHE_MS = 60_000;

/** Device id -> category, looked up in the caller's tenant and remembered for a minute (per subscription). */
class CategoryLookup {
  private readonly cache = new Map<string, { category: string | null; until: number } | null>();

  constructor(
    private readonly db: TenantDb,
    private readonly devices: DevicesRepository,
    private readonly tenant: string,
  ) {}

  /** undefined when the device is not in the tenant. */
  async categoryOf(deviceId: string): Promise<string | null | undefined> {
    const hit = this.cache.get(deviceId);
    if (hit && hit.until > Date.now()) return hit.category;
    if (!isUuid(deviceId)) return undefined;
    const [row] = await this.db.inTenant(this.tenant, (tx) => this.devices.findByIds(tx, [deviceId]));
    if (!row) return undefined;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(deviceId, { category: row.category, until: Date.now() + CATEGORY_CACHE_MS });
    return row.category;
  }
}

function toAlarm(m: LiveAlarmMessage): Alarm {
  const a = m.alarm;
  return {
    id: a.id,
    tenantId: m.tenant,
    deviceId: m.deviceId,
    type: a.type,
    severity: AlarmSeverity[a.severity as keyof typeof AlarmSeverity] ?? AlarmSeverity.INFO,
    status: AlarmStatus[a.status] ?? AlarmStatus.ACTIVE,
    message: a.message,
    sourcePath: a.path,
    details: { ...a.details },
    raisedAt: new Date(a.raisedAt),
    clearedAt: a.clearedAt ? new Date(a.clearedAt) : null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    updatedAt: new Date(m.time),
  };
}

/**
 * graphql-ws subscriptions fed by the decoder's Redis channels. The tenant comes from the principal (never from an
 * argument); utility users only receive devices of their categories; nothing is delivered once the connection's
 * token expired (LiveConnections then closes it); each connection runs a bounded number of subscriptions, each
 * with a bounded buffer (a consumer that falls behind is dropped).
 */
@Resolver()
export class SubscriptionsResolver {
  constructor(
    private readonly hub: LiveUpdatesHub,
    private readonly db: TenantDb,
    private readonly devices: DevicesRepository,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Subscription(() => DeviceStateChange, {
    description:
      'New latest values of one device, or of every device of a category (or all visible devices).',
    resolve: (payload: DeviceStateChange) => payload,
  })
  @Requires(Permission.SubscribeLive)
  async deviceStateChanged(
    @CurrentPrincipal() principal: Principal,
    @RequestContext() ctx: GatewayContext,
    @Args('deviceId', { type: () => ID, nullable: true }) deviceId: string | null,
    @Args('category', { type: () => String, nullable: true }) category: string | null,
  ): Promise<AsyncIterableIterator<DeviceStateChange>> {
    return this.open(ctx, async (options) => {
      const filter = await this.deviceFilter(principal, deviceId, category);
      return this.hub.subscribe(
        tenantOf(principal),
        'state',
        async (m: LiveStateMessage) => {
          if (!this.current(ctx, principal) || !(await filter(m.deviceId))) return undefined;
          return {
            deviceId: m.deviceId,
            values: m.values.map((v) => ({
              path: v.path,
              metric: v.metric,
              time: new Date(v.time),
              valueNum: typeof v.value === 'number' ? v.value : null,
              valueBool: typeof v.value === 'boolean' ? v.value : null,
              valueText: typeof v.value === 'string' ? v.value : null,
              unit: v.unit,
            })),
          };
        },
        options,
      );
    });
  }

  @Subscription(() => AlarmChange, {
    description: 'Alarms raised or cleared, for one device, a category, or every visible device.',
    resolve: (payload: AlarmChange) => payload,
  })
  @Requires(Permission.SubscribeLive)
  async alarmChanged(
    @CurrentPrincipal() principal: Principal,
    @RequestContext() ctx: GatewayContext,
    @Args('deviceId', { type: () => ID, nullable: true }) deviceId: string | null,
    @Args('category', { type: () => String, nullable: true }) category: string | null,
  ): Promise<AsyncIterableIterator<AlarmChange>> {
    return this.open(ctx, async (options) => {
      const filter = await this.deviceFilter(principal, deviceId, category);
      return this.hub.subscribe(
        tenantOf(principal),
        'alarms',
        async (m: LiveAlarmMessage) => {
          if (!this.current(ctx, principal) || !(await filter(m.deviceId))) return undefined;
          return {
            kind: m.type === 'alarm.raised' ? AlarmChangeKind.RAISED : AlarmChangeKind.CLEARED,
            alarm: toAlarm(m),
          };
        },
        options,
      );
    });
  }

  /** Counts the subscription on its connection (refused beyond the maximum) and ties its end to the connection. */
  private async open<T>(
    ctx: GatewayContext,
    subscribe: (options: SubscribeOptions) => Promise<AsyncIterableIterator<T>>,
  ): Promise<AsyncIterableIterator<T>> {
    const live = ctx.live;
    const release = live?.openSubscription();
    try {
      return await subscribe({
        capacity: this.config.LIVE_QUEUE_CAPACITY,
        ...(release ? { onEnd: release } : {}),
        onSlowConsumer: () => live?.close(CloseCode.SlowConsumer, 'slow consumer', 'slow_consumer'),
      });
    } catch (err) {
      release?.();
      throw err;
    }
  }

  /** The connection's current token (refreshed ones included) or, outside graphql-ws, the request's. */
  private current(ctx: GatewayContext, principal: Principal): boolean {
    return ctx.live ? ctx.live.isCurrent : principal.expiresAt * 1000 > Date.now();
  }

  /** Which device ids a subscription receives; checked up front so a bad argument fails at subscribe time. */
  private async deviceFilter(
    principal: Principal,
    deviceIdArg: string | null | undefined,
    categoryArg: string | null | undefined,
  ): Promise<(id: string) => Promise<boolean>> {
    // Absent arguments arrive as undefined, explicit nulls as null: both mean "no filter".
    const deviceId = deviceIdArg ?? null;
    const category = categoryArg ?? null;
    const lookup = new CategoryLookup(this.db, this.devices, tenantOf(principal));
    if (deviceId !== null) {
      const cat = await lookup.categoryOf(deviceId);
      // A device of another tenant is simply not found here (RLS): same answer as a device that does not exist.
      if (cat === undefined || !canSeeCategory(principal, cat)) throw GatewayException.notFound('device');
      return async (id) => id === deviceId;
    }
    if (category !== null && !canSeeCategory(principal, category)) throw GatewayException.forbidden();
    if (category === null && categoryScope(principal) === null) return async () => true;
    return async (id) => {
      const cat = await lookup.categoryOf(id);
      if (cat === undefined || !canSeeCategory(principal, cat)) return false;
      return category === null || cat === category;
    };
  }
}
