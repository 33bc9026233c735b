import { Injectable } from '@nestjs/common';
import { type TxClient, writeOutbox } from '@smartcity/platform-db';
import { ALARM_EVENTS_OUTBOX_SOURCE, alarmEventEntry } from './alarm-events';
import { ALARM_COLUMNS, type AlarmRow, type AlarmSeverity, type AlarmStatus } from './alarm.rows';

export interface AlarmQuery {
  readonly status?: AlarmStatus | null;
  readonly severities?: readonly AlarmSeverity[] | null;
  readonly deviceId?: string | null;
  readonly type?: string | null;
  readonly category?: string | null;
  readonly since?: Date | null;
  readonly acknowledged?: boolean | null;
  /** Visible device categories (utility users); null = all. */
  readonly categories: readonly string[] | null;
  /** Keyset: rows strictly after (raisedAt, id) in descending order. */
  readonly after?: { raisedAt: Date; id: string } | null;
  readonly limit: number;
}

/** Alarms of the tenant of the surrounding transaction (row-level security), newest first. */
@Injectable()
export class AlarmsRepository {
  async list(tx: TxClient, q: AlarmQuery): Promise<AlarmRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const joinDevices = q.categories !== null || !!q.category;
    if (q.status) where.push(`a.status = ${param(q.status)}`);
    if (q.severities?.length) where.push(`a.severity = ANY(${param(q.severities)}::text[])`);
    if (q.deviceId) where.push(`a.device_id = ${param(q.deviceId)}::uuid`);
    if (q.type) where.push(`a.type = ${param(q.type)}`);
    if (q.since) where.push(`a.raised_at >= ${param(q.since)}`);
    if (q.acknowledged === true) where.push('a.acknowledged_at IS NOT NULL');
    if (q.acknowledged === false) where.push('a.acknowledged_at IS NULL');
    if (q.categories !== null) where.push(`d.category = ANY(${param(q.categories)}::text[])`);
    if (q.category) where.push(`d.category = ${param(q.category)}`);
    if (q.after) {
      where.push(`(a.raised_at, a.id) < (${param(q.after.raisedAt)}, ${param(q.after.id)}::uuid)`);
    }
    const sql =
      `SELECT ${ALARM_COLUMNS} FROM alarms a` +
      (joinDevices ? ' JOIN devices d ON d.id = a.device_id' : '') +
      (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
      ` ORDER BY a.raised_at DESC, a.id DESC LIMIT ${param(q.limit)}`;
    const { rows } = await tx.query<AlarmRow>(sql, params);
    return rows;
  }

  async findByIds(tx: TxClient, ids: readonly string[]): Promise<AlarmRow[]> {
    const { rows } = await tx.query<AlarmRow>(
      `SELECT ${ALARM_COLUMNS} FROM alarms a WHERE a.id = ANY($1::uuid[])`,
      [ids],
    );
    return rows;
  }

  async activeOf(tx: TxClient, deviceIds: readonly string[]): Promise<AlarmRow[]> {
    const { rows } = await tx.query<AlarmRow>(
      `SELECT ${ALARM_COLUMNS} FROM alarms a WHERE a.device_id = ANY($1::uuid[]) AND a.status = 'ACTIVE'
       ORDER BY a.raised_at DESC`,
      [deviceIds],
    );
    return rows;
  }

  /** Acknowledges an alarm (idempotent: the first acknowledgement is kept). */
  async acknowledge(tx: TxClient, id: string, by: string): Promise<AlarmRow | null> {
    const { rows } = await tx.query<AlarmRow>(
      `UPDATE alarms a SET acknowledged_at = COALESCE(a.acknowledged_at, now()),
              acknowledged_by = COALESCE(a.acknowledged_by, $2), updated_at = now()
       WHERE a.id = $1::uuid RETURNING ${ALARM_COLUMNS}`,
      [id, by],
    );
    return rows[0] ?? null;
  }

  /**
   * Clears an active alarm by hand (the decoder also clears alarms when their condition ends); an alarm cleared
   * already is returned as it is.
   */
  async clear(tx: TxClient, id: string): Promise<AlarmRow | null> {
    const [cleared] = await clearActiveAlarms(tx, 'x.id = $1::uuid', [id]);
    return cleared ?? (await this.findByIds(tx, [id]))[0] ?? null;
  }
}

/**
 * Clears the active alarms matching `where` (on `alarms x`) the way the decoder clears them, through
 * platform.apply_alarm_transitions (one clear per alarm, at now() or its raise time if later, so it applies), and
 * writes their `alarm.cleared` partner events into the outbox in the caller's transaction: the decoder's relay
 * publishes them on `city.<tenant>.events.v1` and the tenant's live alarm channel. Returns the alarms it cleared.
 */
export async function clearActiveAlarms(
  tx: TxClient,
  where: string,
  params: readonly unknown[],
): Promise<AlarmRow[]> {
  const { rows } = await tx.query<AlarmRow>(
    `SELECT ${ALARM_COLUMNS} FROM platform.apply_alarm_transitions((
       SELECT COALESCE(jsonb_agg(jsonb_build_object(
                'action', 'clear', 'tenantId', x.tenant_id, 'deviceId', x.device_id, 'type', x.type,
                'severity', x.severity, 'path', x.source_path,
                'time', extract(epoch FROM greatest(now(), x.raised_at)))), '[]'::jsonb)
       FROM alarms x WHERE x.status = 'ACTIVE' AND (${where}))) a`,
    [...params],
  );
  await writeOutbox(tx, ALARM_EVENTS_OUTBOX_SOURCE, rows.map(alarmEventEntry));
  return rows;
}
