import { RetentionJob } from './jobs/retention.job';
import { RollupJob } from './jobs/rollup.job';
import { DecoderHarness } from './testing/decoder-harness';
import { senmlSend, senmlSeries } from './testing/uplinks';

jest.setTimeout(120_000);

describe('decoder background jobs against the local stack', () => {
  const h = new DecoderHarness();
  afterAll(() => h.cleanup());

  it('recomputes hourly rollups of the hours a batch touched, idempotently', async () => {
    const tenant = h.tenant('rollup');
    await h.createTenant(tenant);
    await h.createTopics(2);
    const dev = await h.createDevice(tenant, 'r1');
    const hour = Math.floor(Date.now() / 3_600_000) * 3600 - 5 * 3600;
    // 120 values one minute apart: 60 in each of two hours, values 0.0 .. 11.9.
    await h.produce([
      senmlSend(dev, senmlSeries('/3303/0/5700', hour, 60, 60, 0)),
      senmlSend(dev, senmlSeries('/3303/0/5700', hour + 3600, 60, 60, 6)),
    ]);
    const decoder = await h.startDecoder();
    await h.waitFor(
      () => h.count('SELECT count(*) AS n FROM telemetry WHERE device_id = $1', [dev.deviceId]),
      (n) => n === 120,
    );
    await h.waitFor(
      () => h.lag(decoder.config.DECODER_GROUP_ID),
      (l) => l === 0,
    );
    await decoder.stop();
    expect(
      await h.count('SELECT count(*) AS n FROM telemetry_rollup_pending WHERE tenant_id = $1', [tenant]),
    ).toBe(2);

    const job = new RollupJob(h.app);
    const rollups = async () =>
      (
        await h.owner.query(
          `SELECT extract(epoch FROM bucket)::float8 AS bucket, samples, num_count, num_min, num_max, round(num_avg::numeric, 6)::float8 AS avg, last_num
           FROM telemetry_hourly WHERE device_id = $1 ORDER BY bucket`,
          [dev.deviceId],
        )
      ).rows;
    await job.run();
    const expected = [
      { bucket: hour, samples: 60, num_count: 60, num_min: 0, num_max: 5.9, avg: 2.95, last_num: 5.9 },
      {
        bucket: hour + 3600,
        samples: 60,
        num_count: 60,
        num_min: 6,
        num_max: 11.9,
        avg: 8.95,
        last_num: 11.9,
      },
    ];
    expect(await rollups()).toEqual(expected);
    expect(
      await h.count('SELECT count(*) AS n FROM telemetry_rollup_pending WHERE tenant_id = $1', [tenant]),
    ).toBe(0);

    // A replay marks the hours again; recomputing gives the same rollups (nothing counted twice).
    const replay = await h.startDecoder();
    await h.waitFor(
      () => h.lag(replay.config.DECODER_GROUP_ID),
      (l) => l === 0,
    );
    await replay.stop();
    await job.run();
    expect(await rollups()).toEqual(expected);
  });

  it('applies each tenant retention: rows older than a short retention go, the others stay', async () => {
    const short = h.tenant('ret1');
    const long = h.tenant('ret400');
    await h.createTenant(short, 1);
    await h.createTenant(long, 400);
    const devShort = await h.createDevice(short, 'r');
    const devLong = await h.createDevice(long, 'r');
    const now = Math.floor(Date.now() / 1000);
    const old = now - 3 * 86_400;
    await h.produce([
      senmlSend(devShort, senmlSeries('/3303/0/5700', old, 5)),
      senmlSend(devShort, senmlSeries('/3303/0/5700', now - 60, 3)),
      senmlSend(devLong, senmlSeries('/3303/0/5700', old, 5)),
    ]);
    const decoder = await h.startDecoder();
    await h.waitFor(
      () => h.lag(decoder.config.DECODER_GROUP_ID),
      (l) => l === 0,
    );
    await decoder.stop();
    expect(
      await h.count('SELECT count(*) AS n FROM telemetry WHERE device_id = $1', [devShort.deviceId]),
    ).toBe(8);

    const outcome = await new RetentionJob(h.app).run();
    expect(outcome.deletedRows).toBeGreaterThanOrEqual(5);
    expect(
      await h.count('SELECT count(*) AS n FROM telemetry WHERE device_id = $1', [devShort.deviceId]),
    ).toBe(3);
    expect(
      await h.count('SELECT count(*) AS n FROM telemetry WHERE device_id = $1', [devLong.deviceId]),
    ).toBe(5);
  });
});
