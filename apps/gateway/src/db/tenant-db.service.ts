import { Inject, Injectable } from '@nestjs/common';
import { type TxClient, withPlatformAdmin, withTenant } from '@smartcity/platform-db';
import { type Pool } from 'pg';
import { APP_POOL, OWNER_POOL } from '../gateway.tokens';

/**
 * The only way resolvers reach the database. `inTenant` is the request path: a transaction of the application role
 * with `app.tenant_id` set, so row-level security confines every statement to the caller's tenant. `asPlatformAdmin`
 * uses the owner role and is reserved to platform-admin operations (tenant management).
 */
@Injectable()
export class TenantDb {
  constructor(
    @Inject(APP_POOL) private readonly appPool: Pool,
    @Inject(OWNER_POOL) private readonly ownerPool: Pool,
  ) {}

  inTenant<T>(tenant: string, fn: (tx: TxClient) => Promise<T>): Promise<T> {
    return withTenant(this.appPool, tenant, fn);
  }

  asPlatformAdmin<T>(fn: (tx: TxClient) => Promise<T>): Promise<T> {
    return withPlatformAdmin(this.ownerPool, fn);
  }

  get owner(): Pool {
    return this.ownerPool;
  }
}
