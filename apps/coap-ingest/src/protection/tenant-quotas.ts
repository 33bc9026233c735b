import { type MessageRateLimit, type UsageIncrement } from '@smartcity/platform-db';
import { type Logger } from '@smartcity/platform-observability';

/** Where the plans' limits come from and where usage goes (libs/platform/db QuotaRepository). */
export interface QuotaSource {
  messageRateLimits(): Promise<readonly MessageRateLimit[]>;
  recordUsage(tenant: string, usage: UsageIncrement): Promise<void>;
}

export interface TenantQuotaSettings {
  /** How often the limits are read again (a platform admin's `setTenantQuota` takes effect within this). */
  readonly refreshMs: number;
  /** How often the messages counted are added to the tenants' usage of the day. */
  readonly flushMs: number;
  /** Max-Age of the 4.29 while a tenant stores its plan's maximum of values (RFC 8516 §3: when to try again). */
  readonly storageFullRetryAfterS: number;
  readonly now: () => number;
}

/** Why a message is refused: the tenant's sustained rate is spent, or its stored values reached the plan's maximum. */
export interface QuotaRefusal {
  readonly reason: 'rate' | 'storage';
  readonly retryAfterS: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * The tenants' message quotas (issue 17 item 7, "enforced where the work enters"): a token bucket per tenant at its
 * plan's messages/s with its burst as capacity, and a refusal of every message while the tenant is over its stored
 * values. Limits are held in memory and refreshed every few seconds, so the hot path does no I/O. The bucket is per
 * ingest instance: with N instances behind the load balancer a tenant may reach N times its rate, which the usage
 * metering (counted here, per accepted message) shows. A tenant the limits do not know yet (created since the last
 * refresh, or before the first one succeeded) is not limited: a database outage must not stop every city.
 */
export class TenantQuotas {
  private limits = new Map<string, MessageRateLimit>();
  private readonly buckets = new Map<string, Bucket>();
  private counted = new Map<string, number>();
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly source: QuotaSource,
    private readonly logger: Logger,
    private readonly settings: TenantQuotaSettings,
  ) {}

  /** Reads the limits once (failures are logged, never thrown), then keeps refreshing and flushing. */
  async start(): Promise<void> {
    await this.refresh();
    this.timers = [
      setInterval(() => void this.refresh(), this.settings.refreshMs),
      setInterval(() => void this.flush(), this.settings.flushMs),
    ];
    for (const t of this.timers) t.unref();
  }

  /** Stops the timers and adds what was counted since the last flush. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.flush();
  }

  async refresh(): Promise<void> {
    try {
      const next = new Map<string, MessageRateLimit>();
      for (const limit of await this.source.messageRateLimits()) next.set(limit.tenantId, limit);
      this.limits = next;
      for (const tenant of this.buckets.keys()) if (!next.has(tenant)) this.buckets.delete(tenant);
    } catch (err) {
      this.logger.warn({ err }, 'tenant quotas not refreshed; the last ones stay in force');
    }
  }

  /** Takes a token of the tenant's bucket; a refusal when there is none (or its storage is full). */
  admit(tenant: string): QuotaRefusal | undefined {
    const limit = this.limits.get(tenant);
    if (!limit) return undefined;
    if (!limit.acceptData) return { reason: 'storage', retryAfterS: this.settings.storageFullRetryAfterS };
    const now = this.settings.now();
    let bucket = this.buckets.get(tenant);
    if (!bucket) {
      bucket = { tokens: limit.burst, at: now };
      this.buckets.set(tenant, bucket);
    } else {
      const refilled = bucket.tokens + ((now - bucket.at) / 1000) * limit.messagesPerSecond;
      bucket.tokens = Math.min(limit.burst, refilled);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return {
      reason: 'rate',
      retryAfterS: Math.max(1, Math.ceil((1 - bucket.tokens) / limit.messagesPerSecond)),
    };
  }

  /** Counts an accepted message toward the tenant's usage of the day. */
  record(tenant: string): void {
    this.counted.set(tenant, (this.counted.get(tenant) ?? 0) + 1);
  }

  /** Adds the counted messages to each tenant's usage; what could not be written is kept for the next flush. */
  async flush(): Promise<void> {
    if (this.counted.size === 0) return;
    const batch = this.counted;
    this.counted = new Map();
    for (const [tenant, messages] of batch) {
      try {
        await this.source.recordUsage(tenant, { messages });
      } catch (err) {
        this.counted.set(tenant, (this.counted.get(tenant) ?? 0) + messages);
        this.logger.warn({ err, tenant }, 'message usage not recorded; kept for the next flush');
      }
    }
  }
}
