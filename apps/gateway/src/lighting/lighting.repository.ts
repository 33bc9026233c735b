import { Injectable } from '@nestjs/common';
import { type TxClient } from '@smartcity/platform-db';

export interface LightingProgramRow {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly description: string | null;
  readonly definition: Record<string, unknown>;
  readonly version: number;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly lampCount: number;
}

export interface LightingAssignmentRow {
  readonly deviceId: string;
  readonly programId: string;
  readonly assignedAt: Date;
  readonly appliedVersion: number | null;
  readonly applyCommandIds: string[];
  readonly applyError: string | null;
  readonly appliedAt: Date | null;
  readonly capabilitiesCommandId: string | null;
  readonly verifyCommandIds: string[];
  readonly verifiedAt: Date | null;
}

export interface TenantLocation {
  readonly latitude: number;
  readonly longitude: number;
  readonly timeZone: string;
}

const PROGRAM_COLUMNS = `p.id, p.tenant_id AS "tenantId", p.name, p.description, p.definition, p.version,
  p.created_by AS "createdBy", p.created_at AS "createdAt", p.updated_at AS "updatedAt",
  (SELECT count(*)::int FROM lighting_assignments a WHERE a.program_id = p.id) AS "lampCount"`;

const ASSIGNMENT_COLUMNS = `device_id AS "deviceId", program_id AS "programId", assigned_at AS "assignedAt",
  applied_version AS "appliedVersion", apply_command_ids AS "applyCommandIds", apply_error AS "applyError",
  applied_at AS "appliedAt", capabilities_command_id AS "capabilitiesCommandId",
  verify_command_ids AS "verifyCommandIds", verified_at AS "verifiedAt"`;

/**
 * SQL of lighting programs and their assignments. Every method runs in a tenant transaction (TenantDb.inTenant):
 * FORCE RLS on both tables confines it to the caller's tenant, so another city's program is simply not found.
 */
@Injectable()
export class LightingRepository {
  async list(tx: TxClient): Promise<LightingProgramRow[]> {
    const { rows } = await tx.query<LightingProgramRow>(
      `SELECT ${PROGRAM_COLUMNS} FROM lighting_programs p ORDER BY p.name, p.id`,
    );
    return rows;
  }

  async find(tx: TxClient, id: string): Promise<LightingProgramRow | null> {
    const { rows } = await tx.query<LightingProgramRow>(
      `SELECT ${PROGRAM_COLUMNS} FROM lighting_programs p WHERE p.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Null when the name is taken in the tenant. */
  async insert(
    tx: TxClient,
    tenant: string,
    values: { name: string; description: string | null; definition: unknown; createdBy: string },
  ): Promise<string | null> {
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO lighting_programs (tenant_id, name, description, definition, created_by)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, name) DO NOTHING RETURNING id`,
      [tenant, values.name, values.description, JSON.stringify(values.definition), values.createdBy],
    );
    return rows[0]?.id ?? null;
  }

  /** Returns false when the new name is taken. A new definition increments the version. */
  async update(
    tx: TxClient,
    id: string,
    values: { name: string; description: string | null; definition: unknown; definitionChanged: boolean },
  ): Promise<boolean> {
    const { rows } = await tx.query<{ taken: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM lighting_programs WHERE name = $2 AND id <> $1) AS taken`,
      [id, values.name],
    );
    if (rows[0]?.taken) return false;
    await tx.query(
      `UPDATE lighting_programs SET name = $2, description = $3, definition = $4,
         version = version + CASE WHEN $5 THEN 1 ELSE 0 END, updated_at = now() WHERE id = $1`,
      [id, values.name, values.description, JSON.stringify(values.definition), values.definitionChanged],
    );
    return true;
  }

  async delete(tx: TxClient, id: string): Promise<void> {
    await tx.query('DELETE FROM lighting_programs WHERE id = $1', [id]);
  }

  /** Assigns devices to a program (a device leaves its previous program); its apply state starts afresh. */
  async assign(tx: TxClient, tenant: string, programId: string, deviceIds: readonly string[]): Promise<void> {
    await tx.query(
      `INSERT INTO lighting_assignments (tenant_id, device_id, program_id)
       SELECT $1, d, $2 FROM unnest($3::uuid[]) AS d
       ON CONFLICT (device_id) DO UPDATE SET program_id = EXCLUDED.program_id, assigned_at = now(),
         applied_version = NULL, apply_command_ids = '{}', apply_error = NULL, applied_at = NULL,
         capabilities_command_id = NULL, verify_command_ids = '{}', verified_at = NULL
       WHERE lighting_assignments.program_id <> EXCLUDED.program_id`,
      [tenant, programId, deviceIds],
    );
  }

  async unassign(tx: TxClient, deviceIds: readonly string[]): Promise<number> {
    const { rowCount } = await tx.query(
      'DELETE FROM lighting_assignments WHERE device_id = ANY($1::uuid[])',
      [deviceIds],
    );
    return rowCount ?? 0;
  }

  async assignments(tx: TxClient, programId: string): Promise<LightingAssignmentRow[]> {
    const { rows } = await tx.query<LightingAssignmentRow>(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM lighting_assignments WHERE program_id = $1 ORDER BY device_id`,
      [programId],
    );
    return rows;
  }

  async recordCapabilitiesRead(tx: TxClient, deviceId: string, commandId: string): Promise<void> {
    await tx.query('UPDATE lighting_assignments SET capabilities_command_id = $2 WHERE device_id = $1', [
      deviceId,
      commandId,
    ]);
  }

  async recordApply(
    tx: TxClient,
    deviceId: string,
    values: { version: number; commandIds: readonly string[]; error: string | null },
  ): Promise<void> {
    await tx.query(
      `UPDATE lighting_assignments SET applied_version = $2, apply_command_ids = $3, apply_error = $4,
         applied_at = now(), verify_command_ids = '{}', verified_at = NULL WHERE device_id = $1`,
      [deviceId, values.version, values.commandIds, values.error],
    );
  }

  async recordVerify(tx: TxClient, deviceId: string, commandIds: readonly string[]): Promise<void> {
    await tx.query(
      'UPDATE lighting_assignments SET verify_command_ids = $2, verified_at = now() WHERE device_id = $1',
      [deviceId, commandIds],
    );
  }

  /** Latest values of a device under a path prefix (device_state), e.g. '/3457/0/' or '/3418/0/'. */
  async latestNumbers(
    tx: TxClient,
    deviceIds: readonly string[],
    paths: readonly string[],
  ): Promise<{ deviceId: string; path: string; value: number }[]> {
    const { rows } = await tx.query<{ deviceId: string; path: string; value: number }>(
      `SELECT device_id AS "deviceId", path, value_num AS value FROM device_state
       WHERE device_id = ANY($1::uuid[]) AND path = ANY($2::text[]) AND value_num IS NOT NULL`,
      [deviceIds, paths],
    );
    return rows;
  }

  async location(tx: TxClient, tenant: string): Promise<unknown> {
    const { rows } = await tx.query<{ location: unknown }>(
      `SELECT settings -> 'location' AS location FROM tenants WHERE id = $1`,
      [tenant],
    );
    return rows[0]?.location ?? null;
  }

  async setLocation(tx: TxClient, tenant: string, location: TenantLocation): Promise<void> {
    await tx.query(
      `UPDATE tenants SET settings = settings || jsonb_build_object('location', $2::jsonb) WHERE id = $1`,
      [tenant, JSON.stringify(location)],
    );
  }
}
