import { X509Certificate } from 'node:crypto';
import { type BootstrapAuthority, type BootstrapAuthorityRepository } from '@smartcity/platform-db';
import { type Pool } from 'pg';

interface LoadedAuthority {
  readonly tenantId: string;
  readonly certificate: X509Certificate;
  readonly createDevices: boolean;
}

/**
 * Every tenant's vendor CAs in memory (reloaded periodically): the DTLS trust anchors of X.509 bootstrap, and after
 * the handshake the tenant whose CA issued the device's chain (LwM2M Transport 1.1.1 §5.2.9.3: the credential
 * decides the device, and so the tenant).
 */
export class VendorAuthorities {
  private loaded: readonly LoadedAuthority[] = [];

  constructor(
    private readonly pool: Pool,
    private readonly repository: BootstrapAuthorityRepository,
  ) {}

  async load(): Promise<void> {
    const rows: BootstrapAuthority[] = await this.repository.all(this.pool);
    this.loaded = rows.map((r) => ({
      tenantId: r.tenantId,
      certificate: new X509Certificate(r.certificate),
      createDevices: r.createDevices,
    }));
  }

  /** Distinct CA certificates (a vendor CA imported by two tenants is one anchor). */
  anchors(): X509Certificate[] {
    const seen = new Set<string>();
    return this.loaded
      .map((a) => a.certificate)
      .filter((c) => !seen.has(c.fingerprint256) && Boolean(seen.add(c.fingerprint256)));
  }

  /**
   * The tenants whose vendor CA issued the (already verified) chain's last certificate, or is that certificate.
   * More than one when several tenants imported the same vendor CA: the endpoint then decides (its device's tenant).
   */
  issuersOf(chain: readonly Buffer[]): { readonly tenantId: string; readonly createDevices: boolean }[] {
    const last = chain[chain.length - 1];
    if (!last) return [];
    const top = new X509Certificate(last);
    return this.loaded
      .filter(
        (a) =>
          top.fingerprint256 === a.certificate.fingerprint256 ||
          (top.checkIssued(a.certificate) && top.verify(a.certificate.publicKey)),
      )
      .map((a) => ({ tenantId: a.tenantId, createDevices: a.createDevices }));
  }
}
