import { type Pool } from 'pg';
import { purgeTenant } from './tenant-offboarding';

export interface NewTenant {
  readonly id: string;
  readonly name: string;
  readonly autoProvision?: boolean;
  readonly autoProvisionPrefix?: string | null;
  readonly autoProvisionProfile?: string | null;
  readonly retentionDays?: number;
  readonly settings?: Record<string, unknown>;
  /** Whether devices without a credential may register over plain CoAP; new tenants refuse it (issue 14). */
  readonly allowNosec?: boolean;
  /** The tenant's plan (table `plans`: free, standard, enterprise), which sets its quotas; default standard. */
  readonly plan?: string;
}

/**
 * Tenant lifecycle on the platform-admin path (owner role pool): creating and deleting cities is cross-tenant by
 * nature. Used by the CLI, the gateway's platform-admin mutations and test setups.
 */
export class TenantAdminRepository {
  constructor(private readonly ownerPool: Pool) {}

  async create(tenant: NewTenant): Promise<void> {
    await this.ownerPool.query(
      `INSERT INTO tenants (id, name, auto_provision, auto_provision_prefix, auto_provision_profile,
                            retention_days, settings, allow_nosec, plan)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        tenant.id,
        tenant.name,
        tenant.autoProvision ?? false,
        tenant.autoProvisionPrefix ?? null,
        tenant.autoProvisionProfile ?? null,
        tenant.retentionDays ?? 400,
        JSON.stringify(tenant.settings ?? {}),
        tenant.allowNosec ?? false,
        tenant.plan ?? 'standard',
      ],
    );
  }

  async exists(id: string): Promise<boolean> {
    const { rowCount } = await this.ownerPool.query('SELECT 1 FROM tenants WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  /** Deletes a tenant and all its data (every table with a tenant_id, see purgeTenant). */
  async delete(id: string): Promise<void> {
    await purgeTenant(this.ownerPool, id);
  }
}
