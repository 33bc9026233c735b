import { withTenant, writeOutbox } from '@smartcity/platform-db';
import { type Pool } from 'pg';
import { type AlarmRow, applyAlarmTransitions } from '../alarms/alarm.sql';
import { type AlarmTransition, COMMUNICATION_LOSS, DEVICE_PATH } from '../alarms/alarm-transition';
import { DECODER_OUTBOX_SOURCE, eventEntry } from '../publish/partner-events';
import { alarmEvent } from '../publish/partner-messages';

interface ExpiredDevice {
  tenant_id: string;
  device_id: string;
  endpoint: string;
  expired_at: Date;
}

/**
 * Raises a communication-loss alarm for devices whose registration expired (the ingest publishes `expiry` when a
 * registration outlives its lifetime, LwM2M Core 1.1.1 §6.2.2) and that stayed silent for the grace period. The
 * alarm time is expiry + grace, so a second run, or a second decoder, raises nothing new. A later registration
 * or update clears it (uplink pipeline). The alarm.raised events go to the outbox in the alarms' transaction.
 */
export class CommunicationLossJob {
  constructor(
    private readonly pool: Pool,
    private readonly graceSec: number,
    private readonly batchLimit = 500,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Returns the alarms raised. */
  async run(): Promise<AlarmRow[]> {
    const before = new Date(this.clock() - this.graceSec * 1000);
    const { rows } = await this.pool.query<ExpiredDevice>(
      'SELECT * FROM platform.expired_devices($1, $2, $3)',
      [before, COMMUNICATION_LOSS, this.batchLimit],
    );
    const byTenant = new Map<string, AlarmTransition[]>();
    for (const d of rows) {
      let list = byTenant.get(d.tenant_id);
      if (!list) byTenant.set(d.tenant_id, (list = []));
      list.push({
        action: 'raise',
        tenantId: d.tenant_id,
        deviceId: d.device_id,
        type: COMMUNICATION_LOSS,
        path: DEVICE_PATH,
        severity: 'MAJOR',
        timeSec: d.expired_at.getTime() / 1000 + this.graceSec,
        message: `no registration update from ${d.endpoint} since its registration expired`,
        details: { endpoint: d.endpoint, expiredAt: d.expired_at.toISOString(), graceSeconds: this.graceSec },
      });
    }
    const raised: AlarmRow[] = [];
    for (const [tenant, transitions] of byTenant) {
      const changed = await withTenant(this.pool, tenant, async (client) => {
        const { rows } = await client.query<AlarmRow>(applyAlarmTransitions(transitions));
        await writeOutbox(
          client,
          DECODER_OUTBOX_SOURCE,
          rows.map((r) => eventEntry(alarmEvent(r))),
        );
        return rows;
      });
      raised.push(...changed);
    }
    return raised;
  }
}
