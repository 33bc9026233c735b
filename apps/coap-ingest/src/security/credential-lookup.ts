import { type CredentialOwner, type DeviceCredentialRepository, type PskOwner } from '@smartcity/platform-db';
import { type Pool } from 'pg';

interface Cached<T> {
  readonly value: T | undefined;
  readonly until: number;
}

/**
 * The ingest's view of device credentials: who a PSK identity or a raw public key belongs to. A short in-process
 * memo (positive and negative) keeps a storm of handshakes (every lamp of a city after a power cut) from turning
 * into a storm of queries; keys stay in this process's memory only, never in Redis or logs.
 */
export class CredentialLookup {
  private readonly psk = new Map<string, Cached<PskOwner>>();
  private readonly rpk = new Map<string, Cached<CredentialOwner>>();

  constructor(
    private readonly pool: Pool,
    private readonly repository: DeviceCredentialRepository,
    private readonly options: {
      readonly ttlMs: number;
      readonly maxEntries: number;
      readonly now: () => number;
    },
  ) {}

  pskOwner(identity: string): Promise<PskOwner | undefined> {
    return this.memo(this.psk, identity, () => this.repository.resolvePsk(this.pool, identity));
  }

  rpkOwner(spki: Buffer): Promise<CredentialOwner | undefined> {
    return this.memo(this.rpk, spki.toString('base64'), () => this.repository.resolveRpk(this.pool, spki));
  }

  /** Forgets what is cached (a credential changed or a device was decommissioned). */
  clear(): void {
    this.psk.clear();
    this.rpk.clear();
  }

  private async memo<T>(
    map: Map<string, Cached<T>>,
    key: string,
    load: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const now = this.options.now();
    const hit = map.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = await load();
    if (map.size >= this.options.maxEntries) map.delete(map.keys().next().value as string);
    map.set(key, { value, until: now + this.options.ttlMs });
    return value;
  }
}
