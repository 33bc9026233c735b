import { withTenant } from '@smartcity/platform-db';
import { type Logger } from '@smartcity/platform-observability';
import { AlarmRuleSet } from '@smartcity/ucifi-normalize';
import { type Pool } from 'pg';

interface Entry {
  rules: AlarmRuleSet;
  loadedAt: number;
  loading?: Promise<void>;
}

/**
 * Each tenant's alarm rules: the uCIFI defaults with the tenant's overrides from `tenants.settings -> 'alarms'`.
 * Read synchronously on the hot path from a cache refreshed in the background every ttlMs; until a tenant's
 * settings were read once, its defaults apply. An invalid override is logged and the defaults stay in force.
 */
export class TenantAlarmRules {
  private readonly entries = new Map<string, Entry>();
  private readonly defaults = AlarmRuleSet.defaults();

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
    private readonly ttlMs = 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  get(tenant: string): AlarmRuleSet {
    let entry = this.entries.get(tenant);
    if (!entry) {
      entry = { rules: this.defaults, loadedAt: 0 };
      this.entries.set(tenant, entry);
    }
    if (!entry.loading && this.clock() - entry.loadedAt >= this.ttlMs) {
      const e = entry;
      e.loading = this.load(tenant)
        .then((rules) => {
          e.rules = rules;
        })
        .catch((err: unknown) =>
          this.logger.warn({ err, tenant }, 'alarm rules not loaded; keeping the previous ones'),
        )
        .finally(() => {
          e.loadedAt = this.clock();
          e.loading = undefined;
        });
    }
    return entry.rules;
  }

  /** Waits for a tenant's rules to be loaded (startup, tests). */
  async load(tenant: string): Promise<AlarmRuleSet> {
    const overrides = await withTenant(this.pool, tenant, async (client) => {
      const { rows } = await client.query<{ alarms: unknown }>(
        "SELECT settings -> 'alarms' AS alarms FROM tenants WHERE id = $1",
        [tenant],
      );
      return rows[0]?.alarms;
    });
    return AlarmRuleSet.forTenant(overrides ?? undefined);
  }
}
