import { Injectable } from '@nestjs/common';
import { type TxClient } from '@smartcity/platform-db';
import { likePattern } from '../common/cursor';
import { DEVICE_COLUMNS, type DeviceRow, STATE_COLUMNS, type StateRow } from './device.rows';

export type DeviceStatusFilter = 'ONLINE' | 'OFFLINE' | 'ALARM';

export interface BoundingBox {
  readonly minLatitude: number;
  readonly minLongitude: number;
  readonly maxLatitude: number;
  readonly maxLongitude: number;
}

export interface DeviceQuery {
  readonly category?: string | null;
  readonly objectId?: number | null;
  readonly status?: DeviceStatusFilter | null;
  readonly search?: string | null;
  readonly bbox?: BoundingBox | null;
  readonly includeDecommissioned?: boolean | null;
  /** Visible categories (utility users); null = all. */
  readonly categories: readonly string[] | null;
  readonly afterId?: string | null;
  readonly limit: number;
}

export interface NewDevice {
  readonly endpoint: string;
  readonly name?: string | null;
  readonly category?: string | null;
  readonly profile?: string | null;
  readonly latitude?: number | null;
  readonly longitude?: number | null;
  readonly attributes?: Record<string, unknown> | null;
}

export type DevicePatch = Partial<Omit<NewDevice, 'endpoint'>>;

/**
 * SQL of devices and their latest state. Every method runs inside a tenant transaction (TenantDb.inTenant):
 * row-level security adds the tenant condition, so no statement here names a tenant except inserts.
 */
@Injectable()
export class DevicesRepository {
  async findByIds(tx: TxClient, ids: readonly string[]): Promise<DeviceRow[]> {
    const { rows } = await tx.query<DeviceRow>(
      `SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows;
  }

  /** One page ordered by id (keyset pagination: stable under inserts, no OFFSET scans). */
  async list(tx: TxClient, q: DeviceQuery): Promise<DeviceRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (!q.includeDecommissioned) where.push('decommissioned_at IS NULL');
    if (q.categories !== null) where.push(`category = ANY(${param(q.categories)}::text[])`);
    if (q.category) where.push(`category = ${param(q.category)}`);
    // object_versions holds every object the device announced at registration (Core 1.1.1 §6.2.1).
    if (q.objectId !== undefined && q.objectId !== null)
      where.push(`object_versions ? ${param(String(q.objectId))}`);
    switch (q.status) {
      case 'ONLINE':
        where.push(`status = 'REGISTERED'`);
        break;
      case 'OFFLINE':
        where.push(`status <> 'REGISTERED'`);
        break;
      case 'ALARM':
        where.push(`EXISTS (SELECT 1 FROM alarms a WHERE a.device_id = devices.id AND a.status = 'ACTIVE')`);
        break;
      case null:
      case undefined:
        break;
    }
    if (q.search) {
      const p = param(likePattern(q.search));
      where.push(`(endpoint ILIKE ${p} OR name ILIKE ${p})`);
    }
    if (q.bbox) {
      where.push(
        `latitude BETWEEN ${param(q.bbox.minLatitude)} AND ${param(q.bbox.maxLatitude)}` +
          ` AND longitude BETWEEN ${param(q.bbox.minLongitude)} AND ${param(q.bbox.maxLongitude)}`,
      );
    }
    if (q.afterId) where.push(`id > ${param(q.afterId)}::uuid`);
    const sql =
      `SELECT ${DEVICE_COLUMNS} FROM devices` +
      (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
      ` ORDER BY id LIMIT ${param(q.limit)}`;
    const { rows } = await tx.query<DeviceRow>(sql, params);
    return rows;
  }

  /**
   * A device with its latest state in one statement (the hot `device { state }` path: one round trip inside the
   * tenant transaction). RLS applies to both tables.
   */
  async findWithState(tx: TxClient, id: string): Promise<{ device: DeviceRow; state: StateRow[] } | null> {
    const { rows } = await tx.query<DeviceRow & { state: (Omit<StateRow, 'time'> & { time: string })[] }>({
      name: 'gw-device-with-state',
      text: `SELECT ${DEVICE_COLUMNS},
              COALESCE((SELECT json_agg(json_build_object(
                          'deviceId', s.device_id, 'path', s.path, 'metric', s.metric, 'time', s.time,
                          'valueNum', s.value_num, 'valueBool', s.value_bool, 'valueText', s.value_text,
                          'valueJson', s.value_json, 'unit', s.unit, 'quality', s.quality) ORDER BY s.path)
                        FROM device_state s WHERE s.device_id = devices.id), '[]'::json) AS state
       FROM devices WHERE id = $1::uuid`,
      values: [id],
    });
    const row = rows[0];
    if (!row) return null;
    const { state, ...device } = row;
    return { device, state: state.map((s) => ({ ...s, time: new Date(s.time) })) };
  }

  async stateOf(tx: TxClient, deviceIds: readonly string[]): Promise<StateRow[]> {
    const { rows } = await tx.query<StateRow>(
      `SELECT ${STATE_COLUMNS} FROM device_state WHERE device_id = ANY($1::uuid[]) ORDER BY device_id, path`,
      [deviceIds],
    );
    return rows;
  }

  /**
   * Inserts devices; endpoints that already exist (in any tenant: endpoint names are unique platform-wide) are
   * skipped and not returned.
   */
  async insertMany(tx: TxClient, tenant: string, devices: readonly NewDevice[]): Promise<DeviceRow[]> {
    const { rows } = await tx.query<DeviceRow>(
      `INSERT INTO devices (tenant_id, endpoint, name, category, profile, latitude, longitude, attributes)
       SELECT $1, d.endpoint, d.name, d.category, d.profile, d.latitude, d.longitude, COALESCE(d.attributes, '{}')
       FROM jsonb_to_recordset($2::jsonb) AS d(endpoint text, name text, category text, profile text,
                                              latitude double precision, longitude double precision, attributes jsonb)
       ON CONFLICT (endpoint) DO NOTHING
       RETURNING ${DEVICE_COLUMNS}`,
      [tenant, JSON.stringify(devices)],
    );
    return rows;
  }

  /** Which of these endpoint names are devices of the transaction's tenant (RLS: no other tenant's names). */
  async endpointsIn(tx: TxClient, endpoints: readonly string[]): Promise<string[]> {
    const { rows } = await tx.query<{ endpoint: string }>(
      'SELECT endpoint FROM devices WHERE endpoint = ANY($1::text[])',
      [endpoints],
    );
    return rows.map((r) => r.endpoint);
  }

  /** Ids of the transaction's tenant's devices by endpoint name (RLS: no other tenant's names). */
  async idsByEndpoint(tx: TxClient, endpoints: readonly string[]): Promise<Map<string, string>> {
    const { rows } = await tx.query<{ id: string; endpoint: string }>(
      'SELECT id, endpoint FROM devices WHERE endpoint = ANY($1::text[])',
      [endpoints],
    );
    return new Map(rows.map((r) => [r.endpoint, r.id]));
  }

  /** Deletes devices created earlier in this transaction (provisioning that could not complete them). */
  async deleteByIds(tx: TxClient, ids: readonly string[]): Promise<void> {
    await tx.query('DELETE FROM devices WHERE id = ANY($1::uuid[])', [ids]);
  }

  /** Endpoints of the tenant's active devices without a credential: they register over NoSec or not at all. */
  async nosecEndpoints(tx: TxClient): Promise<string[]> {
    const { rows } = await tx.query<{ endpoint: string }>(
      `SELECT d.endpoint FROM devices d
       WHERE d.decommissioned_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM device_credentials c WHERE c.device_id = d.id)`,
    );
    return rows.map((r) => r.endpoint);
  }

  async update(tx: TxClient, id: string, patch: DevicePatch): Promise<DeviceRow | null> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const columns: Array<[keyof DevicePatch, string]> = [
      ['name', 'name'],
      ['category', 'category'],
      ['profile', 'profile'],
      ['latitude', 'latitude'],
      ['longitude', 'longitude'],
      ['attributes', 'attributes'],
    ];
    for (const [key, column] of columns) {
      if (patch[key] === undefined) continue;
      const value = key === 'attributes' ? JSON.stringify(patch[key] ?? {}) : patch[key];
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }
    if (sets.length === 0) return (await this.findByIds(tx, [id]))[0] ?? null;
    const { rows } = await tx.query<DeviceRow>(
      `UPDATE devices SET ${sets.join(', ')} WHERE id = $1::uuid AND decommissioned_at IS NULL
       RETURNING ${DEVICE_COLUMNS}`,
      params,
    );
    return rows[0] ?? null;
  }

  /** Marks a device decommissioned: the ingest then refuses its endpoint; its history stays queryable. */
  async decommission(tx: TxClient, id: string): Promise<DeviceRow | null> {
    const { rows } = await tx.query<DeviceRow>(
      `UPDATE devices SET decommissioned_at = COALESCE(decommissioned_at, now()) WHERE id = $1::uuid
       RETURNING ${DEVICE_COLUMNS}`,
      [id],
    );
    return rows[0] ?? null;
  }
}
