import { Injectable } from '@nestjs/common';
import { type TxClient } from '@smartcity/platform-db';

export interface TenantRow {
  readonly id: string;
  readonly name: string;
  readonly autoProvision: boolean;
  readonly autoProvisionPrefix: string | null;
  readonly autoProvisionProfile: string | null;
  readonly retentionDays: number;
  readonly createdAt: Date;
  readonly allowNosec: boolean;
}

export interface TenantChange {
  readonly name?: string | null;
  readonly autoProvision?: boolean | null;
  readonly autoProvisionPrefix?: string | null;
  readonly retentionDays?: number | null;
}

const COLUMNS = `id, name, auto_provision AS "autoProvision", auto_provision_prefix AS "autoProvisionPrefix",
  auto_provision_profile AS "autoProvisionProfile", retention_days AS "retentionDays", created_at AS "createdAt",
  allow_nosec AS "allowNosec"`;

/** Tenant rows. Listing, creating and updating run on the owner path (platform admin); reading one may be RLS. */
@Injectable()
export class TenantsRepository {
  async list(tx: TxClient): Promise<TenantRow[]> {
    const { rows } = await tx.query<TenantRow>(`SELECT ${COLUMNS} FROM tenants ORDER BY id`);
    return rows;
  }

  async get(tx: TxClient, id: string): Promise<TenantRow | null> {
    const { rows } = await tx.query<TenantRow>(`SELECT ${COLUMNS} FROM tenants WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Inserts the tenant (NoSec refused unless asked for); null when the id is taken. */
  async insert(
    tx: TxClient,
    id: string,
    change: TenantChange & { readonly allowNosec?: boolean | null },
  ): Promise<TenantRow | null> {
    const { rows } = await tx.query<TenantRow>(
      `INSERT INTO tenants (id, name, auto_provision, auto_provision_prefix, retention_days, allow_nosec)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
      [
        id,
        change.name,
        change.autoProvision ?? false,
        change.autoProvisionPrefix ?? null,
        change.retentionDays ?? 400,
        change.allowNosec ?? false,
      ],
    );
    return rows[0] ?? null;
  }

  async update(tx: TxClient, id: string, change: TenantChange): Promise<TenantRow | null> {
    const { rows } = await tx.query<TenantRow>(
      `UPDATE tenants SET name = COALESCE($2, name), auto_provision = COALESCE($3, auto_provision),
              auto_provision_prefix = CASE WHEN $4::boolean THEN $5 ELSE auto_provision_prefix END,
              retention_days = COALESCE($6, retention_days)
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [
        id,
        change.name ?? null,
        change.autoProvision ?? null,
        change.autoProvisionPrefix !== undefined,
        change.autoProvisionPrefix ?? null,
        change.retentionDays ?? null,
      ],
    );
    return rows[0] ?? null;
  }

  /** Sets the NoSec setting; the previous value, or null when there is no such tenant (RLS: or not this one). */
  async setAllowNosec(tx: TxClient, id: string, allow: boolean): Promise<boolean | null> {
    const { rows } = await tx.query<{ allow_nosec: boolean }>(
      'SELECT allow_nosec FROM tenants WHERE id = $1 FOR UPDATE',
      [id],
    );
    const before = rows[0]?.allow_nosec;
    if (before === undefined) return null;
    await tx.query('UPDATE tenants SET allow_nosec = $2 WHERE id = $1', [id, allow]);
    return before;
  }

  async delete(tx: TxClient, id: string): Promise<void> {
    await tx.query('DELETE FROM tenants WHERE id = $1', [id]);
  }
}
