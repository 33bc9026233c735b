import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { isPlatformAdmin, type Principal } from '@smartcity/platform-auth';
import { QuotaRepository, type TxClient } from '@smartcity/platform-db';
import { type Logger } from '@smartcity/platform-observability';
import { type Redis } from '@smartcity/platform-redis';
import { type Pool } from 'pg';
import { hasPermission, Permission } from '../auth/permissions';
import { type GatewayConfig } from '../config/gateway.config';
import { TenantDb } from '../db/tenant-db.service';
import { GatewayException } from '../errors/gateway.exception';
import { APP_POOL, GATEWAY_CONFIG, GATEWAY_LOGGER, OWNER_POOL, REDIS } from '../gateway.tokens';
import { type Plan, type SetTenantQuotaInput, type TenantQuota, type TenantUsageDay } from './quota.models';
import { quotaExceeded } from './quota-exceeded';
import { type Limits, LIMIT_NAMES, type LimitName, QuotasRepository } from './quotas.repository';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * Quotas where work enters the gateway (issue 17 item 7): active devices at provisioning, API calls per UTC day
 * (counted in Redis across replicas, flushed to the daily usage every minute), and the daily metering of every
 * tenant (one replica at a time, under an advisory lock). Reads of quota and usage for platform admins (any
 * tenant) and a city's own admins.
 */
@Injectable()
export class QuotasService implements OnModuleInit, OnModuleDestroy {
  private readonly cache = new Map<string, { limits: Limits; until: number }>();
  private readonly pendingApiCalls = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly usage: QuotaRepository;
  private readonly logger: Logger;

  constructor(
    private readonly db: TenantDb,
    private readonly repository: QuotasRepository,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_POOL) pool: Pool,
    // Metering counts a day of telemetry per tenant: the owner pool, without the API's short statement timeout.
    @Inject(OWNER_POOL) private readonly ownerPool: Pool,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_LOGGER) logger: Logger,
  ) {
    this.usage = new QuotaRepository(pool);
    this.logger = logger.child({ context: 'QuotasService' });
  }

  onModuleInit(): void {
    const every = (ms: number, job: () => Promise<unknown>, what: string) => {
      const timer = setInterval(() => {
        job().catch((err: unknown) => this.logger.warn({ err }, `${what} failed`));
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.config.USAGE_FLUSH_INTERVAL_MS, () => this.flushApiCalls(), 'usage flush');
    every(this.config.USAGE_METER_INTERVAL_MS, () => this.meter(), 'usage metering');
  }

  async onModuleDestroy(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.flushApiCalls().catch((err: unknown) => this.logger.warn({ err }, 'last usage flush failed'));
  }

  /** The tenant's limits, cached briefly (a platform admin's change applies within the cache age). */
  async limitsOf(tenant: string): Promise<Limits> {
    const hit = this.cache.get(tenant);
    if (hit && hit.until > Date.now()) return hit.limits;
    const limits = await this.db.inTenant(tenant, (tx) => this.repository.limits(tx, tenant));
    if (!limits) throw GatewayException.notFound('tenant');
    this.cache.set(tenant, { limits, until: Date.now() + this.config.QUOTA_CACHE_MS });
    return limits;
  }

  /** Counts one GraphQL operation of the tenant; QUOTA_EXCEEDED beyond its calls per day. */
  async countApiCall(tenant: string): Promise<void> {
    const key = `quota:api:${tenant}:${utcDay(Date.now())}`;
    let count: number;
    try {
      count = await this.redis.incr(key);
      if (count === 1) await this.redis.expire(key, 2 * 86_400);
    } catch (err) {
      // Metering must not turn a Redis outage into an API outage: the call passes uncounted.
      this.logger.warn({ err, tenant }, 'API call not counted');
      return;
    }
    const limit = (await this.limitsOf(tenant)).maxApiCallsPerDay;
    if (count > limit) throw quotaExceeded('api_calls', limit, count - 1);
    this.pendingApiCalls.set(tenant, (this.pendingApiCalls.get(tenant) ?? 0) + 1);
  }

  /** Inside a provisioning transaction, after its inserts: QUOTA_EXCEEDED (and so a rollback) beyond the plan. */
  async assertDeviceQuota(tx: TxClient, tenant: string, added: number): Promise<void> {
    const active = await this.repository.lockAndCountDevices(tx, tenant);
    const limit = (await this.limitsOf(tenant)).maxDevices;
    if (active > limit) throw quotaExceeded('devices', limit, active - added);
  }

  async quota(principal: Principal, tenant: string): Promise<TenantQuota> {
    const quota = await this.read(principal, tenant, (tx) => this.repository.quota(tx, tenant));
    if (!quota) throw GatewayException.notFound('tenant');
    return quota;
  }

  async usageOf(principal: Principal, tenant: string, from: string, to: string): Promise<TenantUsageDay[]> {
    if (!DAY.test(from) || !DAY.test(to) || from > to) {
      throw GatewayException.badInput('from and to are days YYYY-MM-DD, from first', 'from');
    }
    if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > 400) {
      throw GatewayException.badInput('at most 400 days of usage per query', 'from');
    }
    return this.read(principal, tenant, (tx) => this.repository.usage(tx, tenant, from, to));
  }

  async plans(): Promise<Plan[]> {
    return this.db.asPlatformAdmin((tx) => this.repository.plans(tx));
  }

  async setQuota(principal: Principal, tenant: string, input: SetTenantQuotaInput): Promise<TenantQuota> {
    const limits: Partial<Record<LimitName, number | null>> = {};
    for (const name of LIMIT_NAMES) {
      const value = input[name];
      if (value === undefined || value === null) continue;
      if (!Number.isInteger(value) || value < 0)
        throw GatewayException.badInput(`${name} must be a whole number`, name);
      limits[name] = value;
    }
    for (const name of input.reset ?? []) {
      if (!(LIMIT_NAMES as string[]).includes(name))
        throw GatewayException.badInput(`unknown limit ${name}`, 'reset');
      limits[name as LimitName] = null;
    }
    const found = await this.db
      .asPlatformAdmin((tx) =>
        this.repository.setQuota(tx, tenant, input.plan ?? null, limits, principal.username),
      )
      .catch((err: unknown) => {
        if ((err as { code?: unknown }).code === '23503')
          throw GatewayException.badInput('unknown plan', 'plan');
        if ((err as { code?: unknown }).code === '23514')
          throw GatewayException.badInput('limit out of range');
        throw err;
      });
    if (!found) throw GatewayException.notFound('tenant');
    this.cache.delete(tenant);
    return this.quota(principal, tenant);
  }

  /** Platform admins read any tenant (owner path); a city admin its own (tenant transaction, RLS). */
  private read<T>(principal: Principal, tenant: string, fn: (tx: TxClient) => Promise<T>): Promise<T> {
    if (isPlatformAdmin(principal)) return this.db.asPlatformAdmin(fn);
    if (principal.tenant !== tenant || !hasPermission(principal, Permission.ReadUsage)) {
      throw GatewayException.forbidden();
    }
    return this.db.inTenant(tenant, fn);
  }

  private async flushApiCalls(): Promise<void> {
    const batch = [...this.pendingApiCalls];
    this.pendingApiCalls.clear();
    for (const [tenant, calls] of batch) {
      try {
        await this.usage.recordUsage(tenant, { apiCalls: calls });
      } catch (err) {
        this.pendingApiCalls.set(tenant, (this.pendingApiCalls.get(tenant) ?? 0) + calls);
        throw err;
      }
    }
  }

  /** Meters today and yesterday; only the replica holding the advisory lock does it. */
  private async meter(): Promise<void> {
    const client = await this.ownerPool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(hashtext('usage-metering')) AS locked`,
      );
      if (!rows[0]?.locked) return;
      try {
        await client.query(`SELECT platform.meter_usage(current_date - 1)`);
        await client.query(`SELECT platform.meter_usage(current_date)`);
      } finally {
        await client.query(`SELECT pg_advisory_unlock(hashtext('usage-metering'))`);
      }
    } finally {
      client.release();
    }
  }
}
