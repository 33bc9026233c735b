import { type Redis, RedisScripts } from '@smartcity/platform-redis';
import { type Registration, type RegistrationPatch, type RegistrationStore } from '@smartcity/lwm2m-server';
import { CLAIM_EXPIRED, COMPLETE_EXPIRY, DEREGISTER, REGISTER, UPDATE } from './redis-registration.scripts';

export interface RedisRegistrationStoreOptions {
  /** Key prefix shared by every instance of one deployment, e.g. `sc:ingest:`. */
  readonly prefix: string;
  /**
   * Seconds the keys outlive `expiresAt`, so an instance can still read the record to publish its expiry
   * event. Lookups treat a record past `expiresAt` as gone.
   */
  readonly retentionAfterExpiryS: number;
}

/** Registration state in Redis (see redis-registration.scripts.ts for the key layout). */
export class RedisRegistrationStore implements RegistrationStore {
  private subscriber: Redis | undefined;
  private readonly listeners: ((id: string, owner: string) => void)[] = [];

  private readonly scripts: RedisScripts;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisRegistrationStoreOptions,
  ) {
    this.scripts = new RedisScripts(redis);
  }

  private get p(): string {
    return this.options.prefix;
  }

  private ttlSeconds(r: Pick<Registration, 'expiresAt'>, now = Date.now()): number {
    return Math.max(1, Math.ceil((r.expiresAt - now) / 1000) + this.options.retentionAfterExpiryS);
  }

  async register(r: Registration): Promise<string | undefined> {
    const replaced = await this.scripts.run(REGISTER, [
      this.p,
      r.id,
      r.endpoint,
      `${r.peerAddress}|${r.peerPort}`,
      JSON.stringify(r),
      String(this.ttlSeconds(r)),
      String(r.expiresAt),
    ]);
    return typeof replaced === 'string' ? replaced : undefined;
  }

  async update(
    id: string,
    patch: RegistrationPatch & { expiresAt: number },
  ): Promise<Registration | undefined> {
    const now = Date.now();
    const json = await this.scripts.run(UPDATE, [
      this.p,
      id,
      JSON.stringify(patch),
      String(this.ttlSeconds(patch, now)),
      String(now),
    ]);
    return typeof json === 'string' ? parse(json) : undefined;
  }

  async deregister(id: string): Promise<Registration | undefined> {
    const json = await this.scripts.run(DEREGISTER, [this.p, id]);
    const r = typeof json === 'string' ? parse(json) : undefined;
    return r && r.expiresAt > Date.now() ? r : undefined;
  }

  async get(id: string): Promise<Registration | undefined> {
    return live(await this.redis.get(`${this.p}reg:${id}`));
  }

  async getByAddress(address: string, port: number): Promise<Registration | undefined> {
    const id = await this.redis.get(`${this.p}addr:${address}|${port}`);
    return id ? this.get(id) : undefined;
  }

  async getByEndpoint(endpoint: string): Promise<Registration | undefined> {
    const id = await this.redis.get(`${this.p}ep:${endpoint}`);
    return id ? this.get(id) : undefined;
  }

  async claimExpired(now: number, leaseMs: number, limit: number): Promise<Registration[]> {
    const rows = (await this.scripts.run(CLAIM_EXPIRED, [
      this.p,
      String(now),
      String(leaseMs),
      String(limit),
    ])) as string[];
    return rows.map(parse);
  }

  async completeExpiry(id: string, now: number): Promise<boolean> {
    return (await this.scripts.run(COMPLETE_EXPIRY, [this.p, id, String(now)])) === 1;
  }

  async announceOwner(id: string, owner: string): Promise<void> {
    await this.redis.publish(`${this.p}owner`, `${id} ${owner}`);
  }

  onOwnerChange(listener: (id: string, owner: string) => void): void {
    this.listeners.push(listener);
    if (this.subscriber) return;
    // Pub/sub needs a connection of its own.
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', (_channel: string, message: string) => {
      const [id, owner] = message.split(' ');
      if (id && owner) for (const l of this.listeners) l(id, owner);
    });
    void this.subscriber.subscribe(`${this.p}owner`).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.subscriber) {
      this.subscriber.disconnect();
      this.subscriber = undefined;
    }
  }
}

/** Records hold no arrays (Lua's cjson would turn an empty one into {}), so they parse back as written. */
function parse(json: string): Registration {
  return JSON.parse(json) as Registration;
}

function live(json: string | null): Registration | undefined {
  if (json === null) return undefined;
  const r = parse(json);
  return r.expiresAt > Date.now() ? r : undefined;
}
