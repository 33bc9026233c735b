import { withTenant } from '@smartcity/platform-db';
import { type Logger } from '@smartcity/platform-observability';
import { type Pool } from 'pg';
import { type AlarmRow } from '../alarms/alarm.sql';
import { type WaterMetrics } from './water.metrics';
import { recomputeTenant } from './water-recompute';
import { WaterRepository } from './water.repository';
import { WaterSettingsError } from './water-settings';

export interface WaterRunOutcome {
  readonly tenants: number;
  readonly nights: number;
  readonly areaDays: number;
  /** The alarms raised or cleared (their events are in the outbox). */
  readonly alarms: readonly AlarmRow[];
}

/**
 * The water job (issue 24): for every tenant, one transaction under its row-level security that recomputes the
 * meters' minimum night flows and the areas' daily balances of the late-data horizon from telemetry_hourly, and
 * raises or clears leak_suspected_from_flow and the area alarms. A tenant whose water settings are invalid is
 * skipped with a warning (the others go on), as is a tenant whose run fails; the next run retries it.
 */
export class WaterJob {
  private readonly log: Logger;

  constructor(
    private readonly pool: Pool,
    logger: Logger,
    private readonly metrics?: WaterMetrics,
    private readonly clock: () => number = Date.now,
  ) {
    this.log = logger.child({ context: 'WaterJob' });
  }

  async run(): Promise<WaterRunOutcome> {
    const stopTimer = this.metrics?.runSeconds.startTimer();
    const { rows } = await this.pool.query<{ id: string }>('SELECT platform.tenant_ids() AS id');
    const outcome = { tenants: 0, nights: 0, areaDays: 0, alarms: [] as AlarmRow[] };
    for (const { id: tenant } of rows) {
      const done = await this.runTenant(tenant);
      if (!done) continue;
      outcome.tenants++;
      outcome.nights += done.nights;
      outcome.areaDays += done.areaDays;
      outcome.alarms.push(...done.alarms);
    }
    stopTimer?.();
    return outcome;
  }

  /** One tenant; undefined when it was skipped (invalid settings, failure: logged). */
  async runTenant(tenant: string) {
    const now = this.clock();
    try {
      const done = await withTenant(this.pool, tenant, (client) =>
        recomputeTenant(new WaterRepository(client), tenant, now),
      );
      this.metrics?.nights.inc(done.nights);
      this.metrics?.areaDays.inc(done.areaDays);
      for (const a of done.alarms) this.metrics?.alarms.inc({ type: a.type, status: a.status });
      if (done.alarms.length > 0) {
        this.log.info(
          {
            tenant,
            raised: done.alarms.filter((a) => a.status === 'ACTIVE').length,
            changed: done.alarms.length,
          },
          'water alarms changed',
        );
      } else if (done.meters > 0) {
        this.log.debug({ tenant, nights: done.nights, areaDays: done.areaDays }, 'water figures recomputed');
      }
      return done;
    } catch (err) {
      if (err instanceof WaterSettingsError)
        this.log.warn({ tenant, err: err.message }, 'water settings invalid; tenant skipped');
      else this.log.error({ tenant, err }, 'water run failed for the tenant');
      return undefined;
    }
  }
}
