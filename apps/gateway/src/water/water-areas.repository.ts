import { Injectable } from '@nestjs/common';
import { WATER_AREA_ALARM_PATH_PREFIX, waterAreaAlarmPath } from '@smartcity/platform-contracts';
import { type TxClient } from '@smartcity/platform-db';
import { OBJECT_IDS } from '@smartcity/ucifi-model';
import { ALARM_COLUMNS, type AlarmRow } from '../alarms/alarm.rows';
import { clearActiveAlarms } from '../alarms/alarms.repository';
import { type BoundingBox } from './geojson-polygon';

/** The category of water meters; a device announcing the uCIFI water meter object (3424) is one too. */
export const WATER_CATEGORY = 'water';
const WATER_METER_OBJECT = String(OBJECT_IDS.waterMeter);

export interface WaterAreaRow {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly inletDeviceId: string;
  readonly memberDeviceIds: string[];
  readonly polygon: Record<string, unknown> | null;
  readonly nightFlowRiseRatio: number | null;
  readonly lossRateRisePoints: number | null;
  readonly needsRecompute: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface WaterAreaDayRow {
  readonly day: string;
  readonly inflowM3: number | null;
  readonly billedM3: number | null;
  readonly nrwM3: number | null;
  readonly nrwPct: number | null;
  readonly minNightFlowM3h: number | null;
  readonly metersReporting: number;
  readonly metersTotal: number;
  readonly computedAt: Date;
}

/** A device as area definitions need it. */
export interface MeterCandidate {
  readonly id: string;
  readonly endpoint: string;
  readonly category: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly waterMeter: boolean;
  readonly decommissioned: boolean;
}

export interface AreaValues {
  readonly name: string;
  readonly inletDeviceId: string;
  readonly polygon: Record<string, unknown> | null;
  readonly nightFlowRiseRatio: number | null;
  readonly lossRateRisePoints: number | null;
}

/**
 * SQL of water areas, their members and daily balance. Every method runs inside a tenant transaction
 * (TenantDb.inTenant): row-level security (FORCE RLS on every water table) confines it to the caller's tenant.
 * `categories` is the caller's category scope (null = all): an area is visible when its inlet is, and only visible
 * members are listed.
 */
@Injectable()
export class WaterAreasRepository {
  async list(tx: TxClient, categories: readonly string[] | null, id?: string): Promise<WaterAreaRow[]> {
    const { rows } = await tx.query<WaterAreaRow>(
      `SELECT a.id, a.tenant_id AS "tenantId", a.name, a.inlet_device_id AS "inletDeviceId", a.polygon,
              a.night_flow_rise_ratio AS "nightFlowRiseRatio", a.loss_rate_rise_points AS "lossRateRisePoints",
              a.needs_recompute AS "needsRecompute", a.created_at AS "createdAt", a.updated_at AS "updatedAt",
              COALESCE((SELECT array_agg(m.device_id ORDER BY m.device_id) FROM water_area_members m
                        JOIN devices md ON md.id = m.device_id
                        WHERE m.area_id = a.id AND ($1::text[] IS NULL OR md.category = ANY($1::text[]))),
                       '{}') AS "memberDeviceIds"
       FROM water_areas a JOIN devices i ON i.id = a.inlet_device_id
       WHERE ($1::text[] IS NULL OR i.category = ANY($1::text[])) AND ($2::uuid IS NULL OR a.id = $2::uuid)
       ORDER BY a.name, a.id`,
      [categories, id ?? null],
    );
    return rows;
  }

  async find(tx: TxClient, categories: readonly string[] | null, id: string): Promise<WaterAreaRow | null> {
    return (await this.list(tx, categories, id))[0] ?? null;
  }

  /** The devices named by id or endpoint (RLS: only the tenant's). */
  async devicesByRef(
    tx: TxClient,
    ids: readonly string[],
    endpoints: readonly string[],
  ): Promise<MeterCandidate[]> {
    if (ids.length === 0 && endpoints.length === 0) return [];
    const { rows } = await tx.query<MeterCandidate>(
      `SELECT ${CANDIDATE_COLUMNS} FROM devices WHERE id = ANY($1::uuid[]) OR endpoint = ANY($2::text[])`,
      [ids, endpoints],
    );
    return rows;
  }

  /**
   * Water meters in service whose position lies in the box (the polygon test itself is the caller's), at most
   * `limit` of them: the caller asks for one more than it accepts, to tell a box that holds too many.
   */
  async waterMetersIn(
    tx: TxClient,
    box: BoundingBox,
    categories: readonly string[] | null,
    limit: number,
  ): Promise<MeterCandidate[]> {
    const { rows } = await tx.query<MeterCandidate>(
      `SELECT ${CANDIDATE_COLUMNS} FROM devices
       WHERE decommissioned_at IS NULL AND latitude BETWEEN $1 AND $2 AND longitude BETWEEN $3 AND $4
         AND (category = $5 OR object_versions ? $6) AND ($7::text[] IS NULL OR category = ANY($7::text[]))
       ORDER BY id LIMIT $8`,
      [
        box.minLatitude,
        box.maxLatitude,
        box.minLongitude,
        box.maxLongitude,
        WATER_CATEGORY,
        WATER_METER_OBJECT,
        categories,
        limit,
      ],
    );
    return rows;
  }

  /** Inserts an area, marked for recompute (the column's default) so the decoder's water job computes it. */
  async insert(tx: TxClient, tenant: string, v: AreaValues): Promise<string> {
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO water_areas (tenant_id, name, inlet_device_id, polygon, night_flow_rise_ratio,
                                loss_rate_rise_points, needs_recompute)
       VALUES ($1, $2, $3, $4, $5, $6, true) RETURNING id`,
      [tenant, v.name, v.inletDeviceId, v.polygon, v.nightFlowRiseRatio, v.lossRateRisePoints],
    );
    return rows[0]!.id;
  }

  /**
   * Rewrites an area and marks it for recompute: the decoder recomputes every day of its horizon and clears the
   * flag only if updated_at is still the one it read (so a change during its run is computed again).
   */
  async update(tx: TxClient, id: string, v: AreaValues): Promise<void> {
    await tx.query(
      `UPDATE water_areas SET name = $2, inlet_device_id = $3, polygon = $4, night_flow_rise_ratio = $5,
              loss_rate_rise_points = $6, needs_recompute = true, updated_at = clock_timestamp()
       WHERE id = $1::uuid`,
      [id, v.name, v.inletDeviceId, v.polygon, v.nightFlowRiseRatio, v.lossRateRisePoints],
    );
  }

  async replaceMembers(
    tx: TxClient,
    tenant: string,
    areaId: string,
    deviceIds: readonly string[],
  ): Promise<void> {
    await tx.query('DELETE FROM water_area_members WHERE area_id = $1::uuid', [areaId]);
    if (deviceIds.length === 0) return;
    await tx.query(
      `INSERT INTO water_area_members (tenant_id, area_id, device_id)
       SELECT $1, $2::uuid, d FROM unnest($3::uuid[]) AS d ON CONFLICT DO NOTHING`,
      [tenant, areaId, deviceIds],
    );
  }

  /** Member ids whatever their category (an update by a utility keeps what it cannot see). */
  async allMemberIds(tx: TxClient, areaId: string): Promise<string[]> {
    const { rows } = await tx.query<{ device_id: string }>(
      'SELECT device_id FROM water_area_members WHERE area_id = $1::uuid ORDER BY device_id',
      [areaId],
    );
    return rows.map((r) => r.device_id);
  }

  /**
   * Deletes an area (its members and days go with it) and clears its active alarms, with their `alarm.cleared`
   * events (partners and live subscribers would otherwise keep them active): nothing would clear them afterwards,
   * the decoder no longer knowing the area.
   */
  async delete(tx: TxClient, id: string): Promise<void> {
    await clearActiveAlarms(tx, 'x.source_path = $1', [waterAreaAlarmPath(id)]);
    await tx.query('DELETE FROM water_areas WHERE id = $1::uuid', [id]);
  }

  async days(tx: TxClient, areaId: string, from: string, to: string): Promise<WaterAreaDayRow[]> {
    const { rows } = await tx.query<WaterAreaDayRow>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, inflow_m3 AS "inflowM3", billed_m3 AS "billedM3",
              nrw_m3 AS "nrwM3", nrw_pct AS "nrwPct", min_night_flow_m3h AS "minNightFlowM3h",
              meters_reporting AS "metersReporting", meters_total AS "metersTotal", computed_at AS "computedAt"
       FROM water_area_days WHERE area_id = $1::uuid AND day BETWEEN $2::date AND $3::date ORDER BY day`,
      [areaId, from, to],
    );
    return rows;
  }

  /**
   * Active alarms of an area: its own (area_night_flow_rise, area_loss_rate_rise, on the inlet device with the
   * area's path) and, with `meterIds`, those of its meters (leak flags, leak_suspected_from_flow), newest first.
   */
  async activeAlarms(tx: TxClient, areaId: string, meterIds: readonly string[]): Promise<AlarmRow[]> {
    const { rows } = await tx.query<AlarmRow>(
      `SELECT ${ALARM_COLUMNS} FROM alarms a
       WHERE a.status = 'ACTIVE'
         AND (a.source_path = $1
              OR (a.device_id = ANY($2::uuid[]) AND a.source_path IS DISTINCT FROM $1
                  AND NOT starts_with(COALESCE(a.source_path, ''), $3)))
       ORDER BY a.raised_at DESC, a.id DESC`,
      [waterAreaAlarmPath(areaId), meterIds, WATER_AREA_ALARM_PATH_PREFIX],
    );
    return rows;
  }
}

const CANDIDATE_COLUMNS = `id, endpoint, category, latitude, longitude,
  (COALESCE(category = '${WATER_CATEGORY}', false) OR object_versions ? '${WATER_METER_OBJECT}') AS "waterMeter",
  decommissioned_at IS NOT NULL AS decommissioned`;
