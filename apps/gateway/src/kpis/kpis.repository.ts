import { Injectable } from '@nestjs/common';
import { type TxClient } from '@smartcity/platform-db';

export interface StateKpiRow {
  readonly lampsTotal: number;
  readonly lampsOn: number;
  readonly lampsFailed: number;
  readonly metersTotal: number;
  readonly activeLeaks: number;
  readonly parkingSpots: number;
  readonly parkingOccupied: number;
  readonly binsTotal: number;
  readonly binsFull: number;
}

export interface ConsumptionRow {
  readonly energyWh: number | null;
  readonly lightingEnergyWh: number | null;
  readonly waterM3: number | null;
}

export interface AirQualityRow {
  readonly deviceId: string;
  readonly pm25: number | null;
  readonly pm10: number | null;
}

export interface KpiScope {
  /** Visible device categories (utility users); null = all. */
  readonly categories: readonly string[] | null;
  /** Optional category filter of the query. */
  readonly category: string | null;
}

/*
 * KPIs are computed from LwM2M paths (object/resource ids of the uCIFI models), so they do not depend on how a city
 * labels its devices: 3416 outdoor lamp controller (/2 dimming level, /3 actual dimming, /5 lamp failure, /7 control
 * gear failure, /9 relay failure, /47 light source energy), 3418 electrical monitor (/6 cumulated active energy),
 * 3421 single-phase meter (/25 active energy import), 3424 water meter (/1 cumulated volume, /10 leak detected),
 * 3431 parking sensor (/1 occupied), 3435 filling level (/2 filling %, /5 container full), 3428 air quality
 * (/1 PM10, /3 PM2.5). Energy is stored in Wh and volumes in m3 (canonical units of ucifi-normalize).
 */
const SCOPE = `d.decommissioned_at IS NULL AND ($1::text[] IS NULL OR d.category = ANY($1::text[]))
  AND ($2::text IS NULL OR d.category = $2)`;

@Injectable()
export class KpisRepository {
  async state(tx: TxClient, scope: KpiScope, fullPercent: number): Promise<StateKpiRow> {
    const { rows } = await tx.query<StateKpiRow>(
      `WITH st AS (
         SELECT s.device_id, split_part(s.path, '/', 2) AS obj, split_part(s.path, '/', 3) AS inst,
                split_part(s.path, '/', 4) AS res, s.value_num, s.value_bool
         FROM device_state s JOIN devices d ON d.id = s.device_id
         WHERE ${SCOPE} AND split_part(s.path, '/', 2) IN ('3416', '3424', '3431', '3435')
       ), lamps AS (
         SELECT device_id,
                bool_or(res IN ('2', '3') AND value_num > 0) AS lit,
                bool_or(res IN ('5', '7', '9') AND value_bool) AS failed
         FROM st WHERE obj = '3416' GROUP BY device_id
       ), meters AS (
         SELECT device_id, inst, bool_or(res = '10' AND value_bool) AS leak FROM st WHERE obj = '3424' GROUP BY 1, 2
       ), spots AS (
         SELECT device_id, inst, bool_or(value_bool) AS occupied FROM st WHERE obj = '3431' AND res = '1' GROUP BY 1, 2
       ), bins AS (
         SELECT device_id, inst, bool_or((res = '5' AND value_bool) OR (res = '2' AND value_num >= $3)) AS is_full
         FROM st WHERE obj = '3435' GROUP BY 1, 2
       )
       SELECT (SELECT count(*) FROM lamps)::int AS "lampsTotal",
              (SELECT count(*) FILTER (WHERE lit) FROM lamps)::int AS "lampsOn",
              (SELECT count(*) FILTER (WHERE failed) FROM lamps)::int AS "lampsFailed",
              (SELECT count(*) FROM meters)::int AS "metersTotal",
              (SELECT count(*) FILTER (WHERE leak) FROM meters)::int AS "activeLeaks",
              (SELECT count(*) FROM spots)::int AS "parkingSpots",
              (SELECT count(*) FILTER (WHERE occupied) FROM spots)::int AS "parkingOccupied",
              (SELECT count(*) FROM bins)::int AS "binsTotal",
              (SELECT count(*) FILTER (WHERE is_full) FROM bins)::int AS "binsFull"`,
      [scope.categories, scope.category, fullPercent],
    );
    return rows[0] as StateKpiRow;
  }

  /** Consumption since `since`: per cumulative counter, last minus first reading in the window (resets count 0). */
  async consumption(tx: TxClient, scope: KpiScope, since: Date, until: Date): Promise<ConsumptionRow> {
    const { rows } = await tx.query<ConsumptionRow>(
      `WITH deltas AS (
         SELECT t.device_id, split_part(t.path, '/', 2) AS obj, d.category,
                greatest(last(t.value_num, t.time) - first(t.value_num, t.time), 0) AS delta
         FROM telemetry t JOIN devices d ON d.id = t.device_id
         WHERE ${SCOPE} AND t.time >= $3 AND t.time < $4
           AND (t.path LIKE '/3418/%/6' OR t.path LIKE '/3421/%/25' OR t.path LIKE '/3416/%/47'
                OR t.path LIKE '/3424/%/1')
         GROUP BY t.device_id, t.path, d.category
       ), monitored AS (SELECT DISTINCT device_id FROM deltas WHERE obj = '3418')
       SELECT sum(delta) FILTER (WHERE obj IN ('3418', '3421')
                                    OR (obj = '3416' AND device_id NOT IN (SELECT device_id FROM monitored)))
                AS "energyWh",
              sum(delta) FILTER (WHERE category = 'lighting' AND (obj = '3418'
                                    OR (obj = '3416' AND device_id NOT IN (SELECT device_id FROM monitored))))
                AS "lightingEnergyWh",
              sum(delta) FILTER (WHERE obj = '3424') AS "waterM3"
       FROM deltas`,
      [scope.categories, scope.category, since, until],
    );
    return rows[0] as ConsumptionRow;
  }

  async airQuality(tx: TxClient, scope: KpiScope): Promise<AirQualityRow[]> {
    const { rows } = await tx.query<AirQualityRow>(
      `SELECT s.device_id AS "deviceId",
              max(s.value_num) FILTER (WHERE split_part(s.path, '/', 4) = '3') AS pm25,
              max(s.value_num) FILTER (WHERE split_part(s.path, '/', 4) = '1') AS pm10
       FROM device_state s JOIN devices d ON d.id = s.device_id
       WHERE ${SCOPE} AND s.path LIKE '/3428/%' AND split_part(s.path, '/', 4) IN ('1', '3')
       GROUP BY s.device_id, split_part(s.path, '/', 3)`,
      [scope.categories, scope.category],
    );
    return rows;
  }
}
