import { type Registration } from '@smartcity/lwm2m-server';

/** Distinct values kept per field: a fleet has few tenants, versions and link sets; past this, values pass through. */
const MAX_DISTINCT = 4096;

/**
 * Shares, between the registrations an instance holds (100,000 of them), what devices of one fleet have in common:
 * the tenant, the link-format payload and its object versions (Core 1.1.1 §6.2.1.1), the LwM2M version, binding,
 * root path and owner. Each arrives as a fresh string or object per Register and per Update read back from Redis;
 * the object-version record alone (integer keys such as 3303 make V8 store it as a dictionary) costs more than the
 * registration object. Registrations are immutable, so sharing is safe.
 */
export class RegistrationCompactor {
  private readonly strings = new Map<string, string>();
  private readonly versions = new Map<string, Readonly<Record<string, string>>>();

  compact(r: Registration, peerAddress: string): Registration {
    return {
      ...r,
      tenant: this.text(r.tenant),
      lwm2mVersion: this.text(r.lwm2mVersion) as Registration['lwm2mVersion'],
      binding: this.text(r.binding),
      links: this.text(r.links),
      rootPath: this.text(r.rootPath),
      objectVersions: this.objectVersions(r.objectVersions),
      // The device's transport address is already held by its peer.
      peerAddress: r.peerAddress === peerAddress ? peerAddress : r.peerAddress,
      owner: this.text(r.owner),
    };
  }

  private text(value: string): string {
    const shared = this.strings.get(value);
    if (shared !== undefined) return shared;
    if (this.strings.size < MAX_DISTINCT) this.strings.set(value, value);
    return value;
  }

  private objectVersions(value: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
    // Integer-like keys enumerate in ascending order, so equal records give equal keys.
    const key = JSON.stringify(value);
    const shared = this.versions.get(key);
    if (shared !== undefined) return shared;
    if (this.versions.size < MAX_DISTINCT) this.versions.set(key, value);
    return value;
  }
}
