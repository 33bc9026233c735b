/**
 * RFC 9146 connection IDs between Eclipse Leshan's client (Scandium 3.12) and the ingest: the client offers the
 * extension with an empty CID of its own (it puts the server's CID in every record it sends), a NAT relay between
 * the two changes the client's public port mid-session, and the DTLS connection, the registration and the downlink
 * path all follow the CID, not the address (RFC 9146 §6), with no new handshake.
 */
import { randomBytes } from 'node:crypto';
import { type IngestApp } from '../../../apps/coap-ingest/src/ingest.app';
import { IngestTestWorld } from '../../../apps/coap-ingest/src/testing/ingest-harness';
import { type LeshanClientPeer } from '../leshan-client/leshan-client';
import { UdpNatRelay } from '../leshan-client/udp-nat-relay';
import {
  cidPrefixOf,
  countsSince,
  handshakeCounts,
  LeshanFleet,
  settledUplinksOf,
  TIMEOUTS,
} from './coaps-harness';

jest.setTimeout(TIMEOUTS.test);

describe('coap-ingest over coaps with the Leshan client: RFC 9146 connection ID across NAT rebindings', () => {
  const world = new IngestTestWorld();
  const device = {
    endpoint: `lsh-cid-${world.run}`,
    identity: `id-lsh-cid-${world.run}`,
    key: randomBytes(16),
  };
  let app: IngestApp;
  let relay: UdpNatRelay;
  let leshan: LeshanClientPeer;
  let registrationId: string;
  let afterFirstHandshake: Record<string, number>;
  const fleet = new LeshanFleet(() => app);
  const address = (port: number) => `127.0.0.1:${port}`;
  const instanceId = `cid-test-${world.run}`;

  beforeAll(async () => {
    await world.createTenant({ allowNosec: false });
    await world.provisionWith(device.endpoint, { mode: 'psk', identity: device.identity, key: device.key });
    app = await world.startIngest({ INSTANCE_ID: instanceId });
    await world.readUplinks();
    relay = new UdpNatRelay({ host: '127.0.0.1', port: app.coapsPort() });
    await relay.start();
    leshan = await fleet.connect({
      endpoint: device.endpoint,
      serverUri: `coaps://127.0.0.1:${relay.port}`,
      security: { mode: 'psk', identity: device.identity, key: device.key },
      connectionId: true,
    });
    const registered = await leshan.registered(0, TIMEOUTS.event * 2);
    registrationId = String(registered['registrationId']).replace('/rd/', '');
    afterFirstHandshake = await handshakeCounts(app);
  }, TIMEOUTS.setup);

  afterAll(async () => {
    await fleet.stopAll();
    await relay?.close();
    await world.cleanup();
  });

  it("negotiates a CID that names this ingest instance; the client's own CID is empty", async () => {
    const [handshake] = leshan.since(0, 'dtls-handshake-ok');
    expect(handshake).toMatchObject({ full: true, cidRead: '' });
    // The CID Leshan writes is the one the ingest issued: two bytes of its instance id first (cluster routing).
    const cid = String(handshake?.['cidWrite']).toLowerCase();
    expect(cid).toMatch(/^[0-9a-f]{4,}$/);
    expect(cid.startsWith(cidPrefixOf(instanceId))).toBe(true);
    const [registration] = await world.waitForUplinks(
      (u) => u.endpoint === device.endpoint && u.kind === 'registration',
      1,
      TIMEOUTS.event,
    );
    expect(registration).toMatchObject({ registrationId, address: address(relay.publicPort) });
  });

  it('keeps the session and the registration when the NAT rebinds: the Update arrives from the new port', async () => {
    const from = leshan.cursor;
    const moved = await relay.rebind();
    expect(moved.to).not.toBe(moved.from);
    await leshan.update(TIMEOUTS.event);
    const [update] = await world.waitForUplinks(
      (u) => u.endpoint === device.endpoint && u.kind === 'update',
      1,
      TIMEOUTS.event,
    );
    // Same registration (Core 1.1.1 §6.2.2), now at the new address; no handshake of any kind.
    expect(update).toMatchObject({ registrationId, address: address(moved.to) });
    expect(await app.store.get(registrationId)).toMatchObject({
      peerPort: moved.to,
      endpoint: device.endpoint,
    });
    expect(leshan.since(from, 'dtls-handshake-started')).toEqual([]);
    expect(leshan.since(from, 'registered')).toEqual([]);
  });

  it('takes a Send after another rebinding, and its next downlink reaches the device at the newest port', async () => {
    const from = leshan.cursor;
    const moved = await relay.rebind();
    const down = relay.counts.down;
    expect(await leshan.send(['/3303/0/5700'], { timestamped: false })).toMatchObject({
      event: 'sent',
      code: '2.04',
    });
    // The relay forwards only what reaches its current public socket: the Read is answered only if the ingest
    // sent it to the address of the newest authenticated record (RFC 9146 §6), not to the closed one.
    const read = await app.requests.execute(
      device.endpoint,
      { op: 'read', path: '/3303/0/5700' },
      Date.now() + TIMEOUTS.downlinkMs,
    );
    expect(read).toMatchObject({ status: 'completed', coapCode: '2.05' });
    expect(await leshan.waitFor('request', { from, where: (e) => e['op'] === 'read' })).toBeDefined();
    expect(relay.counts.down).toBeGreaterThan(down);
    expect(relay.publicPort).toBe(moved.to);
    expect(leshan.since(from, 'dtls-handshake-started')).toEqual([]);
    const sends = (await settledUplinksOf(world, device.endpoint)).filter((u) => u.kind === 'send');
    expect(sends).toEqual([expect.objectContaining({ registrationId })]);
  });

  it('de-registers the one registration it has had all along, on the one handshake', async () => {
    await leshan.deregister(TIMEOUTS.event);
    const kinds = (await settledUplinksOf(world, device.endpoint)).map(
      (u) => `${u.kind}:${u.registrationId}`,
    );
    expect(kinds).toEqual(
      ['registration', 'update', 'send', 'deregistration'].map((k) => `${k}:${registrationId}`),
    );
    expect(leshan.since(0, 'dtls-handshake-started')).toHaveLength(1);
    expect(leshan.since(0, 'dtls-alert')).toEqual([]);
    // The server's side of it: not one handshake (full, resumed or failed) since the first.
    expect(countsSince(afterFirstHandshake, await handshakeCounts(app))).toEqual({});
  });
});
