import { type TxClient, writeOutbox } from '@smartcity/platform-db';
import { type AlarmRow, applyAlarmTransitions } from '../alarms/alarm.sql';
import { type AlarmTransition } from '../alarms/alarm-transition';
import { DECODER_OUTBOX_SOURCE, eventEntry } from '../publish/partner-events';
import { alarmEvent } from '../publish/partner-messages';
import { type LocalDate } from './local-time';
import { type MeterSeries } from './meter-readings';
import { type MeterNight } from './night-flow';
import { type AreaDay } from './water-balance';

/** The meter object's paths the water job reads (instance 0: one meter per device). */
export const VOLUME_PATH = '/3424/0/1';
export const MIN_FLOW_PATH = '/3424/0/7';
const VOLUME_METRIC = 'water_meter.cumulated_water_volume';
const MIN_FLOW_METRIC = 'water_meter.minimum_flow_rate';

export interface WaterArea {
  readonly id: string;
  readonly name: string;
  readonly inletDeviceId: string;
  readonly memberIds: readonly string[];
  readonly nightFlowRiseRatio: number | null;
  readonly lossRateRisePoints: number | null;
  /** The definition changed since the last run: every day of the horizon is recomputed. */
  readonly needsRecompute: boolean;
  /** Version of the definition as read (updated_at, text): the recompute flag is cleared only for that one. */
  readonly version: string;
}

export interface PendingHour {
  /** Bucket start, ms. */
  readonly bucket: number;
  readonly version: string;
}

export interface ActiveAlarmKey {
  readonly deviceId: string;
  readonly type: string;
  readonly path: string;
}

/** The water job's statements, each run inside the caller's tenant transaction (row-level security). */
export class WaterRepository {
  constructor(private readonly client: TxClient) {}

  async settings(tenant: string): Promise<unknown> {
    const { rows } = await this.client.query<{ water: unknown }>(
      "SELECT settings -> 'water' AS water FROM tenants WHERE id = $1",
      [tenant],
    );
    return rows[0]?.water ?? undefined;
  }

  /** Devices that report a cumulative volume or a minimum flow, with their category. */
  async meters(tenant: string): Promise<Map<string, string | null>> {
    const { rows } = await this.client.query<{ id: string; category: string | null }>(
      // Through device_state's (tenant_id, metric) index: a tenant's other devices are not visited.
      `SELECT DISTINCT d.id, d.category FROM device_state s JOIN devices d ON d.id = s.device_id
       WHERE s.tenant_id = $1 AND s.metric IN ($2, $3) AND s.path IN ($4, $5) AND d.decommissioned_at IS NULL`,
      [tenant, VOLUME_METRIC, MIN_FLOW_METRIC, VOLUME_PATH, MIN_FLOW_PATH],
    );
    return new Map(rows.map((r) => [r.id, r.category]));
  }

  async areas(tenant: string): Promise<WaterArea[]> {
    const { rows } = await this.client.query<{
      id: string;
      name: string;
      inlet_device_id: string;
      members: string[] | null;
      night_flow_rise_ratio: number | null;
      loss_rate_rise_points: number | null;
      needs_recompute: boolean;
      version: string;
    }>(
      `SELECT a.id, a.name, a.inlet_device_id, a.night_flow_rise_ratio, a.loss_rate_rise_points,
              a.needs_recompute, a.updated_at::text AS version,
              array_agg(m.device_id) FILTER (WHERE m.device_id IS NOT NULL) AS members
       FROM water_areas a LEFT JOIN water_area_members m ON m.area_id = a.id
       WHERE a.tenant_id = $1 GROUP BY a.id ORDER BY a.id`,
      [tenant],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      inletDeviceId: r.inlet_device_id,
      memberIds: r.members ?? [],
      nightFlowRiseRatio: r.night_flow_rise_ratio,
      lossRateRisePoints: r.loss_rate_rise_points,
      needsRecompute: r.needs_recompute,
      version: r.version,
    }));
  }

  /** Rollup hours of water paths written since the last run (marked by the telemetry_hourly trigger). */
  async pendingHours(tenant: string): Promise<PendingHour[]> {
    const { rows } = await this.client.query<{ bucket: number; version: string }>(
      `SELECT extract(epoch FROM bucket) * 1000 AS bucket, version FROM water_pending_hours WHERE tenant_id = $1
       ORDER BY bucket`,
      [tenant],
    );
    return rows.map((r) => ({ bucket: Number(r.bucket), version: r.version }));
  }

  /**
   * Drops the marks of hours that were recomputed for good, unless written again meanwhile (version bumped: the
   * next run sees it again), and the recompute flag of the areas whose definition is still the one read.
   */
  async markDone(tenant: string, hours: readonly PendingHour[], areas: readonly WaterArea[]): Promise<void> {
    if (hours.length > 0) {
      await this.client.query(
        `DELETE FROM water_pending_hours p USING unnest($2::float8[], $3::bigint[]) AS d(bucket, version)
         WHERE p.tenant_id = $1 AND p.bucket = to_timestamp(d.bucket / 1000) AND p.version = d.version`,
        [tenant, hours.map((h) => h.bucket), hours.map((h) => h.version)],
      );
    }
    const flagged = areas.filter((a) => a.needsRecompute);
    if (flagged.length > 0) {
      await this.client.query(
        `UPDATE water_areas a SET needs_recompute = false FROM unnest($2::uuid[], $3::text[]) AS d(id, version)
         WHERE a.tenant_id = $1 AND a.id = d.id AND a.updated_at::text = d.version`,
        [tenant, flagged.map((a) => a.id), flagged.map((a) => a.version)],
      );
    }
  }

  /**
   * The meters' hourly rollups of [from, to): the last volume reading and the minimum flow of each hour, through
   * the rollups' unique (device, path, bucket) index, never the raw rows.
   */
  async series(deviceIds: readonly string[], from: number, to: number): Promise<Map<string, MeterSeries>> {
    const { rows } = await this.client.query<{
      device_id: string;
      path: string;
      bucket: number;
      num_min: number | null;
      last_num: number | null;
      last_time: number;
    }>(
      `SELECT device_id, path, extract(epoch FROM bucket) * 1000 AS bucket, num_min, last_num,
              extract(epoch FROM last_time) * 1000 AS last_time
       FROM telemetry_hourly
       WHERE device_id = ANY ($1::uuid[]) AND path IN ($2, $3) AND bucket >= $4 AND bucket < $5
       ORDER BY device_id, path, bucket`,
      [deviceIds, VOLUME_PATH, MIN_FLOW_PATH, new Date(from), new Date(to)],
    );
    const out = new Map<
      string,
      {
        deviceId: string;
        volumes: MeterSeries['volumes'][number][];
        minFlows: MeterSeries['minFlows'][number][];
      }
    >();
    for (const id of deviceIds) out.set(id, { deviceId: id, volumes: [], minFlows: [] });
    for (const r of rows) {
      const s = out.get(r.device_id);
      if (!s) continue;
      if (r.path === VOLUME_PATH && r.last_num !== null)
        s.volumes.push({ time: Number(r.last_time), volume: r.last_num });
      if (r.path === MIN_FLOW_PATH && r.num_min !== null)
        s.minFlows.push({ bucket: Number(r.bucket), minFlow: r.num_min });
    }
    return out;
  }

  /** Upserts nights; a row is rewritten only when its figure changed. */
  async upsertNights(tenant: string, nights: readonly MeterNight[]): Promise<void> {
    if (nights.length === 0) return;
    await this.client.query(
      `INSERT INTO water_meter_nights AS w (tenant_id, device_id, night, min_flow_m3h, source)
       SELECT $1, * FROM unnest($2::uuid[], $3::date[], $4::float8[], $5::text[])
       ON CONFLICT (device_id, night) DO UPDATE SET min_flow_m3h = EXCLUDED.min_flow_m3h, source = EXCLUDED.source,
         computed_at = now()
       WHERE (w.min_flow_m3h, w.source) IS DISTINCT FROM (EXCLUDED.min_flow_m3h, EXCLUDED.source)`,
      [
        tenant,
        nights.map((n) => n.deviceId),
        nights.map((n) => n.night),
        nights.map((n) => n.minFlowM3h),
        nights.map((n) => n.source),
      ],
    );
  }

  /** Stored nights from `from` on, per device, oldest first. */
  async nights(
    tenant: string,
    from: LocalDate,
  ): Promise<Map<string, { night: LocalDate; minFlowM3h: number }[]>> {
    const { rows } = await this.client.query<{ device_id: string; night: string; min_flow_m3h: number }>(
      `SELECT device_id, to_char(night, 'YYYY-MM-DD') AS night, min_flow_m3h FROM water_meter_nights
       WHERE tenant_id = $1 AND night >= $2::date ORDER BY device_id, night`,
      [tenant, from],
    );
    const out = new Map<string, { night: LocalDate; minFlowM3h: number }[]>();
    for (const r of rows) {
      let list = out.get(r.device_id);
      if (!list) out.set(r.device_id, (list = []));
      list.push({ night: r.night, minFlowM3h: r.min_flow_m3h });
    }
    return out;
  }

  async upsertAreaDays(tenant: string, days: readonly AreaDay[]): Promise<void> {
    if (days.length === 0) return;
    await this.client.query(
      `INSERT INTO water_area_days AS w (tenant_id, area_id, day, inflow_m3, billed_m3, nrw_m3, nrw_pct,
         min_night_flow_m3h, meters_reporting, meters_total)
       SELECT $1, * FROM unnest($2::uuid[], $3::date[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
         $8::float8[], $9::int[], $10::int[])
       ON CONFLICT (area_id, day) DO UPDATE SET inflow_m3 = EXCLUDED.inflow_m3, billed_m3 = EXCLUDED.billed_m3,
         nrw_m3 = EXCLUDED.nrw_m3, nrw_pct = EXCLUDED.nrw_pct, min_night_flow_m3h = EXCLUDED.min_night_flow_m3h,
         meters_reporting = EXCLUDED.meters_reporting, meters_total = EXCLUDED.meters_total, computed_at = now()
       WHERE (w.inflow_m3, w.billed_m3, w.nrw_m3, w.nrw_pct, w.min_night_flow_m3h, w.meters_reporting, w.meters_total)
         IS DISTINCT FROM (EXCLUDED.inflow_m3, EXCLUDED.billed_m3, EXCLUDED.nrw_m3, EXCLUDED.nrw_pct,
           EXCLUDED.min_night_flow_m3h, EXCLUDED.meters_reporting, EXCLUDED.meters_total)`,
      [
        tenant,
        days.map((d) => d.areaId),
        days.map((d) => d.day),
        days.map((d) => d.inflowM3),
        days.map((d) => d.billedM3),
        days.map((d) => d.nrwM3),
        days.map((d) => d.nrwPct),
        days.map((d) => d.minNightFlowM3h),
        days.map((d) => d.metersReporting),
        days.map((d) => d.metersTotal),
      ],
    );
  }

  /** Stored days from `from` on, per area, oldest first. */
  async areaDays(tenant: string, from: LocalDate): Promise<Map<string, AreaDay[]>> {
    const { rows } = await this.client.query<{
      area_id: string;
      day: string;
      inflow_m3: number | null;
      billed_m3: number | null;
      nrw_m3: number | null;
      nrw_pct: number | null;
      min_night_flow_m3h: number | null;
      meters_reporting: number;
      meters_total: number;
    }>(
      `SELECT area_id, to_char(day, 'YYYY-MM-DD') AS day, inflow_m3, billed_m3, nrw_m3, nrw_pct, min_night_flow_m3h,
              meters_reporting, meters_total
       FROM water_area_days WHERE tenant_id = $1 AND day >= $2::date ORDER BY area_id, day`,
      [tenant, from],
    );
    const out = new Map<string, AreaDay[]>();
    for (const r of rows) {
      let list = out.get(r.area_id);
      if (!list) out.set(r.area_id, (list = []));
      list.push({
        areaId: r.area_id,
        day: r.day,
        inflowM3: r.inflow_m3,
        billedM3: r.billed_m3,
        nrwM3: r.nrw_m3,
        nrwPct: r.nrw_pct,
        minNightFlowM3h: r.min_night_flow_m3h,
        metersReporting: r.meters_reporting,
        metersTotal: r.meters_total,
      });
    }
    return out;
  }

  async activeAlarms(tenant: string, types: readonly string[]): Promise<ActiveAlarmKey[]> {
    const { rows } = await this.client.query<{ device_id: string; type: string; source_path: string }>(
      `SELECT device_id, type, source_path FROM alarms WHERE tenant_id = $1 AND status = 'ACTIVE' AND type = ANY ($2)`,
      [tenant, types],
    );
    return rows.map((r) => ({ deviceId: r.device_id, type: r.type, path: r.source_path }));
  }

  /**
   * Applies alarm transitions like every other alarm rule, and writes the alarm.raised / alarm.cleared partner
   * events of the alarms that changed to the outbox in the same transaction (city.<tenant>.events.v1, live channel).
   */
  async applyAlarms(transitions: readonly AlarmTransition[]): Promise<AlarmRow[]> {
    if (transitions.length === 0) return [];
    const { rows } = await this.client.query<AlarmRow>(applyAlarmTransitions(transitions));
    await writeOutbox(
      this.client,
      DECODER_OUTBOX_SOURCE,
      rows.map((r) => eventEntry(alarmEvent(r))),
    );
    return rows;
  }
}
