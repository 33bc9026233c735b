import { type Pool } from 'pg';

/** The uplink limits of one tenant, as the ingest enforces them (a token bucket per tenant). */
export interface MessageRateLimit {
  readonly tenantId: string;
  /** Sustained uplinks per second of the whole tenant (bucket refill rate). */
  readonly messagesPerSecond: number;
  /** Uplinks above the sustained rate the bucket absorbs (bucket capacity). */
  readonly burst: number;
  /** False once the tenant stores its plan's maximum of values: its uplinks are refused until usage drops. */
  readonly acceptData: boolean;
}

/** Usage to add to a tenant's day (each caller adds what it measures). */
export interface UsageIncrement {
  readonly messages?: number;
  readonly values?: number;
  readonly apiCalls?: number;
}

/**
 * Quotas and usage metering across tenants (issue 17 item 7), through owner-defined functions the application role
 * may call: `platform.message_rate_limits()`, `platform.record_usage(...)`, `platform.meter_usage(day)`.
 */
export class QuotaRepository {
  constructor(private readonly pool: Pool) {}

  /** Every tenant's uplink limits; cheap, meant to be cached and refreshed every few seconds. */
  async messageRateLimits(): Promise<MessageRateLimit[]> {
    const { rows } = await this.pool.query<{
      tenant_id: string;
      messages_per_second: number;
      burst: number;
      accept_data: boolean;
    }>('SELECT * FROM platform.message_rate_limits()');
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      messagesPerSecond: r.messages_per_second,
      burst: r.burst,
      acceptData: r.accept_data,
    }));
  }

  /** Adds to the tenant's usage of `day` (UTC date of the database, default today). Unknown tenants are ignored. */
  async recordUsage(tenant: string, usage: UsageIncrement, day?: Date): Promise<void> {
    await this.pool.query('SELECT platform.record_usage($1, $2, $3, $4, COALESCE($5::date, current_date))', [
      tenant,
      usage.messages ?? 0,
      usage.values ?? 0,
      usage.apiCalls ?? 0,
      day ?? null,
    ]);
  }

  /** Measures every tenant's active devices and stored values of `day`; returns the tenants metered. */
  async meterUsage(day?: Date): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      'SELECT platform.meter_usage(COALESCE($1::date, current_date)) AS n',
      [day ?? null],
    );
    return rows[0]?.n ?? 0;
  }
}
