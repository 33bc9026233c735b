import { cityEventsTopic, cityTelemetryTopic, SCHEMA_VERSION_HEADER } from '@smartcity/platform-contracts';
import { withTenant } from '@smartcity/platform-db';
import { type ConsumedMessage, KafkaConsumer } from '@smartcity/platform-kafka';
import { createRedis, closeRedis } from '@smartcity/platform-redis';
import { createLogger } from '@smartcity/platform-observability';
import { DLQ_HEADERS } from './delivery/dead-letter';
import { DecoderHarness } from './testing/decoder-harness';
import { partnerSchemaValidators } from '@smartcity/platform-contracts';
import { expiry, registration, senmlSend, senmlSeries } from './testing/uplinks';

jest.setTimeout(120_000);

/** Reads every message of a topic from the beginning until `count` arrived. */
async function readTopic(h: DecoderHarness, topic: string, count: number): Promise<ConsumedMessage[]> {
  const out: ConsumedMessage[] = [];
  const consumer = new KafkaConsumer(h.kafka, {
    groupId: `test-reader-${h.run}-${topic}`,
    topics: [topic],
    fromBeginning: true,
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`only ${out.length}/${count} messages on ${topic}`)),
      60_000,
    );
    consumer
      .start(async (batch, control) => {
        for (const m of batch.messages) {
          out.push(m);
          control.markDone(m.offset);
        }
        if (out.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      })
      .catch(reject);
  });
  await consumer.stop();
  return out;
}

describe('decoder against the local stack', () => {
  const h = new DecoderHarness();
  const A = h.tenant('a');
  const B = h.tenant('b');
  let devA: Awaited<ReturnType<DecoderHarness['createDevice']>>;
  let devB: Awaited<ReturnType<DecoderHarness['createDevice']>>;
  const t0 = Math.floor(Date.now() / 1000) - 3600;

  beforeAll(async () => {
    await h.createTenant(A);
    await h.createTenant(B);
    devA = await h.createDevice(A, 'dev1');
    devB = await h.createDevice(B, 'dev1');
    await h.createTopics();
  });
  afterAll(() => h.cleanup());

  it('stores two tenants uplinks in their own rows, and the app role under A reads none of B, chunks included', async () => {
    await h.produce([
      registration(devA),
      registration(devB),
      senmlSend(devA, senmlSeries('/3303/0/5700', t0, 10)),
      senmlSend(devB, senmlSeries('/3303/0/5700', t0, 7)),
    ]);
    const decoder = await h.startDecoder();
    await h.waitFor(
      () => h.count('SELECT count(*) AS n FROM telemetry WHERE tenant_id = ANY($1)', [[A, B]]),
      (n) => n === 17,
    );
    await decoder.stop();

    expect(
      await h.count('SELECT count(*) AS n FROM telemetry WHERE tenant_id = $1 AND device_id = $2', [
        A,
        devA.deviceId,
      ]),
    ).toBe(10);
    expect(
      await h.count('SELECT count(*) AS n FROM telemetry WHERE tenant_id = $1 AND device_id = $2', [
        B,
        devB.deviceId,
      ]),
    ).toBe(7);
    const { rows: devices } = await h.owner.query(
      'SELECT tenant_id, status, category FROM devices WHERE id = ANY($1) ORDER BY tenant_id',
      [[devA.deviceId, devB.deviceId]],
    );
    // Provisioned without a category, each device takes the one of the domain object it registered (3303).
    expect(devices).toEqual([
      { tenant_id: A, status: 'REGISTERED', category: 'environment' },
      { tenant_id: B, status: 'REGISTERED', category: 'environment' },
    ]);

    // Through the hypertable, under tenant A: only A's rows, whatever the filter asks for.
    const seen = await withTenant(h.app, A, async (c) => {
      const all = await c.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM telemetry');
      const forB = await c.query<{ n: string }>('SELECT count(*) AS n FROM telemetry WHERE tenant_id = $1', [
        B,
      ]);
      const stateB = await c.query<{ n: string }>(
        'SELECT count(*) AS n FROM device_state WHERE tenant_id = $1',
        [B],
      );
      const devB2 = await c.query<{ n: string }>('SELECT count(*) AS n FROM devices WHERE tenant_id = $1', [
        B,
      ]);
      return {
        tenants: all.rows.map((r) => r.tenant_id),
        forB: Number(forB.rows[0]!.n),
        stateB: Number(stateB.rows[0]!.n),
        devB: Number(devB2.rows[0]!.n),
      };
    });
    expect(seen).toEqual({ tenants: [A], forB: 0, stateB: 0, devB: 0 });

    // Directly through the chunk tables (timescaledb#7830: chunks inherit GRANTs, not RLS policies).
    const readAsA = (table: string) =>
      withTenant(h.app, A, async (c) => {
        try {
          const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = $1`, [
            B,
          ]);
          return Number(r.rows[0]!.n);
        } catch (err) {
          return (err as { code?: string }).code;
        }
      });
    const { rows: ours } = await h.owner.query<{ name: string }>(
      `SELECT format('%I.%I', c.schema_name, c.table_name) AS name
       FROM _timescaledb_catalog.chunk c JOIN _timescaledb_catalog.hypertable t ON t.id = c.hypertable_id
       WHERE t.table_name IN ('telemetry', 'telemetry_hourly') AND NOT c.dropped`,
    );
    expect(ours.length).toBeGreaterThan(0);
    for (const chunk of ours) {
      expect([chunk.name, await readAsA(chunk.name)]).toEqual([chunk.name, '42501']); // permission denied
    }
    // Whatever sits in _timescaledb_internal (chunks of any hypertable): B's rows are never readable there either.
    const { rows: internal } = await h.owner.query<{ name: string }>(
      `SELECT format('%I.%I', schema_name, table_name) AS name FROM _timescaledb_catalog.chunk
       WHERE schema_name = '_timescaledb_internal' AND NOT dropped`,
    );
    for (const chunk of internal) {
      // 42501: permission denied; 42703: the table has no tenant column, so it holds no tenant's telemetry.
      expect(['42501', '42703', 0]).toContain(await readAsA(chunk.name));
    }
  });

  it('replaying the same offsets twice leaves every row count unchanged', async () => {
    const counts = () =>
      Promise.all(
        ['telemetry', 'device_state', 'registrations', 'alarms', 'telemetry_rollup_pending'].map((t) =>
          h.count(`SELECT count(*) AS n FROM ${t} WHERE tenant_id = ANY($1)`, [[A, B]]),
        ),
      );
    const before = await counts();
    expect(before[0]).toBe(17);
    for (let replay = 0; replay < 2; replay++) {
      // A new consumer group starts from the beginning: every offset of the topic is processed again.
      const decoder = await h.startDecoder();
      await h.waitFor(
        () => h.lag(decoder.config.DECODER_GROUP_ID),
        (lag) => lag === 0,
      );
      await decoder.stop();
      expect(await counts()).toEqual(before);
    }
  });

  it('stores a SenML Send of 50 records of one resource at 50 times as 50 rows with those times', async () => {
    const dev = await h.createDevice(A, 'senml50');
    await h.produce([senmlSend(dev, senmlSeries('/3303/0/5700', t0, 50, 17))]);
    const decoder = await h.startDecoder();
    await h.waitFor(
      () => h.count('SELECT count(*) AS n FROM telemetry WHERE device_id = $1', [dev.deviceId]),
      (n) => n === 50,
    );
    await h.waitFor(
      () => h.lag(decoder.config.DECODER_GROUP_ID),
      (lag) => lag === 0,
    );
    await decoder.stop();
    const { rows } = await h.owner.query<{ s: number }>(
      'SELECT extract(epoch FROM time)::float8 AS s FROM telemetry WHERE device_id = $1 ORDER BY time',
      [dev.deviceId],
    );
    expect(rows.map((r) => r.s)).toEqual(Array.from({ length: 50 }, (_, i) => t0 + i * 17));
    const { rows: state } = await h.owner.query(
      'SELECT extract(epoch FROM time)::float8 AS s FROM device_state WHERE device_id = $1',
      [dev.deviceId],
    );
    expect(state).toEqual([{ s: t0 + 49 * 17 }]);
  });

  it('sends a poison message to the DLQ with its error and processes the following messages', async () => {
    const dev = await h.createDevice(B, 'poison');
    const unknownDevice = { ...dev, deviceId: '00000000-0000-4000-8000-00000000dead' };
    await h.produce([
      { key: `${B}/${dev.endpoint}`, value: Buffer.from('{"v":1,"kind":"send"') },
      senmlSend(unknownDevice, [{ n: '/3303/0/5700', v: 1 }]),
      senmlSend(dev, senmlSeries('/3303/0/5700', t0, 3)),
    ]);
    const decoder = await h.startDecoder({ DECODER_MAX_ATTEMPTS: '2' });
    await h.waitFor(
      () => h.count('SELECT count(*) AS n FROM telemetry WHERE device_id = $1', [dev.deviceId]),
      (n) => n === 3,
    );
    await h.waitFor(
      () => h.lag(decoder.config.DECODER_GROUP_ID),
      (lag) => lag === 0,
    );
    await decoder.stop();
    // The replays of earlier tests do not dead-letter anything: only this test's two poison messages are there.
    const dlq = await readTopic(h, h.dlqTopic, 2);
    const codes = dlq.map((m) => [m.headers[DLQ_HEADERS.errorCode], m.headers[DLQ_HEADERS.attempts]]).sort();
    expect(codes).toEqual([
      ['CONTRACT_VIOLATION', '1'],
      ['STORAGE_REJECTED', '2'],
    ]);
    for (const m of dlq) {
      expect(m.headers[DLQ_HEADERS.originTopic]).toBe(h.uplinkTopic);
      expect(m.headers[DLQ_HEADERS.errorMessage]!.length).toBeGreaterThan(0);
    }
    expect(
      await h.count('SELECT count(*) AS n FROM telemetry WHERE device_id = $1', [unknownDevice.deviceId]),
    ).toBe(0);
  });

  it('raises and clears alarms, publishes partner messages that validate against the AsyncAPI schemas, and live state on Redis', async () => {
    const dev = await h.createDevice(A, 'alarm');
    const redis = createRedis({
      url: 'redis://127.0.0.1:6379',
      logger: createLogger({ app: 'test', level: 'silent' }),
    });
    const live: string[] = [];
    await redis.subscribe(`tenant:${A}:state`, `tenant:${A}:alarms`);
    redis.on('message', (channel: string, message: string) => live.push(`${channel} ${message}`));
    await h.produce([
      senmlSend(dev, [{ n: '/3411/0/6', t: t0, vb: true }]),
      senmlSend(dev, [{ n: '/3411/0/6', t: t0 + 60, vb: false }]),
      expiry(dev, (t0 + 120) * 1000),
    ]);
    const decoder = await h.startDecoder({ DECODER_COMM_LOSS_GRACE_S: '1' });
    await h.waitFor(
      () => h.lag(decoder.config.DECODER_GROUP_ID),
      (lag) => lag === 0,
    );
    const { rows: alarms } = await h.owner.query(
      `SELECT type, status, source_path, extract(epoch FROM raised_at)::float8 AS raised, extract(epoch FROM cleared_at)::float8 AS cleared
       FROM alarms WHERE device_id = $1`,
      [dev.deviceId],
    );
    expect(alarms).toEqual([
      { type: 'low_battery', status: 'CLEARED', source_path: '/3411/0/6', raised: t0, cleared: t0 + 60 },
    ]);

    // Expired registration + grace -> communication loss, raised once even if the job runs twice.
    await decoder.service.backgroundJobs.communicationLoss.runNow();
    await decoder.service.backgroundJobs.communicationLoss.runNow();
    expect(
      await h.count(
        "SELECT count(*) AS n FROM alarms WHERE device_id = $1 AND type = 'communication_loss' AND status = 'ACTIVE'",
        [dev.deviceId],
      ),
    ).toBe(1);
    await h.produce([registration(dev, (t0 + 600) * 1000)]);
    await h.waitFor(
      () =>
        h.count(
          "SELECT count(*) AS n FROM alarms WHERE device_id = $1 AND type = 'communication_loss' AND status = 'CLEARED'",
          [dev.deviceId],
        ),
      (n) => n === 1,
    );
    await decoder.stop();

    const validators = partnerSchemaValidators();
    const telemetry = await readTopic(h, cityTelemetryTopic(A), 1);
    for (const m of telemetry) {
      expect(m.headers[SCHEMA_VERSION_HEADER]).toBe('1');
      const body: unknown = JSON.parse(m.value!.toString());
      expect([validators.telemetry(body), validators.telemetry.errors]).toEqual([true, null]);
    }
    const events = await readTopic(h, cityEventsTopic(A), 5);
    const types = new Set<string>();
    for (const m of events) {
      expect(m.headers[SCHEMA_VERSION_HEADER]).toBe('1');
      const body = JSON.parse(m.value!.toString()) as { type: string };
      types.add(body.type);
      expect([validators.event(body), validators.event.errors]).toEqual([true, null]);
    }
    expect(types).toEqual(new Set(['device.registered', 'alarm.raised', 'alarm.cleared', 'device.expired']));

    await h.waitFor(
      async () => live.length,
      (n) => n > 0,
      10_000,
    );
    expect(live.some((l) => l.startsWith(`tenant:${A}:alarms `) && l.includes('"alarm.raised"'))).toBe(true);
    await closeRedis(redis);
  });
});
