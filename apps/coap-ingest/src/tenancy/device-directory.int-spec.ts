import { LOCAL_STACK } from '@smartcity/platform-config';
import { Pool } from 'pg';
import { IngestTestWorld } from '../testing/ingest-harness';
import { CachedDeviceDirectory } from './cached-device-directory';
import { PgDeviceDirectory } from './pg-device-directory';

jest.setTimeout(60_000);

describe('device directory under a registration storm (real PostgreSQL, Redis)', () => {
  const world = new IngestTestWorld();
  // The ingest's own role: it reads devices only through the SECURITY DEFINER functions.
  const pool = new Pool({ connectionString: LOCAL_STACK.databaseUrl, max: 4 });
  const statements: string[] = [];
  const endpoints = Array.from({ length: 200 }, (_, i) => `storm-${world.run}-${i}`);

  beforeAll(async () => {
    await world.createTenant({ autoProvisionPrefix: `auto-${world.run}-` });
    await world.owner.query(
      'INSERT INTO devices (tenant_id, endpoint, name) SELECT $1, e, e FROM unnest($2::text[]) e',
      [world.tenant, endpoints],
    );
    const query = pool.query.bind(pool) as (text: string, values: unknown[]) => Promise<unknown>;
    jest.spyOn(pool, 'query').mockImplementation(((text: string, values: unknown[]) => {
      statements.push(text);
      return query(text, values);
    }) as never);
  });

  afterAll(async () => {
    await pool.end();
    await world.cleanup();
  });

  beforeEach(() => {
    statements.length = 0;
  });

  it('answers concurrent misses with one query over the array of endpoints', async () => {
    const directory = new PgDeviceDirectory(pool);
    const records = await Promise.all(endpoints.map((e) => directory.resolve(e)));
    expect(records.every((r) => r?.tenant === world.tenant && r.securityMode === 'nosec')).toBe(true);
    expect(records.every((r) => r?.nosecAllowed === true && r.decommissioned === false)).toBe(true);
    expect(new Set(records.map((r) => r?.deviceId)).size).toBe(endpoints.length);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('platform.resolve_endpoints');
  });

  it('auto-provisions only the unknown endpoints of a batch, and refuses names no tenant accepts', async () => {
    const directory = new PgDeviceDirectory(pool);
    const [known, provisioned, stranger] = await Promise.all([
      directory.resolve(endpoints[0]!),
      directory.resolve(`auto-${world.run}-1`),
      directory.resolve(`nobody-${world.run}`),
    ]);
    expect(known?.tenant).toBe(world.tenant);
    expect(provisioned?.tenant).toBe(world.tenant);
    expect(stranger).toBeNull();
    expect(statements.filter((s) => s.includes('resolve_endpoints'))).toHaveLength(1);
    expect(statements.filter((s) => s.includes('auto_provision'))).toHaveLength(2);
  });

  it('through the Redis cache: misses cost one batch query, then Redis answers without PostgreSQL', async () => {
    const prefix = `${world.prefix}directory:`;
    const options = { ttlSeconds: 60, negativeTtlSeconds: 5, prefix, localTtlMs: 0 };
    const cold = new CachedDeviceDirectory(new PgDeviceDirectory(pool), world.redis, options);
    const first = await Promise.all(endpoints.map((e) => cold.resolve(e)));
    expect(statements).toHaveLength(1);
    expect(await world.redis.exists(`${prefix}${endpoints[7]!}`)).toBe(1);
    statements.length = 0;
    const warm = new CachedDeviceDirectory(new PgDeviceDirectory(pool), world.redis, options);
    const second = await Promise.all(endpoints.map((e) => warm.resolve(e)));
    expect(second).toEqual(first);
    expect(statements).toHaveLength(0);
  });
});
