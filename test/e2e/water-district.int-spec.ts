/**
 * Issue 24 end to end: the simulated district (an inlet and customer meters) as real LwM2M devices over UDP ->
 * coap-ingest (Register, Send with SenML timestamps) -> Kafka -> decoder -> telemetry; the area defined through the
 * gateway (GraphQL, a platform admin's token for the test city); the decoder's rollups and water job (run here, on
 * the test city only) -> the daily balance and the alarms, read back through the gateway.
 */
import { ContentFormat } from '@smartcity/lwm2m-codec';
import { cityEventsTopic, partnerSchemaValidators } from '@smartcity/platform-contracts';
import { withTenant } from '@smartcity/platform-db';
import { createLogger } from '@smartcity/platform-observability';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { type Pipeline, startPipeline } from '../../bench/pipeline/platform-processes';
import { ROLLUP_SQL } from '../../apps/decoder/src/jobs/rollup.job';
import { WaterJob } from '../../apps/decoder/src/water/water.job';
import { cityProfile } from '../../apps/simulator/src/devices/city-profile';
import { DistrictFleet, districtEndpoints } from '../../apps/simulator/src/district/district-fleet';
import { DistrictModel } from '../../apps/simulator/src/district/district-model';
import { districtPlan } from '../../apps/simulator/src/district/district-options';
import { Kafka, logLevel } from 'kafkajs';
import { demoToken, E2E, eventually, graphql, runId, TestTenants } from './support/e2e-env';

jest.setTimeout(300_000);

const H = 3_600_000;
const DAY = 24 * H;
const CUSTOMERS = 5;
const DAYS = 8;
const LEAK_DAYS = 2;
const LEAK_M3H = 1;
const GROWING = 2;

interface BalanceDay {
  day: string;
  inflowM3: number | null;
  billedM3: number | null;
  nrwM3: number | null;
  metersReporting: number;
  metersTotal: number;
}

describe('a simulated district through the whole pipeline', () => {
  const run = runId();
  const tenants = new TestTenants();
  let pipeline: Pipeline;
  let fleet: DistrictFleet | undefined;

  afterAll(async () => {
    await fleet?.stop();
    await pipeline?.stop();
    await tenants.cleanup();
  });

  it('stores the replayed days at their simulated times and computes the balance and the alarms from them', async () => {
    const city = await tenants.create(`e2ew${run}`);
    // Settings of the city: the whole replay inside the recompute horizon.
    await tenants.owner.query(`UPDATE tenants SET settings = settings || $2::jsonb WHERE id = $1`, [
      city.id,
      JSON.stringify({ water: { horizonDays: DAYS + 2 } }),
    ]);
    pipeline = await startPipeline(run, { gateway: true, partitions: 2 });
    const now = Date.now();
    const plan = districtPlan(
      {
        tenant: city.id,
        customers: CUSTOMERS,
        seed: 3,
        endpointPrefix: `${city.prefix}dma-`,
        days: DAYS,
        leakDays: LEAK_DAYS,
        leakM3h: LEAK_M3H,
        growingMeter: GROWING,
        replayMsPerDay: 0,
      },
      now,
    );
    fleet = new DistrictFleet({
      tenant: city.id,
      city: cityProfile(city.id),
      endpointPrefix: plan.endpointPrefix,
      server: { address: '127.0.0.1', port: pipeline.coapPort },
      lifetime: 300,
      bindHost: '127.0.0.1',
      district: plan.district,
      readingStepMs: plan.readingStepMs,
      readingsPerSend: plan.readingsPerSend,
      replayPauseMs: plan.replayPauseMs,
      concurrency: 6,
      sendFormat: ContentFormat.SENML_CBOR,
      models: loadBundledRegistry(),
      logger: createLogger({ app: 'e2e-district', level: 'warn' }),
    });
    await fleet.start();
    expect(fleet.counters.registered).toBe(CUSTOMERS + 1);
    const endpoints = districtEndpoints(plan.endpointPrefix, CUSTOMERS);
    const readings = DAYS * 24 * (CUSTOMERS + 1);

    // Every hourly volume of the replay, stored at its own (simulated) time, not at its receive time.
    const stored = await eventually(
      async () => {
        const { rows } = await tenants.owner.query<{ n: string; min: Date; max: Date }>(
          `SELECT count(*) AS n, min(t.time) AS min, max(t.time) AS max FROM telemetry t
           JOIN devices d ON d.id = t.device_id
           WHERE t.tenant_id = $1 AND t.path = '/3424/0/1' AND d.endpoint = ANY($2)`,
          [city.id, endpoints],
        );
        return Number(rows[0]!.n) >= readings ? rows[0]! : undefined;
      },
      120_000,
      'the district readings in telemetry',
    );
    expect(Number(stored.n)).toBe(readings);
    expect(stored.min.getTime()).toBe(plan.district.startMs + H);
    expect(stored.max.getTime()).toBe(plan.district.startMs + DAYS * DAY);

    // The area, through the gateway: inlet and customers by endpoint (auto-provisioned at registration).
    const admin = await demoToken('platform-admin');
    const created = await graphql<{ createWaterArea: { id: string; memberDeviceIds: string[] } }>(
      pipeline.gatewayUrl!,
      admin,
      city.id,
      `
        mutation ($input: CreateWaterAreaInput!) {
          createWaterArea(input: $input) {
            id
            memberDeviceIds
          }
        }
      `,
      { input: { name: 'district', inletEndpoint: endpoints[0], memberEndpoints: endpoints.slice(1) } },
    );
    expect(created.errors).toBeUndefined();
    const areaId = created.data!.createWaterArea.id;
    expect(created.data!.createWaterArea.memberDeviceIds).toHaveLength(CUSTOMERS);

    // The decoder's rollups of this city's marked hours, then its water job (the long-running decoder's jobs).
    await eventually(
      async () => {
        const marks = await withTenant(
          tenants.owner,
          city.id,
          async (c) =>
            (
              await c.query<{ bucket: Date; version: string }>(
                'SELECT bucket, version FROM telemetry_rollup_pending WHERE tenant_id = $1',
                [city.id],
              )
            ).rows,
        );
        for (const m of marks) {
          await withTenant(tenants.owner, city.id, async (c) => {
            await c.query(ROLLUP_SQL, [city.id, m.bucket]);
            await c.query(
              'DELETE FROM telemetry_rollup_pending WHERE tenant_id = $1 AND bucket = $2 AND version = $3',
              [city.id, m.bucket, m.version],
            );
          });
        }
        return marks.length === 0 ? true : undefined;
      },
      60_000,
      'the rollups of the district hours',
    );
    const job = new WaterJob(tenants.owner, createLogger({ app: 'e2e-water', level: 'silent' }));
    const done = await job.runTenant(city.id);
    expect(done).toBeDefined();

    // The balance through the gateway, against the district model's own figures for the full days.
    const first = new Date(plan.district.startMs + DAY).toISOString().slice(0, 10);
    const last = new Date(now).toISOString().slice(0, 10);
    const balance = await graphql<{ waterBalance: { days: BalanceDay[] } }>(
      pipeline.gatewayUrl!,
      admin,
      city.id,
      `
        query ($id: ID!, $from: String!, $to: String!) {
          waterBalance(areaId: $id, from: $from, to: $to) {
            days {
              day
              inflowM3
              billedM3
              nrwM3
              metersReporting
              metersTotal
            }
          }
        }
      `,
      { id: areaId, from: first, to: last },
    );
    expect(balance.errors).toBeUndefined();
    const model = new DistrictModel(plan.district);
    const days = balance.data!.waterBalance.days.filter((d) => d.inflowM3 !== null);
    expect(days.length).toBeGreaterThanOrEqual(DAYS - 2);
    const leakFrom = plan.district.networkLeak!.fromMs;
    for (const d of days) {
      const start = Date.parse(`${d.day}T00:00:00Z`);
      if (start + DAY > now) continue;
      let loss = 0;
      for (let t = start; t < start + DAY; t += H) loss += model.lossFlow(t);
      expect(d).toMatchObject({ metersReporting: CUSTOMERS, metersTotal: CUSTOMERS });
      expect(d.nrwM3!).toBeCloseTo(loss, 2);
      if (start >= leakFrom) expect(d.nrwM3!).toBeGreaterThan(24 * LEAK_M3H);
    }

    // The growing meter's leak and the area's loss rate: raised, and nothing on the other meters.
    const alarms = await tenants.owner.query<{ endpoint: string; type: string; source_path: string }>(
      `SELECT d.endpoint, a.type, a.source_path FROM alarms a JOIN devices d ON d.id = a.device_id
       WHERE a.tenant_id = $1 AND a.status = 'ACTIVE' ORDER BY a.type`,
      [city.id],
    );
    expect(alarms.rows).toEqual(
      expect.arrayContaining([
        { endpoint: endpoints[0], type: 'area_loss_rate_rise', source_path: `/water-area/${areaId}` },
        { endpoint: endpoints[GROWING + 1], type: 'leak_suspected_from_flow', source_path: '/3424/0' },
      ]),
    );
    const meterAlarms = alarms.rows.filter((a) => a.type === 'leak_suspected_from_flow');
    expect(meterAlarms.map((a) => a.endpoint)).toEqual([endpoints[GROWING + 1]]);
    const areaAlarms = await graphql<{ waterArea: { alarms: { type: string }[] } }>(
      pipeline.gatewayUrl!,
      admin,
      city.id,
      'query($id: ID!) { waterArea(id: $id) { alarms { type } } }',
      { id: areaId },
    );
    expect(areaAlarms.data!.waterArea.alarms.map((a) => a.type)).toContain('area_loss_rate_rise');

    // Partners get them on city.<tenant>.events.v1 (the water job's outbox, published by the decoder's relay), in
    // the AsyncAPI contract's shape.
    const events: { type: string; alarm?: { type: string; path: string } }[] = [];
    const consumer = new Kafka({
      brokers: E2E.kafkaBrokers,
      clientId: 'e2e-water',
      logLevel: logLevel.NOTHING,
    }).consumer({ groupId: `e2e-water-${run}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: cityEventsTopic(city.id), fromBeginning: true });
      const validate = partnerSchemaValidators().event;
      const invalid: unknown[] = [];
      await consumer.run({
        eachMessage: async ({ message }) => {
          const event = JSON.parse(message.value!.toString()) as (typeof events)[number];
          if (!validate(event)) invalid.push(validate.errors);
          events.push(event);
        },
      });
      const raised = await eventually(
        async () =>
          events.find((e) => e.type === 'alarm.raised' && e.alarm?.type === 'area_loss_rate_rise') ??
          undefined,
        60_000,
        'the area alarm on the partner topic',
      );
      expect(raised.alarm!.path).toBe(`/water-area/${areaId}`);
      expect(invalid).toEqual([]);
    } finally {
      await consumer.disconnect();
    }
  });
});
