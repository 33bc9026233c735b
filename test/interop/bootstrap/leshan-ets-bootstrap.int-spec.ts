/**
 * ETS bootstrap cases with Eclipse Leshan's client (leshan-client-cf 2.0.0-M15, Scandium DTLS) against our bootstrap
 * server (apps/bootstrap) and the real ingest, both over coaps with PSK:
 *  - LwM2M-1.1-int-0: client-initiated bootstrap, then registration: the operations the bootstrap server performed,
 *    in order (LwM2M Core 1.1.1 §6.1.3, §6.1.7), and the registration with the written account.
 *  - LwM2M-1.1-int-4: Bootstrap-Delete (§6.1.7.5): the client had another LwM2M server account (one that refuses it,
 *    so Leshan falls back to bootstrap); afterwards only the Bootstrap-Server account and the new one exist.
 *  - LwM2M-1.1-int-6: no bootstrap when the client already has a valid LwM2M server account (§6.1: bootstrap is for
 *    a client without one): it registers directly; the bootstrap server sees no handshake and no request.
 * int-1 and a wrong bootstrap key are in leshan-bootstrap.int-spec.ts, int-5 in leshan-rebootstrap.int-spec.ts.
 */
import { randomBytes } from 'node:crypto';
import { CoapCode, CoapEndpoint, UdpTransport } from '@smartcity/coap';
import { type BootstrapApp } from '../../../apps/bootstrap/src/bootstrap.app';
import { type IngestApp } from '../../../apps/coap-ingest/src/ingest.app';
import { IngestTestWorld } from '../../../apps/coap-ingest/src/testing/ingest-harness';
import { LeshanClientPeer, type LeshanEvent, type LeshanStartOptions } from '../leshan-client/leshan-client';
import { importVendorBatch, leshanBootstrapStart, startTestBootstrap } from './bootstrap-harness';

/** Timeouts for a 2-core box shared with Kafka, PostgreSQL, Redis, Keycloak and a JVM per Leshan client. */
const TIMEOUTS = { test: 180_000, setup: 240_000, event: 60_000 } as const;
jest.setTimeout(TIMEOUTS.test);

const BOOTSTRAP_OUTCOMES = ['bootstrapped', 'bootstrap-failed', 'bootstrap-timeout'];
/** The tenant's short server id: not the harness's 123, so a left-over account is told from the written one. */
const SHORT_SERVER_ID = 1;

describe('ETS bootstrap cases with the Leshan client (LwM2M-1.1-int-0, int-4, int-6)', () => {
  const world = new IngestTestWorld();
  const device = (name: string) => ({
    endpoint: `bse-${world.run}-${name}`,
    identity: `vendor-${world.run}-${name}`,
    key: randomBytes(16),
  });
  const fresh = device('fresh');
  const stale = device('stale');
  const registered = device('registered');
  const registeredPsk = { identity: `lwm2m-${world.run}-registered`, key: randomBytes(16) };
  const deviceIds = new Map<string, string>();
  let ingest: IngestApp;
  let bootstrap: BootstrapApp;
  const clients: LeshanClientPeer[] = [];
  const closers: (() => Promise<void>)[] = [];

  const launch = async (
    d: typeof fresh,
    account: Pick<LeshanStartOptions, 'serverUri' | 'security'> = {},
  ): Promise<LeshanClientPeer> => {
    const leshan = await LeshanClientPeer.launch({ readyTimeoutMs: TIMEOUTS.event * 2 });
    clients.push(leshan);
    await leshan.start({ ...leshanBootstrapStart(bootstrap.coapsPort(), d), ...account });
    return leshan;
  };

  /** The requests a peer on `port` made to the client, as "METHOD /path", in order. */
  const requestsFrom = (leshan: LeshanClientPeer, port: number) =>
    leshan
      .since(0, 'request')
      .filter((e) => String(e['peer']).endsWith(`:${port}`))
      .map((e) => `${String(e['method'])} ${String(e['path'] ?? '/')}`);

  const lastBootstrap = async (d: typeof fresh) =>
    (
      await world.owner.query<{ last_bootstrap_at: Date | null }>(
        'SELECT last_bootstrap_at FROM bootstrap_credentials WHERE device_id = $1',
        [deviceIds.get(d.endpoint)],
      )
    ).rows[0]?.last_bootstrap_at;

  const bootstrapCounts = async () => {
    const requests = await bootstrap.metrics.requests.get();
    const handshakes = await bootstrap.registry.getSingleMetric('bootstrap_dtls_handshakes_total')!.get();
    const sum = (m: { values: { value: number }[] }) => m.values.reduce((s, v) => s + v.value, 0);
    return { requests: sum(requests), handshakes: sum(handshakes) };
  };

  beforeAll(async () => {
    await world.createTenant({ allowNosec: false });
    for (const d of [fresh, stale]) deviceIds.set(d.endpoint, await world.provision(d.endpoint));
    deviceIds.set(
      registered.endpoint,
      await world.provisionWith(registered.endpoint, { mode: 'psk', ...registeredPsk }),
    );
    ingest = await world.startIngest();
    await world.readUplinks();
    // Every device has a valid bootstrap credential: int-6 would succeed in bootstrapping too, had it tried.
    await importVendorBatch(
      world,
      [fresh, stale, registered].map((d) => ({
        deviceId: deviceIds.get(d.endpoint)!,
        identity: d.identity,
        key: d.key,
      })),
      { serverUri: `coaps://127.0.0.1:${ingest.coapsPort()}`, lifetime: 300, shortServerId: SHORT_SERVER_ID },
    );
    bootstrap = await startTestBootstrap(world.run);
  }, TIMEOUTS.setup);

  afterAll(async () => {
    for (const c of clients) await c.stop().catch(() => c.kill());
    for (const close of closers) await close().catch(() => undefined);
    await bootstrap?.stop();
    await world.cleanup();
  });

  it('int-0: bootstraps (Delete /0 and /1, Discover /0, Write /0/x and /1/0, Read /1/0, Finish), then registers', async () => {
    const leshan = await launch(fresh);
    const outcome = await leshan.waitFor((e) => BOOTSTRAP_OUTCOMES.includes(e.event), {
      from: 0,
      timeoutMs: TIMEOUTS.event,
    });
    expect(outcome).toMatchObject({ event: 'bootstrapped' });
    await leshan.registered(0, TIMEOUTS.event);

    const uplinks = leshan.since(0, 'uplink').map((e) => `${String(e['method'])} ${String(e['path'])}`);
    expect(uplinks.slice(0, 2)).toEqual(['POST /bs', 'POST /rd']);
    expect(String(leshan.since(0, 'uplink')[0]!['query'])).toContain(`ep=${fresh.endpoint}`);
    // §6.1.7.5 Delete of both objects, §6.1.7.2 Discover of /0 (the Bootstrap-Server's /0/0 is left, so the new
    // Security instance takes /0/1), §6.1.7.4 Writes, §6.1.7.3 Read of the Server account written (a mismatch would
    // fail the sequence before Finish), §6.1.7.6 Finish: in this order, every one answered with success.
    expect(requestsFrom(leshan, bootstrap.coapsPort())).toEqual([
      'DELETE /0',
      'DELETE /1',
      'GET /0',
      'PUT /0/1',
      'PUT /1/0',
      'GET /1/0',
      'POST /bs',
    ]);
    const discover = leshan.since(0, 'request').find((e) => e['method'] === 'GET');
    expect(discover).toMatchObject({ op: 'discover', accept: 40 });
    const answers = leshan
      .since(0, 'response')
      .filter((e) => String(e['peer']).endsWith(`:${bootstrap.coapsPort()}`))
      .map((e) => e['code']);
    expect(answers).toEqual(['2.02', '2.02', '2.05', '2.04', '2.04', '2.05', '2.04']);

    const [registration] = await world.waitForUplinks(
      (u) => u.endpoint === fresh.endpoint && u.kind === 'registration',
      1,
      TIMEOUTS.event,
    );
    expect(registration).toMatchObject({ tenant: world.tenant, endpoint: fresh.endpoint });
    expect(await lastBootstrap(fresh)).not.toBeNull();
    const { security, server } = await leshan.instances();
    expect(security.find((s) => !s.bootstrap)).toMatchObject({
      uri: `coaps://127.0.0.1:${ingest.coapsPort()}`,
      mode: '0',
      shortServerId: String(SHORT_SERVER_ID),
    });
    expect(server).toEqual([{ id: 0, shortServerId: String(SHORT_SERVER_ID), lifetime: '300' }]);
  });

  it('int-4: a stale server account is deleted by the bootstrap; only the bootstrap account and the new one remain', async () => {
    // The stale account: a server the device was once given (NoSec) that now refuses it. Not the ingest itself:
    // a NoSec Register there would leave the device's "no credential" in the ingest's device cache (see the report
    // of issue 18: the bootstrap server publishes credential-changed but does not invalidate that cache).
    const oldServer = new CoapEndpoint({ transport: new UdpTransport({ host: '127.0.0.1' }) });
    await oldServer.start((exchange) => exchange.respond(CoapCode.Forbidden));
    const leshan = await launch(stale, {
      serverUri: `coap://127.0.0.1:${oldServer.localAddress().port}`,
      security: { mode: 'none' },
    });
    closers.push(() => oldServer.close());
    const refused = await leshan.waitFor('registration-failed', { from: 0, timeoutMs: TIMEOUTS.event });
    expect(refused).toMatchObject({ code: '4.03' });
    const outcome = await leshan.waitFor((e) => BOOTSTRAP_OUTCOMES.includes(e.event), {
      from: 0,
      timeoutMs: TIMEOUTS.event,
    });
    expect(outcome).toMatchObject({ event: 'bootstrapped' });
    // The registration outcome after the bootstrap (the first one was the stale server's refusal).
    await leshan.registered(leshan.events.indexOf(outcome), TIMEOUTS.event);

    const requests = requestsFrom(leshan, bootstrap.coapsPort());
    expect(requests.slice(0, 2)).toEqual(['DELETE /0', 'DELETE /1']);
    const { security, server } = await leshan.instances();
    // Before: /0/0 bootstrap, /0/1 and /1/1 the stale account (short server id 123). After: nothing of it.
    expect([...security].sort((a, b) => a.id - b.id)).toEqual([
      expect.objectContaining({ id: 0, bootstrap: true }),
      expect.objectContaining({
        id: 1,
        bootstrap: false,
        uri: `coaps://127.0.0.1:${ingest.coapsPort()}`,
        shortServerId: String(SHORT_SERVER_ID),
      }),
    ]);
    expect(server).toEqual([{ id: 0, shortServerId: String(SHORT_SERVER_ID), lifetime: '300' }]);
    const registration = leshan.since(0, 'registered').at(-1) as LeshanEvent;
    expect(registration['server']).toBe(`coaps://127.0.0.1:${ingest.coapsPort()}`);
    await world.waitForUplinks((u) => u.endpoint === stale.endpoint && u.kind === 'registration', 1);
  });

  it('int-6: with a valid LwM2M server account the client registers directly; the bootstrap server sees nothing', async () => {
    const before = await bootstrapCounts();
    const leshan = await launch(registered, {
      serverUri: `coaps://127.0.0.1:${ingest.coapsPort()}`,
      security: { mode: 'psk', identity: registeredPsk.identity, key: registeredPsk.key },
    });
    const e = await leshan.registered(0, TIMEOUTS.event);
    expect(e['server']).toBe(`coaps://127.0.0.1:${ingest.coapsPort()}`);
    const [registration] = await world.waitForUplinks(
      (u) => u.endpoint === registered.endpoint && u.kind === 'registration',
      1,
      TIMEOUTS.event,
    );
    expect(registration).toMatchObject({ tenant: world.tenant });
    expect((await ingest.store.get(registration!.registrationId))?.identity).toBe(
      `psk:${registeredPsk.identity}`,
    );

    expect(leshan.since(0, 'bootstrap-started')).toEqual([]);
    expect(leshan.since(0, 'uplink').map((u) => u['path'])).not.toContain('/bs');
    const handshakes = leshan.since(0, 'dtls-handshake-ok');
    expect(handshakes).toHaveLength(1);
    expect(String(handshakes[0]!['peer'])).toMatch(new RegExp(`:${ingest.coapsPort()}$`));
    expect(await bootstrapCounts()).toEqual(before);
    expect(await lastBootstrap(registered)).toBeNull();
    // Its accounts are as it started (the layout int-4 starts from too): untouched by any bootstrap server.
    const { security, server } = await leshan.instances();
    expect([...security].sort((a, b) => a.id - b.id)).toEqual([
      expect.objectContaining({ id: 0, bootstrap: true }),
      expect.objectContaining({ id: 1, bootstrap: false, mode: '0', shortServerId: '123' }),
    ]);
    expect(server).toEqual([{ id: 1, shortServerId: '123', lifetime: '300' }]);
  });
});
