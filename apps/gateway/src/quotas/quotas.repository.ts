import { Injectable } from '@nestjs/common';
import { type TxClient } from '@smartcity/platform-db';
import { type Plan, type TenantQuota, type TenantUsageDay } from './quota.models';

/** GraphQL limit names and their columns (plans, tenant_quotas, platform.tenant_limits). */
export const LIMIT_COLUMNS = {
  maxDevices: 'max_devices',
  maxMessagesPerSecond: 'max_messages_per_second',
  messageBurst: 'message_burst',
  maxStoredValues: 'max_stored_values',
  maxApiCallsPerDay: 'max_api_calls_per_day',
} as const;

export type LimitName = keyof typeof LIMIT_COLUMNS;
export const LIMIT_NAMES = Object.keys(LIMIT_COLUMNS) as LimitName[];

const LIMITS = LIMIT_NAMES.map((n) => `${LIMIT_COLUMNS[n]}::float8 AS "${n}"`).join(', ');

export type Limits = Omit<TenantQuota, 'overridden' | 'storedValues'>;

/**
 * Quota and usage rows. Works in a tenant transaction (RLS: the caller's tenant only) and on the owner path
 * (platform admins); reads of the effective limits set `app.tenant_id` first so both paths use one function.
 */
@Injectable()
export class QuotasRepository {
  async limits(tx: TxClient, tenant: string): Promise<Limits | null> {
    // Sets the tenant on the owner path; in a tenant transaction it must already be this tenant (never a switch).
    const set = await tx.query(
      `SELECT set_config('app.tenant_id', $1, true)
       WHERE COALESCE(current_setting('app.tenant_id', true), '') IN ('', $1)`,
      [tenant],
    );
    if (set.rowCount !== 1) throw new Error('limits of another tenant than the transaction');
    const { rows } = await tx.query<Limits>(`SELECT plan, ${LIMITS} FROM platform.current_tenant_limits()`);
    return rows[0] ?? null;
  }

  async quota(tx: TxClient, tenant: string): Promise<TenantQuota | null> {
    const limits = await this.limits(tx, tenant);
    if (!limits) return null;
    const { rows } = await tx.query<Record<string, unknown>>(
      'SELECT * FROM tenant_quotas WHERE tenant_id = $1',
      [tenant],
    );
    const stored = await tx.query<{ n: number }>('SELECT platform.stored_values($1)::float8 AS n', [tenant]);
    const row = rows[0];
    return {
      ...limits,
      overridden: row ? LIMIT_NAMES.filter((n) => row[LIMIT_COLUMNS[n]] !== null) : [],
      storedValues: stored.rows[0]?.n ?? 0,
    };
  }

  async usage(tx: TxClient, tenant: string, from: string, to: string): Promise<TenantUsageDay[]> {
    const { rows } = await tx.query<TenantUsageDay>(
      `SELECT day::text AS day, devices, messages::float8 AS messages, values_stored::float8 AS "valuesStored",
              api_calls::float8 AS "apiCalls"
       FROM tenant_usage_daily WHERE tenant_id = $1 AND day BETWEEN $2::date AND $3::date ORDER BY day`,
      [tenant, from, to],
    );
    return rows;
  }

  /**
   * Active devices now, after taking the tenant's provisioning lock (the one platform.auto_provision takes), so
   * concurrent provisioning cannot overshoot the quota. Today's usage is metered every few minutes; this is exact.
   */
  async lockAndCountDevices(tx: TxClient, tenant: string): Promise<number> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('devices-quota:' || $1))`, [tenant]);
    const { rows } = await tx.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM devices WHERE decommissioned_at IS NULL',
    );
    return rows[0]?.n ?? 0;
  }

  async plans(tx: TxClient): Promise<Plan[]> {
    const { rows } = await tx.query<Plan>(`SELECT id, name, ${LIMITS} FROM plans ORDER BY max_devices`);
    return rows;
  }

  /** Owner path: sets the plan and overrides (`null` in `limits` = back to the plan). False if no such tenant. */
  async setQuota(
    tx: TxClient,
    tenant: string,
    plan: string | null,
    limits: Partial<Record<LimitName, number | null>>,
    by: string,
  ): Promise<boolean> {
    if (plan !== null) {
      const { rowCount } = await tx.query('UPDATE tenants SET plan = $2 WHERE id = $1', [tenant, plan]);
      if (!rowCount) return false;
    } else {
      const { rowCount } = await tx.query('SELECT 1 FROM tenants WHERE id = $1', [tenant]);
      if (!rowCount) return false;
    }
    const names = LIMIT_NAMES.filter((n) => limits[n] !== undefined);
    if (names.length === 0) return true;
    const columns = names.map((n) => LIMIT_COLUMNS[n]);
    await tx.query(
      `INSERT INTO tenant_quotas (tenant_id, ${columns.join(', ')}, updated_by)
       VALUES ($1, ${names.map((_, i) => `$${i + 2}`).join(', ')}, $${names.length + 2})
       ON CONFLICT (tenant_id) DO UPDATE SET ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
         updated_at = now(), updated_by = EXCLUDED.updated_by`,
      [tenant, ...names.map((n) => limits[n]), by],
    );
    return true;
  }
}
