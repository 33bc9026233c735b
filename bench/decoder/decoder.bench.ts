/**
 * `npm run bench:decoder`: values per second from Kafka to committed TimescaleDB rows with one decoder (in this
 * process), on the local stack. The uplink topic is filled first, then the decoder starts; the clock stops when the
 * consumer group's committed offsets reach the end of the topic (offsets are committed only after the database
 * committed the rows and the partner topics acknowledged). Not a test: it prints figures.
 *
 * Settings (env): BENCH_MESSAGES (20000), BENCH_VALUES_PER_MESSAGE (25), BENCH_DEVICES (200),
 * DECODER_BATCH_MAX_VALUES (5000), DECODER_BATCH_LINGER_MS (20), DECODER_MAX_CONCURRENT_FLUSHES (2),
 * DECODER_WRITE_CONCURRENCY (4).
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { loadConfig } from '@smartcity/platform-config';
import { cityEventsTopic, cityTelemetryTopic } from '@smartcity/platform-contracts';
import { createPool, TenantAdminRepository } from '@smartcity/platform-db';
import { deleteTopics, ensureTopics, KafkaClient, KafkaProducer } from '@smartcity/platform-kafka';
import { createLogger } from '@smartcity/platform-observability';
import { decoderConfigSchema } from '../../apps/decoder/src/config/decoder.config';
import { Decoder } from '../../apps/decoder/src/decoder';
import { closeDecoderDeps, createDecoderDeps } from '../../apps/decoder/src/decoder.factory';
import { senmlSend, senmlSeries } from '../../apps/decoder/src/testing/uplinks';

const env = process.env;
const MESSAGES = Number(env['BENCH_MESSAGES'] ?? 20_000);
const VALUES = Number(env['BENCH_VALUES_PER_MESSAGE'] ?? 25);
const DEVICES = Number(env['BENCH_DEVICES'] ?? 200);
const cpus = availableParallelism();
const OWNER_URL =
  env['DATABASE_OWNER_URL'] ?? 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity';

async function main(): Promise<void> {
  const run = randomBytes(4).toString('hex');
  const tenant = `bench-${run}`;
  const topic = `bench.decoder.uplink.${run}`;
  const dlq = `bench.decoder.dlq.${run}`;
  const group = `bench-decoder-${run}`;
  const logger = createLogger({ app: 'bench-decoder', level: 'warn' });
  const kafka = new KafkaClient({ clientId: `bench-${run}`, brokers: ['127.0.0.1:9092'], logger });
  const owner = createPool({ connectionString: OWNER_URL, applicationName: 'bench-decoder', max: 2 });
  const tenants = new TenantAdminRepository(owner);
  await tenants.create({ id: tenant, name: 'Decoder benchmark' });
  try {
    const { rows } = await owner.query<{ id: string; endpoint: string }>(
      `INSERT INTO devices (tenant_id, endpoint) SELECT $1, $1 || '-' || g FROM generate_series(1, $2) g
       RETURNING id, endpoint`,
      [tenant, DEVICES],
    );
    await ensureTopics(kafka, [
      { topic, partitions: 12 },
      { topic: dlq, partitions: 1 },
    ]);

    // Fill the topic: each Send carries VALUES records of one resource at distinct times (SenML JSON).
    const t0 = Math.floor(Date.now() / 1000) - 30 * 86_400;
    const producer = new KafkaProducer(kafka, { sendTimeoutMs: 60_000, maxBatchMessages: 5000, lingerMs: 5 });
    await producer.connect();
    let produced = 0;
    const fillStart = Date.now();
    while (produced < MESSAGES) {
      const chunk = [];
      for (let i = 0; i < 5000 && produced < MESSAGES; i++, produced++) {
        const d = rows[produced % rows.length]!;
        const round = Math.floor(produced / rows.length);
        const msg = senmlSend(
          { tenant, endpoint: d.endpoint, deviceId: d.id },
          senmlSeries('/3303/0/5700', t0 + round * VALUES * 10, VALUES, 10),
        );
        chunk.push({ key: `${tenant}/${d.endpoint}`, value: Buffer.from(JSON.stringify(msg)) });
      }
      await producer.send(topic, chunk);
    }
    await producer.close();
    const totalValues = MESSAGES * VALUES;
    process.stdout.write(
      `filled ${topic}: ${MESSAGES} messages, ${totalValues} values in ${Date.now() - fillStart} ms\n`,
    );

    const config = loadConfig(decoderConfigSchema, {
      LOG_LEVEL: 'warn',
      DECODER_UPLINK_TOPIC: topic,
      DECODER_DLQ_TOPIC: dlq,
      DECODER_GROUP_ID: group,
      DECODER_JOBS_ENABLED: 'false',
      PARTNER_TOPIC_PARTITIONS: '6',
      DECODER_BATCH_MAX_VALUES: env['DECODER_BATCH_MAX_VALUES'],
      DECODER_BATCH_LINGER_MS: env['DECODER_BATCH_LINGER_MS'],
      DECODER_WRITE_CONCURRENCY: env['DECODER_WRITE_CONCURRENCY'],
      DECODER_MAX_CONCURRENT_FLUSHES: env['DECODER_MAX_CONCURRENT_FLUSHES'],
      DECODER_PARTITIONS_CONCURRENTLY: env['DECODER_PARTITIONS_CONCURRENTLY'],
    });
    const deps = createDecoderDeps(config);
    const decoder = new Decoder(deps);
    const admin = kafka.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    const end = ends.reduce((n, p) => n + Number(p.high), 0);

    // The machine is shared: the load average says how much of it the run had (docs/storage.md).
    const loadBefore = loadavg();
    const cpuStart = process.cpuUsage();
    const started = process.hrtime.bigint();
    await decoder.start();
    let committed = 0;
    while (committed < end) {
      await new Promise((r) => setTimeout(r, 100));
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      committed = (offsets?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    await decoder.stop();
    await closeDecoderDeps(deps);
    await admin.disconnect();

    const stored = Number(
      (await owner.query<{ n: string }>('SELECT count(*) AS n FROM telemetry WHERE tenant_id = $1', [tenant]))
        .rows[0]!.n,
    );
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    process.stdout.write(
      [
        `decoder benchmark (1 decoder, in-process; PostgreSQL, Kafka and the decoder share this machine's cores)`,
        `  batch: DECODER_BATCH_MAX_VALUES=${config.DECODER_BATCH_MAX_VALUES} DECODER_BATCH_LINGER_MS=${config.DECODER_BATCH_LINGER_MS} ` +
          `DECODER_MAX_CONCURRENT_FLUSHES=${config.DECODER_MAX_CONCURRENT_FLUSHES} DECODER_WRITE_CONCURRENCY=${config.DECODER_WRITE_CONCURRENCY} ` +
          `partitions=12 concurrently=${config.DECODER_PARTITIONS_CONCURRENTLY}`,
        `  input: ${MESSAGES} SenML JSON Sends x ${VALUES} values, ${DEVICES} devices, 1 tenant`,
        `  stored rows: ${stored} of ${totalValues}`,
        `  elapsed: ${seconds.toFixed(2)} s (Kafka -> committed rows and offsets, partner topics acknowledged)`,
        `  throughput: ${Math.round(totalValues / seconds)} values/s, ${Math.round(MESSAGES / seconds)} messages/s`,
        `  decoder process CPU: ${cpuSeconds.toFixed(2)} s (${((100 * cpuSeconds) / seconds).toFixed(0)}% of one core) -> ` +
          `${Math.round(totalValues / cpuSeconds)} values per decoder CPU-second`,
        `  load average: ${formatLoad(loadBefore)} before, ${formatLoad(loadavg())} after (${cpus} cores)`,
      ].join('\n') + '\n',
    );
  } finally {
    await tenants.delete(tenant).catch((err: unknown) => process.stderr.write(`cleanup: ${String(err)}\n`));
    const admin = kafka.kafka.admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const topics = [topic, dlq, cityTelemetryTopic(tenant), cityEventsTopic(tenant)].filter((t) =>
      existing.has(t),
    );
    await deleteTopics(kafka, topics).catch(() => undefined);
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
    await owner.end();
  }
}

function formatLoad(load: number[]): string {
  return load.map((l) => l.toFixed(2)).join(' ');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:decoder failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
