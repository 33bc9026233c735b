import { CoapCode, CoapOption, FakeClock, getOptions, type CoapMessage } from '@smartcity/coap';
import { IngestTestWorld } from './testing/ingest-harness';
import { TestDevice } from './testing/test-device';

jest.setTimeout(60_000);

describe('coap-ingest queue mode (LwM2M Transport §6.5)', () => {
  const world = new IngestTestWorld();
  const endpoint = `queue-${world.run}`;

  beforeAll(async () => {
    await world.createTenant();
    await world.provision(endpoint);
  });

  afterAll(() => world.cleanup());

  it('holds a request while the device sleeps and sends it right after its next uplink (on fake time)', async () => {
    // The ingest runs on a fake clock started at the real time: the awake window passes when the test says so.
    const clock = new FakeClock(Date.now());
    const app = await world.startIngest({ QUEUE_AWAKE_WINDOW_S: 1 }, { clock });
    const device = new TestDevice(app.coapPort());
    await device.open();
    const seen: CoapMessage[] = [];
    device.onRequest = (m) => {
      seen.push(m);
      return { code: CoapCode.Content, payload: Buffer.from('ok') };
    };
    const created = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=${endpoint}`, 'lwm2m=1.1', 'Q'],
      payload: '</3/0>',
    });
    expect(created.code).toBe(CoapCode.Created);
    const id = getOptions(created, CoapOption.LocationPath)[1]!.toString();
    const owned = app.local.get(id)!;
    clock.advance(1100); // the awake window passed: the device sleeps
    expect(app.requests.isAwake(owned)).toBe(false);

    const result = app.requests.execute(endpoint, { op: 'read', path: '/3/0/0' }, clock.now() + 10_000);
    await eventually(() => owned.held.length === 1); // held, not sent
    expect(seen).toHaveLength(0);
    const update = await device.request({ code: CoapCode.POST, path: ['rd', id] });
    expect(update.code).toBe(CoapCode.Changed);
    expect(await result).toMatchObject({ status: 'completed', coapCode: '2.05' });
    expect(seen).toHaveLength(1);

    clock.advance(1100);
    const expiring = app.requests.execute(endpoint, { op: 'read', path: '/3/0/0' }, clock.now() + 300);
    await eventually(() => owned.held.length === 1);
    clock.advance(300);
    expect((await expiring).status).toBe('expired');
    expect(seen).toHaveLength(1);
    device.close();
  });
});

async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}
