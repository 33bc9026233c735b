/**
 * Interoperability of our coap-ingest (the real one, on the local Kafka/Redis/PostgreSQL) with Eclipse Leshan's
 * LwM2M *client* (leshan-client-cf 2.0.0-M15 on Californium 3.12, from Maven Central), driven through the harness
 * of test/interop/leshan-client. Leshan registers, Sends, updates and de-registers; the server reads, writes,
 * executes, observes and observes a composite of Leshan's resources through the ingest's device request API.
 * What Leshan put on the wire reaches Kafka unchanged, and is decoded here with @smartcity/lwm2m-codec.
 */
import { ContentFormat, decode, encode } from '@smartcity/lwm2m-codec';
import { type Lwm2mRecord, Lwm2mPath } from '@smartcity/lwm2m-core';
import { type UplinkMessage } from '@smartcity/platform-contracts';
import { loadBundledRegistry, objectVersionsFromRecord } from '@smartcity/ucifi-model';
import { type IngestApp } from '../../apps/coap-ingest/src/ingest.app';
import { IngestTestWorld } from '../../apps/coap-ingest/src/testing/ingest-harness';
import { LeshanClientPeer } from './leshan-client/leshan-client';

jest.setTimeout(90_000);

const registry = loadBundledRegistry();
const deadline = () => Date.now() + 15_000;

type WithPayload = Extract<UplinkMessage, { payload: string }>;

describe('coap-ingest with the Eclipse Leshan client', () => {
  const world = new IngestTestWorld();
  const endpoint = `leshan-${world.run}`;
  let app: IngestApp;
  let leshan: LeshanClientPeer;
  let registration: UplinkMessage;

  const mine = (kind: UplinkMessage['kind']) => (u: UplinkMessage) =>
    u.endpoint === endpoint && u.kind === kind;
  const uplink = async <K extends UplinkMessage['kind']>(kind: K, count = 1) => {
    const found = await world.waitForUplinks(mine(kind), count, 20_000);
    expect(found.length).toBeGreaterThanOrEqual(count);
    return found as Extract<UplinkMessage, { kind: K }>[];
  };
  /** Decodes a payload with the models of the versions Leshan announced at registration. */
  const records = (payload: Buffer, contentFormat: number, path = Lwm2mPath.ROOT): Lwm2mRecord[] =>
    decode(payload, contentFormat, {
      path,
      models: registry.providerFor(objectVersionsFromRecord(registration.objectVersions)),
    });
  const valueAt = (rs: readonly Lwm2mRecord[], path: string) =>
    rs.find((r) => r.path.toString() === path)?.value;
  const request = (from: number, op: string) =>
    leshan.waitFor('request', { from, where: (e) => e['op'] === op });

  beforeAll(async () => {
    await world.createTenant();
    await world.provision(endpoint);
    app = await world.startIngest();
    await world.readUplinks();
    leshan = await LeshanClientPeer.launch();
    await leshan.start({ endpoint, serverUri: `coap://127.0.0.1:${app.coapPort()}`, lifetime: 120 });
    await leshan.registered(0, 60_000);
    [registration] = (await world.waitForUplinks(mine('registration'), 1, 20_000)) as [UplinkMessage];
  }, 240_000);

  afterAll(async () => {
    await leshan?.stop();
    await world.cleanup();
  });

  it('registers: the uplink carries the links and object versions Leshan announced (Core 1.1.1 §6.2.1)', async () => {
    expect(registration).toBeDefined();
    const register = await leshan.waitFor('uplink', { from: 0, where: (e) => e['path'] === '/rd' });
    const created = await leshan.waitFor('uplink-response', {
      from: 0,
      where: (e) => e['token'] === register['token'],
    });
    expect(created['code']).toBe('2.01');
    expect(created['location']).toMatch(/^\/rd\/[a-z2-7]{10}$/);
    expect(registration).toMatchObject({
      kind: 'registration',
      lwm2mVersion: '1.1',
      lifetime: 120,
      binding: 'U',
      objectVersions: { '3303': '1.1', '3416': '2.0' },
    });
    const links = registration.kind === 'registration' ? registration.links : '';
    expect(links).toBe(Buffer.from(String(register['payload']), 'base64').toString());
    expect(links).toContain('</3303>;ver=1.1');
    expect(links).toContain('</3303/0>');
    expect(links).toContain('</6/0>');
  });

  it('takes the LwM2M 1.1 versions of core objects announced without `ver` (Core 1.1.1 §7.2.3)', () => {
    // Leshan (lwm2m=1.1) omits `ver` for Server /1 v1.1 and Device /3 v1.1: the versions its enabler release
    // contains (Core 1.1.1 §7.2.3 and Appendix E; Leshan issue #1434). A missing `ver` means 1.0 only for
    // objects outside the core set (Location /6 here).
    const links = registration.kind === 'registration' ? registration.links : '';
    expect(links).toContain('</3/0>');
    expect(links).not.toContain('</3>;ver');
    expect(registration.objectVersions).toMatchObject({ '1': '1.1', '3': '1.1', '6': '1.0' });
  });

  it('takes an untimed SenML CBOR Send', async () => {
    const before = world.uplinks.filter(mine('send')).length;
    const sent = await leshan.send(['/3303/0/5700', '/3/0/9'], { timestamped: false });
    expect(sent).toMatchObject({ event: 'sent', code: '2.04' });
    const send = (await uplink('send', before + 1))[before] as WithPayload;
    const rs = records(Buffer.from(send.payload, 'base64'), send.contentFormat);
    expect(valueAt(rs, '/3303/0/5700')).toBe(21.5);
    expect(rs.every((r) => r.time === undefined)).toBe(true);
  });

  it('takes a SenML CBOR Send with a whole-second base time (a decimal fraction with exponent 0)', async () => {
    const before = world.uplinks.filter(mine('send')).length;
    const sent = await leshan.send(['/3303/0/5700'], { timestamp: '1700000000' });
    expect(sent).toMatchObject({ event: 'sent', code: '2.04' });
    const send = (await uplink('send', before + 1))[before] as WithPayload;
    // Leshan writes every timestamp as a decimal fraction, whole seconds too: tag 4 of [0, 1700000000].
    expect(Buffer.from(send.payload, 'base64').toString('hex')).toContain('22c482001a6553f100');
    const rs = records(Buffer.from(send.payload, 'base64'), send.contentFormat);
    expect(rs).toEqual([expect.objectContaining({ value: 21.5, time: 1700000000 })]);
  });

  it('takes a timestamped SenML CBOR Send: `bt` is a decimal fraction (RFC 8949 §3.4.4 tag 4) decoded as seconds', async () => {
    const before = world.uplinks.filter(mine('send')).length;
    const sent = await leshan.send(['/3303/0/5700', '/3/0/9'], { timestamp: '1700000000.123456789' });
    expect(sent).toMatchObject({ event: 'sent', code: '2.04' });
    const send = (await uplink('send', before + 1))[before] as WithPayload;
    expect(send.contentFormat).toBe(ContentFormat.SENML_CBOR);
    const payload = Buffer.from(send.payload, 'base64');
    // The wire form under test: `bt` (label -3, 0x22) is tag 4 (0xc4) of [exponent -9 (0x28), mantissa
    // 1700000000123456789 (0x1b 17979cfe3d85cd15)]: RFC 8428 §6 lets SenML CBOR carry numbers as decimal fractions.
    expect(payload.toString('hex')).toContain('22c482281b17979cfe3d85cd15');
    const rs = records(payload, send.contentFormat);
    expect(valueAt(rs, '/3303/0/5700')).toBe(21.5);
    expect(valueAt(rs, '/3/0/9')).toBe(93);
    for (const r of rs) expect(r.time).toBeCloseTo(1700000000.123456789, 6);
  });

  it('takes a SenML JSON Send with its base time', async () => {
    const before = world.uplinks.filter(mine('send')).length;
    const sent = await leshan.send(['/3303/0/5700'], { format: 'senml-json', timestamp: '1700000001.5' });
    expect(sent).toMatchObject({ event: 'sent', code: '2.04' });
    const json = (await uplink('send', before + 1))[before] as WithPayload;
    expect(json.contentFormat).toBe(ContentFormat.SENML_JSON);
    const rs = records(Buffer.from(json.payload, 'base64'), json.contentFormat);
    expect(rs).toEqual([expect.objectContaining({ value: 21.5, time: 1700000001.5 })]);
  });

  it('keeps the registration with an Update (Core 1.1.1 §6.2.2)', async () => {
    await leshan.update();
    const [update] = await uplink('update');
    expect(update?.registrationId).toBe(registration.registrationId);
  });

  it('reads a resource and an instance from Leshan', async () => {
    const from = leshan.cursor;
    const one = await app.requests.execute(endpoint, { op: 'read', path: '/3/0/9' }, deadline());
    expect(one).toMatchObject({ status: 'completed', coapCode: '2.05' });
    expect(valueAt(records(one.payload!, one.contentFormat!, Lwm2mPath.parse('/3/0/9')), '/3/0/9')).toBe(93);
    const whole = await app.requests.execute(endpoint, { op: 'read', path: '/3/0' }, deadline());
    expect(whole).toMatchObject({ status: 'completed', coapCode: '2.05' });
    const rs = records(whole.payload!, whole.contentFormat!, Lwm2mPath.parse('/3/0'));
    expect(valueAt(rs, '/3/0/0')).toBe('Eclipse Leshan');
    expect(valueAt(rs, '/3/0/11/0')).toBe(0);
    expect((await request(from, 'read'))['path']).toBe('/3/0/9');
  });

  it('writes a resource in text and in SenML CBOR encoded by our codec', async () => {
    const text = await app.requests.execute(
      endpoint,
      {
        op: 'write',
        path: '/3416/0/1',
        replace: true,
        contentFormat: ContentFormat.TEXT,
        payload: Buffer.from('40').toString('base64'),
      },
      deadline(),
    );
    expect(text).toMatchObject({ status: 'completed', coapCode: '2.04' });
    await leshan.waitFor('written', { from: 0, where: (e) => e['value'] === 40 });

    const path = Lwm2mPath.parse('/3416/0/1');
    const cbor = encode([{ path, type: 'integer', value: 55 }], ContentFormat.SENML_CBOR, {
      path,
      models: registry.providerFor(objectVersionsFromRecord(registration.objectVersions)),
    });
    const senml = await app.requests.execute(
      endpoint,
      {
        op: 'write',
        path: '/3416/0/1',
        replace: true,
        contentFormat: ContentFormat.SENML_CBOR,
        payload: Buffer.from(cbor).toString('base64'),
      },
      deadline(),
    );
    expect(senml).toMatchObject({ status: 'completed', coapCode: '2.04' });
    await leshan.waitFor('written', { from: 0, where: (e) => e['value'] === 55 });
  });

  it('executes a resource (Reboot /3/0/4)', async () => {
    const from = leshan.cursor;
    const exec = await app.requests.execute(endpoint, { op: 'execute', path: '/3/0/4' }, deadline());
    expect(exec).toMatchObject({ status: 'completed', coapCode: '2.04' });
    expect((await leshan.waitFor('executed', { from }))['path']).toBe('/3/0/4');
  });

  it('observes a resource, publishes its notifications, and cancels (RFC 7641 §3.6)', async () => {
    const from = leshan.cursor;
    const observed = await app.requests.execute(
      endpoint,
      { op: 'observe', path: '/3303/0/5700' },
      deadline(),
    );
    expect(observed).toMatchObject({ status: 'completed', coapCode: '2.05' });
    await request(from, 'observe');

    await leshan.set('/3303/0/5700', 23.25);
    const notification = await leshan.waitFor('notification', { from });
    const [notify] = (await uplink('notify')) as [Extract<UplinkMessage, { kind: 'notify' }>];
    expect(notify).toMatchObject({
      paths: ['/3303/0/5700'],
      token: String(notification['token']).toLowerCase(),
    });
    const path = Lwm2mPath.parse('/3303/0/5700');
    expect(
      valueAt(records(Buffer.from(notify.payload, 'base64'), notify.contentFormat, path), '/3303/0/5700'),
    ).toBe(23.25);

    const cancelFrom = leshan.cursor;
    const cancel = await app.requests.execute(
      endpoint,
      { op: 'cancel-observation', path: '/3303/0/5700' },
      deadline(),
    );
    expect(cancel).toMatchObject({ status: 'completed', coapCode: '2.05' });
    await request(cancelFrom, 'cancel-observe');
    await leshan.set('/3303/0/5700', 24);
    await new Promise((r) => setTimeout(r, 1500));
    expect(leshan.since(cancelFrom, 'notification')).toEqual([]);
    expect(world.uplinks.filter(mine('notify'))).toHaveLength(1);
  });

  it('observes a composite (Core 1.1.1 §6.4.1: FETCH + Observe) with notifications of several paths, and cancels', async () => {
    const paths = ['/3303/0/5700', '/3/0/9'];
    const from = leshan.cursor;
    const before = world.uplinks.filter(mine('notify')).length;
    const observed = await app.requests.execute(endpoint, { op: 'observe-composite', paths }, deadline());
    expect(observed).toMatchObject({ status: 'completed', coapCode: '2.05' });
    const fetch = await request(from, 'observe-composite');
    expect(fetch['method']).toBe('FETCH');
    const first = records(observed.payload!, observed.contentFormat!);
    expect(valueAt(first, '/3303/0/5700')).toBe(24);
    expect(valueAt(first, '/3/0/9')).toBe(93);

    await leshan.set('/3/0/9', 77);
    await leshan.waitFor('notification', { from });
    const notifies = (await uplink('notify', before + 1)).slice(before);
    const notify = notifies[0] as Extract<UplinkMessage, { kind: 'notify' }>;
    expect(notify.paths).toEqual(paths);
    const rs = records(Buffer.from(notify.payload, 'base64'), notify.contentFormat);
    expect(valueAt(rs, '/3/0/9')).toBe(77);
    expect(valueAt(rs, '/3303/0/5700')).toBe(24);

    const cancelFrom = leshan.cursor;
    const cancel = await app.requests.execute(
      endpoint,
      { op: 'cancel-observe-composite', paths },
      deadline(),
    );
    expect(cancel).toMatchObject({ status: 'completed', coapCode: '2.05' });
    expect((await request(cancelFrom, 'cancel-observe-composite'))['method']).toBe('FETCH');
    await leshan.set('/3/0/9', 78);
    await new Promise((r) => setTimeout(r, 1500));
    expect(leshan.since(cancelFrom, 'notification')).toEqual([]);
  });

  it('reaches the client at its new address after a NoSec address change (Transport 1.1.1 §6.4.3)', async () => {
    const from = leshan.cursor;
    const rebound = await leshan.rebind({ update: true });
    // Transport 1.1.1 §6.4.3: in NoSec mode a client whose address changed MUST register again. A server may take
    // the Update from the new address, or refuse it with 4.04 (Core 1.1.1 §6.2.2), after which Leshan registers.
    const outcome = await leshan.waitFor((e) => e.event === 'updated' || e.event === 'registered', { from });
    if (outcome.event === 'registered') {
      expect(leshan.since(from, 'update-failed')).toEqual([expect.objectContaining({ code: '4.04' })]);
    }
    const moved = await world.waitForUplinks(
      (u) =>
        u.endpoint === endpoint &&
        (u.kind === 'update' || u.kind === 'registration') &&
        u.address === `127.0.0.1:${String(rebound['to'])}`,
      1,
      20_000,
    );
    expect(moved).toHaveLength(1);
    registration = moved[0]!;
    const read = await app.requests.execute(endpoint, { op: 'read', path: '/3/0/9' }, deadline());
    expect(read).toMatchObject({ status: 'completed', coapCode: '2.05' });
    expect(await leshan.send(['/3/0/9'], { timestamped: false })).toMatchObject({
      event: 'sent',
      code: '2.04',
    });
  });

  it('de-registers (Core 1.1.1 §6.2.3)', async () => {
    await leshan.deregister();
    const [gone] = await uplink('deregistration');
    expect(gone?.registrationId).toBe(registration.registrationId);
    const read = await app.requests.execute(endpoint, { op: 'read', path: '/3/0/9' }, deadline());
    expect(read.status).toBe('not-registered');
  });
});
