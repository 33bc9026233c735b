/**
 * Mutation -> SUCCEEDED latency of device commands for awake devices (issue 9), on the local stack:
 * two ingest instances, the gateway, N simulated lamps over UDP. Prints median, p90, p99 and max.
 *
 *   node -r ./tools/register.js bench/commands/run.ts [--lamps 20] [--commands 400] [--concurrency 4]
 *
 * The clock starts before the GraphQL request is sent and stops when the SUCCEEDED status is published on the
 * tenant's Redis channel (what `commandUpdated` subscribers receive), i.e. after the outcome is in the database.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createLogger } from '@smartcity/platform-observability';
import { closeRedis, createRedis } from '@smartcity/platform-redis';
import { tokenOf } from '../../apps/gateway/test/support/keycloak-tokens';
import { CommandsWorld, gql } from '../../test/integration/support/commands-world';

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function summary(name: string, values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1).padStart(7);
  return `${name.padEnd(34)} n=${String(s.length).padStart(5)}  median ${f(percentile(s, 50))} ms  p90 ${f(
    percentile(s, 90),
  )} ms  p99 ${f(percentile(s, 99))} ms  max ${f(s[s.length - 1] ?? NaN)} ms`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lamps: { type: 'string', default: '20' },
      commands: { type: 'string', default: '400' },
      concurrency: { type: 'string', default: '4' },
    },
  });
  const lampCount = Number(values.lamps);
  const total = Number(values.commands);
  const concurrency = Number(values.concurrency);
  const world = new CommandsWorld();
  const sub = createRedis({
    url: 'redis://127.0.0.1:6379',
    logger: createLogger({ app: 'bench', level: 'silent' }),
  });
  try {
    process.stdout.write(`starting 2 ingest instances + gateway (run ${world.run})...\n`);
    await world.start();
    const operator = await tokenOf('lyon-operator');
    const devices = await world.provision(lampCount, { kind: 'bench' });
    for (const [i, d] of devices.entries())
      await world.lamp(d.endpoint, { port: world.ingests[i % 2]!.coapPort });

    const succeededAt = new Map<string, number>();
    const waiters = new Map<string, () => void>();
    sub.on('message', (_c: string, raw: string) => {
      const row = JSON.parse(raw) as { id: string; status: string };
      if (row.status !== 'SUCCEEDED' && row.status !== 'FAILED' && row.status !== 'TIMEOUT') return;
      succeededAt.set(row.id, row.status === 'SUCCEEDED' ? performance.now() : -1);
      waiters.get(row.id)?.();
    });
    await sub.subscribe(`tenant:${world.tenant}:commands`);
    const done = (id: string) =>
      new Promise<void>((resolve) => {
        if (succeededAt.has(id)) return resolve();
        waiters.set(id, resolve);
      });

    const issue = async (i: number): Promise<number> => {
      const device = devices[i % devices.length]!;
      const t0 = performance.now();
      const res = await gql<{ writeResource: { id: string } }>(
        world.gatewayUrl,
        operator,
        `mutation($d: ID!, $v: JSON!) { writeResource(deviceId: $d, path: "/3416/0/1", value: $v) { id } }`,
        { d: device.id, v: i % 101 },
      );
      const id = res.data?.writeResource.id;
      if (!id) throw new Error(JSON.stringify(res.errors));
      await done(id);
      const t1 = succeededAt.get(id) ?? -1;
      return t1 < 0 ? -1 : t1 - t0;
    };

    // Warm-up (connections, JIT, consumer assignment).
    for (let i = 0; i < 20; i++) await issue(i);

    const sequential: number[] = [];
    for (let i = 0; i < Math.min(100, total); i++) sequential.push(await issue(i));

    const concurrent: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) concurrent.push(await issue(next++));
      }),
    );
    const elapsed = (performance.now() - started) / 1000;

    const bulkT0 = performance.now();
    const bulk = await gql<{ setLampLevel: { commands: { id: string }[] } }>(
      world.gatewayUrl,
      operator,
      `mutation($ids: [ID!]) { setLampLevel(devices: { deviceIds: $ids }, level: 55) { commands { id } } }`,
      { ids: devices.map((d) => d.id) },
    );
    const bulkIds = bulk.data?.setLampLevel.commands.map((c) => c.id) ?? [];
    await Promise.all(bulkIds.map(done));
    const bulkLatencies = bulkIds.map((id) => (succeededAt.get(id) ?? bulkT0) - bulkT0);

    const failed = [...sequential, ...concurrent].filter((x) => x < 0).length;
    process.stdout.write(
      [
        `lamps ${lampCount} (awake, 2 ingest instances), writes of /3416/0/1 through GraphQL, mutation -> SUCCEEDED`,
        summary(
          'one at a time',
          sequential.filter((x) => x >= 0),
        ),
        summary(
          `${concurrency} concurrent clients`,
          concurrent.filter((x) => x >= 0),
        ),
        `${'throughput (concurrent)'.padEnd(34)} ${(concurrent.length / elapsed).toFixed(0)} commands/s`,
        summary(`bulk setLampLevel x${bulkIds.length}`, bulkLatencies),
        `not SUCCEEDED: ${failed}`,
        `machine: ${cpus().length} cores, load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')} (shared with other work: figures are upper bounds)`,
        '',
      ].join('\n'),
    );
  } finally {
    await sub.quit().catch(() => undefined);
    await closeRedis(sub).catch(() => undefined);
    await world.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
