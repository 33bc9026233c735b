import { X509Certificate } from 'node:crypto';
import { type DeviceCredentialRepository } from '@smartcity/platform-db';
import { type Pool } from 'pg';
import { type TenantAuthorities } from './device-authorizer';

/**
 * Every tenant's X.509 CAs, loaded when the ingest starts: the DTLS server's trust anchors, and per tenant for the
 * authorizer's check that a device chains to its own tenant.
 */
export class TenantAuthorityCache implements TenantAuthorities {
  private byTenant = new Map<string, X509Certificate[]>();

  constructor(
    private readonly pool: Pool,
    private readonly repository: DeviceCredentialRepository,
  ) {}

  async load(): Promise<void> {
    const next = new Map<string, X509Certificate[]>();
    for (const ca of await this.repository.certificateAuthorities(this.pool)) {
      const list = next.get(ca.tenantId) ?? [];
      list.push(new X509Certificate(ca.certificate));
      next.set(ca.tenantId, list);
    }
    this.byTenant = next;
  }

  authoritiesOf(tenant: string): readonly X509Certificate[] {
    return this.byTenant.get(tenant) ?? [];
  }

  all(): X509Certificate[] {
    return [...this.byTenant.values()].flat();
  }
}
