import { type OutboxEntry, withTenant, writeOutbox } from '@smartcity/platform-db';
import { type Pool } from 'pg';
import { type AlarmRow, applyAlarmTransitions } from '../alarms/alarm.sql';
import { type AlarmTransition, coalesceTransitions } from '../alarms/alarm-transition';
import { DECODER_OUTBOX_SOURCE, eventEntry } from '../publish/partner-events';
import { alarmEvent, deviceEvent } from '../publish/partner-messages';
import { type DecodedData, type DecodedLifecycle, type DecodedUplink } from '../uplink/decoded-uplink';
import { deviceStatusUpdate, registrationInsert } from './lifecycle.sql';
import {
  collectTelemetry,
  deviceStateUpsert,
  lastSeenUpdate,
  latestPerPath,
  rollupMarks,
  type TelemetryColumns,
} from './telemetry.sql';
import { insertTelemetry, type TelemetryInsertPath } from './telemetry-insert';

export interface TenantBatch {
  readonly tenant: string;
  /** In consumption order (per device, the Kafka order). */
  readonly uplinks: readonly DecodedUplink[];
  readonly alarmTransitions: readonly AlarmTransition[];
}

export interface TenantWriteResult {
  readonly tenant: string;
  readonly valuesWritten: number;
  /** How the telemetry rows went in (absent when the batch had none): `idempotent` means a duplicate was met. */
  readonly insertPath?: TelemetryInsertPath;
  /** The newest value per (device, path) of the batch, and which of them became the device's latest state. */
  readonly latest: TelemetryColumns;
  readonly stateChanged: ReadonlySet<string>;
  readonly alarms: readonly AlarmRow[];
  /** Events written to the outbox in the transaction (lifecycle events first, in input order, then alarms). */
  readonly events: number;
}

export interface BatchWriterOptions {
  /** devices.last_seen_at is rewritten only when older than this (seconds). */
  readonly lastSeenThresholdSec?: number;
}

export function stateKey(deviceId: string, path: string): string {
  return deviceId + '\u0000' + path;
}

/**
 * Writes one tenant's share of a batch in one transaction under that tenant's RLS setting: lifecycle events,
 * telemetry rows (one UNNEST insert; ON CONFLICT DO NOTHING only after a duplicate, telemetry-insert.ts), latest state, last-seen, alarms, rollup marks, and
 * the partner events of what changed into the outbox (a new registration row, an alarm raised or cleared).
 * Every statement is idempotent, so re-running a batch after a crash or a failed offset commit changes nothing and
 * writes no event twice; the events of the first run are in the outbox already (issue 16, finding 1).
 */
export class BatchWriter {
  private readonly lastSeenThresholdSec: number;

  constructor(
    private readonly pool: Pool,
    options: BatchWriterOptions = {},
  ) {
    this.lastSeenThresholdSec = options.lastSeenThresholdSec ?? 30;
  }

  writeTenant(batch: TenantBatch): Promise<TenantWriteResult> {
    const lifecycle: DecodedLifecycle[] = [];
    const data: DecodedData[] = [];
    for (const u of batch.uplinks) {
      if (u.kind === 'lifecycle') lifecycle.push(u);
      else data.push(u);
    }
    const { columns, seen, buckets } = collectTelemetry(data);
    const latest = latestPerPath(columns);
    const transitions = coalesceTransitions(batch.alarmTransitions);

    return withTenant(this.pool, batch.tenant, async (client) => {
      const events: OutboxEntry[] = [];
      for (const event of lifecycle) {
        const { rowCount } = await client.query(registrationInsert(event.message));
        await client.query(deviceStatusUpdate(event.message));
        if (rowCount === 1) events.push(eventEntry(deviceEvent(event.message)));
      }
      const stateChanged = new Set<string>();
      let insertPath: TelemetryInsertPath | undefined;
      if (columns.time.length > 0) {
        insertPath = await insertTelemetry(client, batch.tenant, columns);
        const { rows } = await client.query<{ device_id: string; path: string }>(
          deviceStateUpsert(batch.tenant, latest),
        );
        for (const r of rows) stateChanged.add(stateKey(r.device_id, r.path));
      }
      if (seen.size > 0) await client.query(lastSeenUpdate(seen, this.lastSeenThresholdSec));
      let alarms: AlarmRow[] = [];
      if (transitions.length > 0) {
        alarms = (await client.query<AlarmRow>(applyAlarmTransitions(transitions))).rows;
        for (const row of alarms) events.push(eventEntry(alarmEvent(row)));
      }
      await writeOutbox(client, DECODER_OUTBOX_SOURCE, events);
      // Last: the marks are hot rows shared by concurrent writers of this tenant; hold their locks briefly.
      if (buckets.size > 0) await client.query(rollupMarks(batch.tenant, buckets));
      return {
        tenant: batch.tenant,
        valuesWritten: columns.time.length,
        ...(insertPath ? { insertPath } : {}),
        latest,
        stateChanged,
        alarms,
        events: events.length,
      };
    });
  }
}
