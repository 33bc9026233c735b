import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { startGateway } from '../../apps/gateway/test/support/gateway-process';
import { tokenOf } from '../../apps/gateway/test/support/keycloak-tokens';
import { TEST_ENV } from '../../apps/gateway/test/support/test-env.config';
import { BENCH_TENANT, benchCounts, loadBenchData } from './bench-data';
import { runLoad } from './load-generator';

/**
 * npm run bench:gateway [-- --rows 10000000 --devices 1000 --seconds 20 --concurrency 32 --reuse --url URL]
 *
 * Loads a dedicated bench tenant (1,000 devices, 10 million telemetry rows by default), starts the gateway in
 * production mode (or uses --url), and measures requests/s and latency percentiles of two queries with a real
 * platform-admin token acting on the bench tenant: `device` with its state, and a 24 h hourly `telemetry` series.
 * A benchmark prints figures; it asserts nothing.
 */
const DEVICE_QUERY = `query($id: ID!) { device(id: $id) { id endpoint name status online lastSeenAt
  registration { lwm2mVersion binding lifetime objects { objectId version name } }
  state { objectId instanceId objectName updatedAt resources { path name metric valueNum valueBool unit time } } } }`;

const TELEMETRY_QUERY = `query($id: ID!, $from: DateTime!, $to: DateTime!) {
  telemetry(deviceId: $id, metric: "water_meter.cumulated_water_volume", from: $from, to: $to, bucket: "1h", aggregate: AVG) {
    unit points { time value count } } }`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '10000000' },
      devices: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '20' },
      concurrency: { type: 'string', default: '32' },
      reuse: { type: 'boolean', default: false },
      url: { type: 'string' },
    },
  });
  const rows = Number(values.rows);
  const devices = Number(values.devices);
  const owner = new Pool({ connectionString: TEST_ENV.ownerUrl, max: 2 });
  const log = (m: string) => console.log(`[bench:gateway] ${m}`);

  const existing = await benchCounts(owner);
  if (values.reuse && existing.devices === devices && existing.rows >= rows * 0.99) {
    log(
      `reusing bench tenant "${BENCH_TENANT}": ${existing.devices} devices, ${existing.rows.toLocaleString('en')} rows`,
    );
  } else {
    log(
      `loading ${devices} devices and ${rows.toLocaleString('en')} telemetry rows into "${BENCH_TENANT}"...`,
    );
    const report = await loadBenchData(owner, devices, rows, (m) => log(`  ${m}`));
    log(
      `loaded ${report.devices} devices and ${report.rows.toLocaleString('en')} rows in ${report.seconds.toFixed(1)} s ` +
        `(${Math.round(report.rows / report.seconds).toLocaleString('en')} rows/s)`,
    );
  }
  const { rows: ids } = await owner.query<{ id: string }>('SELECT id FROM devices WHERE tenant_id = $1', [
    BENCH_TENANT,
  ]);
  await owner.end();
  const deviceIds = ids.map((r) => r.id);
  const pick = () => deviceIds[Math.floor(Math.random() * deviceIds.length)];

  const gateway = values.url ? null : await startGateway({ NODE_ENV: 'production', LOG_LEVEL: 'warn' });
  const url = `${values.url ?? gateway!.url}/graphql`;
  const headers = { authorization: `Bearer ${await tokenOf('platform-admin')}`, 'x-tenant': BENCH_TENANT };
  const concurrency = Number(values.concurrency);
  const seconds = Number(values.seconds);
  try {
    const scenarios = [
      ['device with state', () => JSON.stringify({ query: DEVICE_QUERY, variables: { id: pick() } })],
      [
        'telemetry 24 h hourly',
        () => {
          const to = new Date();
          const from = new Date(to.getTime() - 86_400_000);
          return JSON.stringify({ query: TELEMETRY_QUERY, variables: { id: pick(), from, to } });
        },
      ],
    ] as const;
    for (const [name, body] of scenarios) {
      await runLoad({ url, concurrency, seconds: 3, headers, body }); // warm-up: JIT, pools, caches
      const r = await runLoad({ url, concurrency, seconds, headers, body });
      log(
        `${name.padEnd(22)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1)} ms  p95 ${r.p95.toFixed(1)} ms  ` +
          `p99 ${r.p99.toFixed(1)} ms  (${r.requests} requests, ${r.errors} errors, ${concurrency} connections, ${r.seconds.toFixed(0)} s)`,
      );
      if (r.firstError) log(`  first error: ${r.firstError}`);
    }
  } finally {
    await gateway?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
