import { loadavg } from 'node:os';
import { codesOf, gql, type RunningGateway, startGateway } from './support/gateway-process';
import { scopedTokenOf, tokenOf } from './support/keycloak-tokens';
import { type Seed, seedCities } from './support/seed';

jest.setTimeout(240_000);

const DAY = 86_400_000;
const HEAVY_DEVICES = 10;
const MIX_SECONDS = 15;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * Issue 17 item 2: range-priced cost, raw ranges by role, and fair use of the shared pool. While lyon runs a heavy
 * query mix (30-day KPI scans, 20 aliased 30-day telemetry scans, big device pages) on every connection it can get,
 * porto's `devices(first: 1)` keeps a p95 under 100 ms: lyon gets its share of the pool (TENANT_DB_CONCURRENCY),
 * porto the rest.
 */
describe('bounded query cost and fair use of the database', () => {
  let gateway: RunningGateway;
  let seed: Seed;
  const heavy: string[] = [];

  beforeAll(async () => {
    [gateway, seed] = await Promise.all([startGateway({ DATABASE_POOL_MAX: '10' }), seedCities()]);
    for (let i = 0; i < HEAVY_DEVICES; i++) {
      const { rows } = await seed.owner.query<{ id: string }>(
        `INSERT INTO devices (tenant_id, endpoint, category) VALUES ('lyon', $1, 'water') RETURNING id`,
        [`gwt-${seed.run}-heavy-${i}`],
      );
      heavy.push(rows[0]!.id);
    }
    // 30 days of a cumulative water volume every 3 minutes per device: what a 30-day KPI or history query scans.
    await seed.owner.query(
      `INSERT INTO telemetry (time, tenant_id, device_id, path, metric, value_num, unit)
       SELECT now() - make_interval(mins => 3 * g), 'lyon', d, '/3424/0/1', 'water_meter.cumulated_water_volume',
              100000 - g, 'm3'
       FROM unnest($1::uuid[]) AS d, generate_series(1, 14400) AS g`,
      [heavy],
    );
    await seed.owner.query('ANALYZE telemetry');
  });
  afterAll(async () => {
    await seed?.cleanup();
    await gateway?.stop();
  });

  const telemetryAliases = (count: number, from: string, to: string) =>
    `{ ${heavy
      .concat(heavy)
      .slice(0, count)
      .map(
        (id, i) =>
          `t${i}: telemetry(deviceId: "${id}", metric: "water_meter.cumulated_water_volume", from: "${from}", to: "${to}", bucket: "1d") { points { value } }`,
      )
      .join(' ')} }`;

  it('refuses 30 aliases of telemetry over 1970-2100 by cost, literal or in variables', async () => {
    const token = await tokenOf('lyon-viewer');
    const literal = await gql(
      gateway,
      telemetryAliases(20, '1970-01-01T00:00:00Z', '2100-01-01T00:00:00Z'),
      {},
      { token },
    );
    expect(codesOf(literal)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(literal.errors[0]?.extensions).toMatchObject({ limit: 'cost' });
    const vars = await gql(
      gateway,
      `query($a: DateTime!, $b: DateTime!) { ${Array.from(
        { length: 30 },
        (_, i) => `t${i}: telemetry(deviceId: "${heavy[0]}", metric: "m", from: $a, to: $b) { unit }`,
      ).join(' ')} }`,
      { a: '1970-01-01T00:00:00Z', b: '2100-01-01T00:00:00Z' },
      { token },
    );
    expect(codesOf(vars)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(vars.data).toBeNull();
  });

  it('refuses several 31-day KPI scans in one request by cost', async () => {
    const since = new Date(Date.now() - 31 * DAY + 60_000).toISOString();
    const query = `{ ${[1, 2, 3].map((i) => `k${i}: kpis(since: "${since}") { water { volumeTodayM3 } }`).join(' ')} }`;
    const result = await gql(gateway, query, {}, { token: await tokenOf('lyon-admin') });
    expect(result.errors[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost' });
  });

  it('bounds raw ranges by role: 60 days for an operator, not for a viewer', async () => {
    const from = new Date(Date.now() - 60 * DAY).toISOString();
    const to = new Date().toISOString();
    const query = `{ telemetry(deviceId: "${heavy[0]}", metric: "water_meter.cumulated_water_volume", from: "${from}", to: "${to}", bucket: "1d") { points { count } } }`;
    const viewer = await gql(gateway, query, {}, { token: await tokenOf('lyon-viewer') });
    expect(codesOf(viewer)).toEqual(['BAD_USER_INPUT']);
    expect(viewer.errors[0]?.extensions).toMatchObject({ maxDays: 31 });
    const operator = await gql(gateway, query, {}, { token: await tokenOf('lyon-operator') });
    expect(operator.errors).toEqual([]);
  });

  it("keeps porto's devices(first: 1) p95 under 100 ms (or 4x its p95 alone on a busy machine) while lyon runs a heavy mix", async () => {
    const lyon = await tokenOf('lyon-operator');
    const porto = await scopedTokenOf('porto-viewer', 'openid');
    const from = new Date(Date.now() - 30 * DAY).toISOString();
    const to = new Date().toISOString();
    const mix = [
      `{ kpis(since: "${from}") { water { volumeTodayM3 metersTotal } } }`,
      telemetryAliases(20, from, to),
      '{ devices(first: 200) { edges { node { id state { objectId resources { valueNum } } } } } }',
    ];
    let lyonDone = 0;
    let lyonRefused = 0;
    const worker = async (n: number, until: number) => {
      for (let i = n; Date.now() < until; i++) {
        const r = await gql(gateway, mix[i % mix.length]!, {}, { token: lyon });
        if (codesOf(r).includes('RATE_LIMITED') || codesOf(r).includes('SERVICE_UNAVAILABLE')) lyonRefused++;
        lyonDone++;
      }
    };
    const probe = async (end: number, latencies: number[]) => {
      while (Date.now() < end) {
        const t0 = performance.now();
        const r = await gql(gateway, '{ devices(first: 1) { edges { node { id } } } }', {}, { token: porto });
        latencies.push(performance.now() - t0);
        expect(r.errors).toEqual([]);
        await new Promise((res) => setTimeout(res, 20));
      }
    };
    // Porto alone first: on a machine busy with other work the bound scales with what porto gets without lyon.
    const alone: number[] = [];
    await probe(Date.now() + 2000, alone);
    const aloneP95 = percentile(
      [...alone].sort((a, b) => a - b),
      95,
    )!;
    const latencies: number[] = [];
    const until = Date.now() + MIX_SECONDS * 1000;
    await Promise.all([
      ...Array.from({ length: 6 }, (_, n) => worker(n, until)),
      // Let lyon's mix fill its share first.
      new Promise((r) => setTimeout(r, 1000)).then(() => probe(until, latencies)),
    ]);
    const sorted = [...latencies].sort((a, b) => a - b);
    const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(sorted, p));
    // Figures for the record (a shared 2-core machine: the load average says how busy it was).
    process.stdout.write(
      `fairness: porto devices(first:1) alone p95=${aloneP95.toFixed(1)} ms; under lyon's mix n=${sorted.length} p50=${p50!.toFixed(1)} ms p95=${p95!.toFixed(1)} ms ` +
        `p99=${p99!.toFixed(1)} ms; lyon requests=${lyonDone} refused=${lyonRefused}; load=${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}\n`,
    );
    expect(sorted.length).toBeGreaterThan(50);
    expect(lyonDone).toBeGreaterThan(6);
    // Without per-city limits porto waited behind lyon's scans: p95 2,730 ms (issue 17).
    expect(p95).toBeLessThan(Math.max(100, 4 * aloneP95));
  });
});
