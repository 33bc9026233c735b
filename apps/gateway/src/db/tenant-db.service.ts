import { Inject, Injectable } from '@nestjs/common';
import { type TxClient, withPlatformAdmin, withTenant } from '@smartcity/platform-db';
import { type Pool } from 'pg';
import { APP_POOL, OWNER_POOL, TENANT_GATES } from '../gateway.tokens';
import { type TenantGates } from './tenant-gate';

/**
 * `scan`: a transaction that reads a time range of raw telemetry (history, KPIs). Scans are CPU-heavy on the
 * database: besides the tenant's share of connections they need one of the tenant's scan slots and one of the
 * few scan slots of the whole gateway, so cheap lookups of every city always find CPU and connections.
 */
export type Workload = 'query' | 'scan';

/**
 * The only way resolvers reach the database. `inTenant` is the request path: a transaction of the application role
 * with `app.tenant_id` set, so row-level security confines every statement to the caller's tenant, and at most the
 * tenant's share of concurrent transactions (TenantGate), so one city cannot take the whole pool. `asPlatformAdmin`
 * uses the owner role and is reserved to platform-admin operations (tenant management).
 */
@Injectable()
export class TenantDb {
  constructor(
    @Inject(APP_POOL) private readonly appPool: Pool,
    @Inject(OWNER_POOL) private readonly ownerPool: Pool,
    @Inject(TENANT_GATES) private readonly gates: TenantGates,
  ) {}

  inTenant<T>(tenant: string, fn: (tx: TxClient) => Promise<T>, workload: Workload = 'query'): Promise<T> {
    const run = () => this.gates.queries.run(tenant, () => withTenant(this.appPool, tenant, fn));
    if (workload === 'query') return run();
    return this.gates.tenantScans.run(tenant, () => this.gates.allScans.run('*', run));
  }

  asPlatformAdmin<T>(fn: (tx: TxClient) => Promise<T>): Promise<T> {
    return withPlatformAdmin(this.ownerPool, fn);
  }

  get owner(): Pool {
    return this.ownerPool;
  }
}
