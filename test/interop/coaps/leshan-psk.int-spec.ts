/**
 * coaps interop with Eclipse Leshan's client (leshan-client-cf 2.0.0-M15, DTLS by Californium Scandium 3.12), PSK
 * (RFC 4279, LwM2M Transport 1.1.1 §5.2.8): the real ingest in a tenant that refuses NoSec, Kafka, Redis,
 * PostgreSQL. One Leshan client registers, Sends, is read, written and observed through `app.requests` (the
 * downlink path, through its DTLS session), updates and de-registers, all on the one DTLS handshake; then what must
 * be refused: a wrong key (the handshake fails) and another device's credential for an endpoint (4.03).
 */
import { randomBytes } from 'node:crypto';
import { ContentFormat, decode } from '@smartcity/lwm2m-codec';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { type UplinkMessage } from '@smartcity/platform-contracts';
import { loadBundledRegistry, objectVersionsFromRecord } from '@smartcity/ucifi-model';
import { type IngestApp } from '../../../apps/coap-ingest/src/ingest.app';
import { IngestTestWorld } from '../../../apps/coap-ingest/src/testing/ingest-harness';
import { type LeshanClientPeer } from '../leshan-client/leshan-client';
import { isFailure, LeshanFleet, settledUplinksOf, TIMEOUTS } from './coaps-harness';

jest.setTimeout(TIMEOUTS.test);

const registry = loadBundledRegistry();
type Kind = UplinkMessage['kind'];
type WithPayload = Extract<UplinkMessage, { payload: string }>;

describe('coap-ingest over coaps with the Leshan client (Scandium), PSK', () => {
  const world = new IngestTestWorld();
  const lamp = {
    endpoint: `lsh-psk-${world.run}-lamp`,
    identity: `id-lsh-${world.run}-lamp`,
    key: randomBytes(16),
  };
  const meter = {
    endpoint: `lsh-psk-${world.run}-meter`,
    identity: `id-lsh-${world.run}-meter`,
    key: randomBytes(16),
  };
  const victim = {
    endpoint: `lsh-psk-${world.run}-victim`,
    identity: `id-lsh-${world.run}-victim`,
    key: randomBytes(16),
  };
  let app: IngestApp;
  const fleet = new LeshanFleet(() => app);

  const uplinks = async (endpoint: string, kind: Kind, count = 1) => {
    const found = await world.waitForUplinks(
      (u) => u.endpoint === endpoint && u.kind === kind,
      count,
      TIMEOUTS.event,
    );
    expect(found.length).toBeGreaterThanOrEqual(count);
    return found;
  };
  const deadline = () => Date.now() + TIMEOUTS.downlinkMs;
  const psk = (d: typeof lamp) => ({ mode: 'psk' as const, identity: d.identity, key: d.key });

  beforeAll(async () => {
    await world.createTenant({ allowNosec: false });
    for (const d of [lamp, meter, victim]) {
      await world.provisionWith(d.endpoint, { mode: 'psk', identity: d.identity, key: d.key });
    }
    app = await world.startIngest();
    await world.readUplinks();
  }, TIMEOUTS.setup);

  afterAll(async () => {
    await fleet.stopAll();
    await world.cleanup();
  });

  describe('one device through its whole life on one DTLS session', () => {
    let leshan: LeshanClientPeer;
    let registration: UplinkMessage;

    beforeAll(async () => {
      leshan = await fleet.connect({ endpoint: lamp.endpoint, security: psk(lamp), lifetime: 300 });
      await leshan.registered(0, TIMEOUTS.event * 2);
      [registration] = (await uplinks(lamp.endpoint, 'registration')) as [UplinkMessage];
    }, TIMEOUTS.setup);

    const records = (payload: Buffer, contentFormat: number, path = Lwm2mPath.ROOT) =>
      decode(payload, contentFormat, {
        path,
        models: registry.providerFor(objectVersionsFromRecord(registration.objectVersions)),
      });
    /** The value at `path` in a payload answering a request on `requestPath` (a Send answers none: the root). */
    const valueAt = (payload: Buffer, contentFormat: number, path: string, requestPath = path) =>
      records(payload, contentFormat, Lwm2mPath.parse(requestPath)).find((r) => r.path.toString() === path)
        ?.value;
    const request = (from: number, op: string) =>
      leshan.waitFor('request', { from, timeoutMs: TIMEOUTS.event, where: (e) => e['op'] === op });

    it('registers after a full PSK handshake with LwM2M’s mandatory suite (Transport 1.1.1 §5.2.8)', async () => {
      const handshakes = leshan.since(0, 'dtls-handshake-ok');
      expect(handshakes).toEqual([
        expect.objectContaining({ full: true, cipherSuite: 'TLS_PSK_WITH_AES_128_CCM_8' }),
      ]);
      const registered = await leshan.waitFor('registered', { from: 0 });
      expect(registration).toMatchObject({
        kind: 'registration',
        tenant: world.tenant,
        registrationId: String(registered['registrationId']).replace('/rd/', ''),
        lwm2mVersion: '1.1',
      });
      // The registration holds the PSK identity it was made with: only that credential may act on it.
      const stored = await app.store.get(registration.registrationId);
      expect(stored).toMatchObject({ endpoint: lamp.endpoint, tenant: world.tenant });
      expect(stored?.identity).toBe(`psk:${lamp.identity}`);
    });

    it('sends (Core 1.1.1 §6.4.6) over the session: 2.04, and Kafka has the SenML CBOR it sent', async () => {
      const sent = await leshan.send(['/3303/0/5700', '/3/0/9'], { timestamped: false });
      expect(sent).toMatchObject({ event: 'sent', code: '2.04' });
      const [send] = (await uplinks(lamp.endpoint, 'send')) as [WithPayload];
      expect(send).toMatchObject({
        registrationId: registration.registrationId,
        contentFormat: ContentFormat.SENML_CBOR,
      });
      const payload = Buffer.from(send.payload, 'base64');
      expect(valueAt(payload, send.contentFormat, '/3303/0/5700', '/')).toBe(21.5);
      expect(valueAt(payload, send.contentFormat, '/3/0/9', '/')).toBe(93);
    });

    it('is read through its DTLS session (downlink Read, 2.05)', async () => {
      const from = leshan.cursor;
      const read = await app.requests.execute(
        lamp.endpoint,
        { op: 'read', path: '/3303/0/5700' },
        deadline(),
      );
      expect(read).toMatchObject({ status: 'completed', coapCode: '2.05' });
      expect(valueAt(read.payload!, read.contentFormat!, '/3303/0/5700')).toBe(21.5);
      expect(await request(from, 'read')).toMatchObject({ path: '/3303/0/5700' });
    });

    it('is written through its DTLS session (downlink Write, 2.04): Leshan’s object has the value', async () => {
      const from = leshan.cursor;
      const write = await app.requests.execute(
        lamp.endpoint,
        {
          op: 'write',
          path: '/3416/0/1',
          replace: true,
          contentFormat: ContentFormat.TEXT,
          payload: Buffer.from('42').toString('base64'),
        },
        deadline(),
      );
      expect(write).toMatchObject({ status: 'completed', coapCode: '2.04' });
      expect(await leshan.waitFor('written', { from, timeoutMs: TIMEOUTS.event })).toMatchObject({
        path: '/3416/0/1',
        value: 42,
      });
    });

    it('is observed through its DTLS session: its notification reaches Kafka; the observation is cancelled', async () => {
      const from = leshan.cursor;
      const observe = await app.requests.execute(
        lamp.endpoint,
        { op: 'observe', path: '/3303/0/5700' },
        deadline(),
      );
      expect(observe).toMatchObject({ status: 'completed', coapCode: '2.05' });
      await request(from, 'observe');
      await leshan.set('/3303/0/5700', 23.75);
      const notification = await leshan.waitFor('notification', { from, timeoutMs: TIMEOUTS.event });
      const [notify] = (await uplinks(lamp.endpoint, 'notify')) as [
        Extract<UplinkMessage, { kind: 'notify' }>,
      ];
      expect(notify).toMatchObject({
        paths: ['/3303/0/5700'],
        token: String(notification['token']).toLowerCase(),
      });
      expect(valueAt(Buffer.from(notify.payload, 'base64'), notify.contentFormat, '/3303/0/5700')).toBe(
        23.75,
      );
      const cancelFrom = leshan.cursor;
      const cancel = await app.requests.execute(
        lamp.endpoint,
        { op: 'cancel-observation', path: '/3303/0/5700' },
        deadline(),
      );
      expect(cancel).toMatchObject({ status: 'completed' });
      await request(cancelFrom, 'cancel-observe');
    });

    it('updates its registration (Core 1.1.1 §6.2.2): same registration, still the first handshake', async () => {
      await leshan.update(TIMEOUTS.event);
      const [update] = await uplinks(lamp.endpoint, 'update');
      expect(update?.registrationId).toBe(registration.registrationId);
      expect(leshan.since(0, 'dtls-handshake-started')).toHaveLength(1);
    });

    it('de-registers (Core 1.1.1 §6.2.3): the registration is gone and no downlink reaches it', async () => {
      await leshan.deregister(TIMEOUTS.event);
      const [gone] = await uplinks(lamp.endpoint, 'deregistration');
      expect(gone?.registrationId).toBe(registration.registrationId);
      expect(await app.store.get(registration.registrationId)).toBeUndefined();
      const read = await app.requests.execute(lamp.endpoint, { op: 'read', path: '/3/0/9' }, deadline());
      expect(read.status).toBe('not-registered');
      // Everything of this life, in order, on one full handshake and no alert.
      const kinds = (await settledUplinksOf(world, lamp.endpoint)).map((u) => u.kind);
      expect(kinds).toEqual(['registration', 'send', 'notify', 'update', 'deregistration']);
      expect(leshan.since(0, 'dtls-handshake-started')).toHaveLength(1);
      expect(leshan.since(0, 'dtls-alert')).toEqual([]);
    });
  });

  describe('refusals', () => {
    afterEach(() => fleet.stopAll());

    it('fails the handshake of a wrong PSK: Leshan reports a DTLS failure, nothing is registered', async () => {
      const leshan = await fleet.connect({
        endpoint: victim.endpoint,
        security: { mode: 'psk', identity: victim.identity, key: randomBytes(16) },
      });
      // Our Finished check fails (the keys differ): a fatal decrypt_error (RFC 5246 §7.4.9, RFC 4279 §2), which
      // Scandium reports as a failed handshake; the Register it carried fails without a CoAP answer.
      const failed = await leshan.waitFor('dtls-handshake-failed', {
        from: 0,
        timeoutMs: TIMEOUTS.event * 2,
      });
      expect(failed['alert']).toEqual({ level: 'fatal', description: 'decrypt_error' });
      const outcome = await leshan.waitFor(isFailure, {
        from: 0,
        timeoutMs: TIMEOUTS.event * 2,
        where: (e) => e.event !== 'dtls-handshake-failed',
      });
      expect(outcome.event).toBe('registration-failed');
      expect(outcome['code']).toBeUndefined();
      expect(leshan.since(0, 'dtls-handshake-ok')).toEqual([]);
      expect(leshan.since(0, 'registered')).toEqual([]);
      expect(await settledUplinksOf(world, victim.endpoint)).toEqual([]);
      expect(await app.store.getByEndpoint(victim.endpoint)).toBeUndefined();
    });

    it("refuses device A's PSK for device B's endpoint with 4.03 after a good handshake; nothing is registered", async () => {
      const leshan = await fleet.connect({ endpoint: victim.endpoint, security: psk(meter) });
      const failure = await leshan.waitFor(isFailure, { from: 0, timeoutMs: TIMEOUTS.event * 2 });
      expect(failure).toMatchObject({ event: 'registration-failed', code: '4.03' });
      // The DTLS layer accepted the meter's own credential; the LwM2M layer refused the name (every refusal alike).
      expect(leshan.since(0, 'dtls-handshake-ok')).toHaveLength(1);
      expect(await settledUplinksOf(world, victim.endpoint)).toEqual([]);
      expect(await app.store.getByEndpoint(victim.endpoint)).toBeUndefined();
      expect(await app.store.getByEndpoint(meter.endpoint)).toBeUndefined();
    });
  });
});
