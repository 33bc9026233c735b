import { CoapCode, CoapOption, getOptions } from '@smartcity/coap';
import { type IngestApp } from './ingest.app';
import { IngestTestWorld } from './testing/ingest-harness';
import { TestDevice } from './testing/test-device';

const LINKS = '</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>,</3303>;ver=1.1,</3303/0>';

jest.setTimeout(60_000);

describe('coap-ingest registration interface (real Redis, Kafka, PostgreSQL)', () => {
  const world = new IngestTestWorld();
  let app: IngestApp;
  let device: TestDevice;

  beforeAll(async () => {
    await world.createTenant({ autoProvisionPrefix: `auto-${world.run}-` });
    await world.provision(`ep-${world.run}-1`);
    await world.provision(`ep-${world.run}-exp`);
    app = await world.startIngest({ REGISTRATION_GRACE_S: 0, EXPIRY_INTERVAL_MS: 200 });
    await world.readUplinks();
    device = new TestDevice(app.coapPort());
    await device.open();
  });

  afterAll(async () => {
    device.close();
    await world.cleanup();
  });

  it('registers, updates and de-registers; Kafka receives exactly those events in order', async () => {
    const endpoint = `ep-${world.run}-1`;
    const created = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=${endpoint}`, 'lt=300', 'lwm2m=1.1', 'b=U'],
      payload: LINKS,
      contentFormat: 40,
    });
    expect(created.code).toBe(CoapCode.Created);
    const location = getOptions(created, CoapOption.LocationPath).map((b) => b.toString());
    expect(location[0]).toBe('rd');
    const id = location[1]!;

    const updated = await device.request({ code: CoapCode.POST, path: ['rd', id], query: ['lt=600'] });
    expect(updated.code).toBe(CoapCode.Changed);
    const deleted = await device.request({ code: CoapCode.DELETE, path: ['rd', id] });
    expect(deleted.code).toBe(CoapCode.Deleted);
    const again = await device.request({ code: CoapCode.DELETE, path: ['rd', id] });
    expect(again.code).toBe(CoapCode.NotFound);

    const events = await world.waitForUplinks((u) => u.endpoint === endpoint, 3);
    // A sentinel after them on the same (single-partition) topic: once it is read, nothing else is on its way.
    await world.sentinel();
    const all = world.uplinks.filter((u) => u.endpoint === endpoint);
    expect(all.map((u) => u.kind)).toEqual(['registration', 'update', 'deregistration']);
    expect(events[0]).toMatchObject({
      kind: 'registration',
      tenant: world.tenant,
      registrationId: id,
      lwm2mVersion: '1.1',
      lifetime: 300,
      // Server and Device without ver: their LwM2M 1.1 versions (Core 1.1.1 §7.2.3)
      objectVersions: { '1': '1.1', '3': '1.1', '3303': '1.1' },
      address: `127.0.0.1:${device.port}`,
    });
    expect(events[1]).toMatchObject({ kind: 'update', lifetime: 600 });
  });

  it.each([
    ['missing ep', ['lt=60', 'lwm2m=1.1']],
    ['unsupported lwm2m version', ['ep=x', 'lwm2m=2.0']],
    ['a 1.0 client with the Q parameter', ['ep=x', 'lwm2m=1.0', 'Q']],
    ['a 1.1 binding with a repeated letter', ['ep=x', 'lwm2m=1.1', 'b=UU']],
    ['lifetime 0', ['ep=x', 'lt=0']],
  ])('answers 4.00 with a diagnostic payload for %s', async (_name, query) => {
    const r = await device.request({ code: CoapCode.POST, path: ['rd'], query, payload: '</1/0>' });
    expect(r.code).toBe(CoapCode.BadRequest);
    expect(r.payload.length).toBeGreaterThan(0);
  });

  it('refuses an unknown endpoint with 4.03 and auto-provisions one matching the tenant prefix', async () => {
    const unknown = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=nobody-${world.run}`],
      payload: '</1/0>',
    });
    expect(unknown.code).toBe(CoapCode.Forbidden);
    const auto = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=auto-${world.run}-7`],
      payload: '</1/0>',
    });
    expect(auto.code).toBe(CoapCode.Created);
    const row = await world.owner.query('SELECT auto_provisioned FROM devices WHERE endpoint = $1', [
      `auto-${world.run}-7`,
    ]);
    expect(row.rows[0]).toEqual({ auto_provisioned: true });
  });

  it('answers 4.04 to an Update of an unknown registration', async () => {
    const r = await device.request({ code: CoapCode.POST, path: ['rd', 'doesnotexist'], query: ['lt=60'] });
    expect(r.code).toBe(CoapCode.NotFound);
  });

  it('publishes one expiry event when the lifetime passes without an Update', async () => {
    const endpoint = `ep-${world.run}-exp`;
    const other = new TestDevice(app.coapPort());
    await other.open();
    const r = await other.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=${endpoint}`, 'lt=1'],
      payload: '</1/0>',
    });
    expect(r.code).toBe(CoapCode.Created);
    const expired = await world.waitForUplinks(
      (u) => u.endpoint === endpoint && u.kind === 'expiry',
      1,
      10_000,
    );
    expect(expired).toHaveLength(1);
    const id = getOptions(r, CoapOption.LocationPath)[1]!.toString();
    const update = await other.request({ code: CoapCode.POST, path: ['rd', id] });
    expect(update.code).toBe(CoapCode.NotFound);
    await new Promise((res) => setTimeout(res, 500));
    expect(world.uplinks.filter((u) => u.endpoint === endpoint && u.kind === 'expiry')).toHaveLength(1);
    other.close();
  });
});
