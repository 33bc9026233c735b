import { type RegistrationUplink, type SendUplink } from '@smartcity/platform-contracts';
import { DecoderHarness } from './testing/decoder-harness';
import { registration, senmlSend } from './testing/uplinks';

jest.setTimeout(120_000);

/**
 * Inputs that devices or the ingest control and that once broke a batch or doubled a value (issue 16, findings 3-5):
 * each must be stored once, with nothing dead-lettered.
 */
describe('decoder inputs at the edge of their range', () => {
  const h = new DecoderHarness();
  const tenant = h.tenant('inputs');

  beforeAll(async () => {
    await h.createTenant(tenant);
    await h.createTopics(2);
  });
  afterAll(() => h.cleanup());

  const drain = async (decoder: Awaited<ReturnType<DecoderHarness['startDecoder']>>) => {
    await h.waitFor(
      () => h.lag(decoder.config.DECODER_GROUP_ID),
      (lag) => lag === 0,
    );
  };

  it('stores a registration with lifetime 4294967295 (uint32 max) instead of rejecting it', async () => {
    const dev = await h.createDevice(tenant, 'lt-max');
    const reg = registration(dev) as RegistrationUplink;
    await h.produce([{ ...reg, lifetime: 4_294_967_295 }]);
    const decoder = await h.startDecoder({ DECODER_MAX_ATTEMPTS: '1' });
    await drain(decoder);
    await decoder.stop();
    const { rows } = await h.owner.query<{ lifetime: string }>(
      'SELECT lifetime::text FROM registrations WHERE device_id = $1',
      [dev.deviceId],
    );
    expect(rows).toEqual([{ lifetime: '4294967295' }]);
    const { rows: device } = await h.owner.query<{ status: string; lifetime: string }>(
      'SELECT status, lifetime::text FROM devices WHERE id = $1',
      [dev.deviceId],
    );
    // The device summary is read as a GraphQL Int (32-bit signed): it holds the lifetime capped to 2^31-1 s (68 years).
    expect(device).toEqual([{ status: 'REGISTERED', lifetime: '2147483647' }]);
  });

  it('stores a value stamped t=1e13 at its receive time without sending its batch into single-message retries', async () => {
    const good = await h.createDevice(tenant, 'time-good');
    const wild = await h.createDevice(tenant, 'time-wild');
    const receivedAt = Date.now();
    const now = Math.floor(receivedAt / 1000);
    await h.produce([
      senmlSend(good, [{ n: '/3303/0/5700', t: now - 10, v: 1 }], receivedAt),
      senmlSend(wild, [{ n: '/3303/0/5700', t: 1e13, v: 2 }], receivedAt),
      senmlSend(wild, [{ n: '/3303/0/5601', t: 4_102_444_800, v: 3 }], receivedAt), // 2100-01-01
      senmlSend(good, [{ n: '/3303/0/5700', t: now - 5, v: 4 }], receivedAt),
    ]);
    const decoder = await h.startDecoder({ DECODER_MAX_ATTEMPTS: '1' });
    await drain(decoder);
    const metrics = await decoder.service.metrics.retries.get();
    await decoder.stop();
    expect(metrics.values.filter((v) => v.labels.reason === 'rejected')).toEqual([]);
    const { rows } = await h.owner.query<{ path: string; s: number; v: number; quality: string | null }>(
      `SELECT path, extract(epoch FROM time)::float8 AS s, value_num AS v, quality FROM telemetry
       WHERE device_id = ANY($1) ORDER BY value_num`,
      [[good.deviceId, wild.deviceId]],
    );
    expect(rows.map((r) => [r.v, r.s])).toEqual([
      [1, now - 10],
      [2, receivedAt / 1000],
      [3, receivedAt / 1000],
      [4, now - 5],
    ]);
    expect(JSON.parse(rows[1]!.quality!)).toEqual({ timeSource: 'received', deviceTime: 1e13 });
    expect(JSON.parse(rows[2]!.quality!)).toEqual({ timeSource: 'received', deviceTime: 4_102_444_800 });
  });

  it('stores an untimed value once when the ingest marks a retry after 5.03 with the first receive time', async () => {
    const dev = await h.createDevice(tenant, 'retry');
    const first = Date.now() - 20_000;
    const attempt = senmlSend(dev, [{ n: '/3303/0/5700', v: 21.5 }], first);
    // The device retried after Max-Age: a new CoAP message, received later, with the same payload.
    const retry: SendUplink = {
      ...(senmlSend(dev, [{ n: '/3303/0/5700', v: 21.5 }], first + 5_000) as SendUplink),
      firstReceivedAt: first,
    };
    await h.produce([attempt, retry]);
    const decoder = await h.startDecoder();
    await drain(decoder);
    await decoder.stop();
    const { rows } = await h.owner.query<{ s: number }>(
      'SELECT extract(epoch FROM time)::float8 AS s FROM telemetry WHERE device_id = $1',
      [dev.deviceId],
    );
    expect(rows).toEqual([{ s: first / 1000 }]);
  });
});
