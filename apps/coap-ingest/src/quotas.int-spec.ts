import { CoapCode, CoapOption, decodeUint, getOption } from '@smartcity/coap';
import { type IngestApp } from './ingest.app';
import { IngestTestWorld } from './testing/ingest-harness';
import { TestDevice } from './testing/test-device';

jest.setTimeout(60_000);

/**
 * Tenants' plan quotas at the ingest (issue 17 item 7): a city's messages/s and burst, and its stored-values
 * maximum, refused with 4.29 and Max-Age (RFC 8516) where the work enters; accepted messages metered per day.
 */
describe('coap-ingest tenant quotas (real PostgreSQL, Kafka, Redis)', () => {
  const world = new IngestTestWorld();
  const endpoint = `quota-${world.run}`;
  let app: IngestApp;
  let device: TestDevice;
  const send = (v: number) =>
    device.request({
      code: CoapCode.POST,
      path: ['dp'],
      contentFormat: 110,
      payload: JSON.stringify([{ n: '/3303/0/5700', v }]),
    });
  const setQuota = (rate: number, burst: number, maxStoredValues: number | null) =>
    world.owner.query(
      `INSERT INTO tenant_quotas (tenant_id, max_messages_per_second, message_burst, max_stored_values)
       VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id) DO UPDATE
       SET max_messages_per_second = $2, message_burst = $3, max_stored_values = $4`,
      [world.tenant, rate, burst, maxStoredValues],
    );
  const usedMessages = async () => {
    const { rows } = await world.owner.query<{ messages: string }>(
      'SELECT messages FROM tenant_usage_daily WHERE tenant_id = $1',
      [world.tenant],
    );
    return rows.reduce((n, r) => n + Number(r.messages), 0);
  };

  beforeAll(async () => {
    await world.createTenant();
    await world.provision(endpoint);
    // A burst of 5 at 1 message/s: the Register and four Sends pass, the fifth Send is refused.
    await setQuota(1, 5, null);
    app = await world.startIngest({ QUOTA_REFRESH_MS: 200, USAGE_FLUSH_MS: 200 });
    await world.readUplinks();
    device = new TestDevice(app.coapPort());
    await device.open();
  });

  afterAll(async () => {
    device.close();
    await world.cleanup();
  });

  it("refuses messages beyond the city's burst with 4.29 and Max-Age; only the accepted ones reach Kafka", async () => {
    const registered = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=${endpoint}`, 'lwm2m=1.1'],
      payload: '</3303/0>',
    });
    expect(registered.code).toBe(CoapCode.Created);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await send(i));
    expect(answers.map((a) => a.code)).toEqual([
      ...Array(4).fill(CoapCode.Changed),
      CoapCode.TooManyRequests,
    ]);
    const refused = answers[4]!;
    expect(decodeUint(getOption(refused, CoapOption.MaxAge))).toBeGreaterThanOrEqual(1);
    expect(refused.payload.toString()).toBe("the city's message quota is exceeded");
    await world.sentinel();
    expect(world.uplinks.filter((u) => u.endpoint === endpoint && u.kind === 'send')).toHaveLength(4);
  });

  it("meters the accepted messages into the city's usage of the day (the refused one is not counted)", async () => {
    const deadline = Date.now() + 15_000;
    while ((await usedMessages()) < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await usedMessages()).toBe(5);
  });

  it("refuses every message with Max-Age 3600 once the city's stored values reach its quota", async () => {
    await setQuota(1000, 1000, 0);
    // The new limits take effect at the next refresh (QUOTA_REFRESH_MS): until then the old rate answers.
    const storageRefusal = (a: Awaited<ReturnType<typeof send>>) =>
      a.code === CoapCode.TooManyRequests && decodeUint(getOption(a, CoapOption.MaxAge)) === 3600;
    let answer = await send(100);
    const deadline = Date.now() + 10_000;
    while (!storageRefusal(answer) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      answer = await send(100);
    }
    expect(answer.code).toBe(CoapCode.TooManyRequests);
    expect(decodeUint(getOption(answer, CoapOption.MaxAge))).toBe(3600);
    expect(answer.payload.toString()).toBe("the city's stored data reached its plan's quota");
  });
});
