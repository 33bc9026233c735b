/**
 * ETS LwM2M-1.1-int-5 (server-initiated bootstrap) and credential rotation with Eclipse Leshan's client
 * (leshan-client-cf 2.0.0-M15, Scandium DTLS). The device bootstraps with its vendor PSK and registers with the
 * ingest; the LwM2M server then executes the Server object's Bootstrap-Request Trigger `/1/0/9` (LwM2M Core 1.1.1
 * §E.2 resource 9, §6.1.4: the client starts a client-initiated bootstrap). The bootstrap server stages a new PSK
 * under a new identity; the device registers with it, the ingest promotes it, and from then on the old identity
 * resolves to nothing (issue 18: "the old credential stops working once the new registration exists").
 */
import { randomBytes } from 'node:crypto';
import { LOCAL_STACK } from '@smartcity/platform-config';
import { CredentialKeyring, DeviceCredentialRepository } from '@smartcity/platform-db';
import { type BootstrapApp } from '../../../apps/bootstrap/src/bootstrap.app';
import { type IngestApp } from '../../../apps/coap-ingest/src/ingest.app';
import { IngestTestWorld } from '../../../apps/coap-ingest/src/testing/ingest-harness';
import { LeshanClientPeer } from '../leshan-client/leshan-client';
import { importVendorBatch, leshanBootstrapStart, startTestBootstrap } from './bootstrap-harness';

/** Timeouts for a 2-core box shared with Kafka, PostgreSQL, Redis, Keycloak and a JVM per Leshan client. */
const TIMEOUTS = { test: 240_000, setup: 240_000, event: 60_000 } as const;
jest.setTimeout(TIMEOUTS.test);

const keyring = new CredentialKeyring(LOCAL_STACK.credentialKeys);
const BOOTSTRAP_OUTCOMES = ['bootstrapped', 'bootstrap-failed', 'bootstrap-timeout'];

describe('server-initiated bootstrap with the Leshan client (LwM2M-1.1-int-5) rotates its LwM2M server PSK', () => {
  const world = new IngestTestWorld();
  const lamp = {
    endpoint: `rbs-${world.run}-lamp`,
    identity: `vendor-${world.run}-rbs-lamp`,
    key: randomBytes(16),
  };
  let deviceId: string;
  let ingest: IngestApp;
  let bootstrap: BootstrapApp;
  let leshan: LeshanClientPeer | undefined;
  const credentials = new DeviceCredentialRepository(keyring);

  beforeAll(async () => {
    await world.createTenant({ allowNosec: false });
    deviceId = await world.provision(lamp.endpoint);
    ingest = await world.startIngest();
    await world.readUplinks();
    await importVendorBatch(world, [{ deviceId, identity: lamp.identity, key: lamp.key }], {
      serverUri: `coaps://127.0.0.1:${ingest.coapsPort()}`,
      lifetime: 300,
      shortServerId: 1,
    });
    bootstrap = await startTestBootstrap(world.run);
  }, TIMEOUTS.setup);

  afterAll(async () => {
    await leshan?.stop().catch(() => leshan?.kill());
    await bootstrap?.stop();
    await world.cleanup();
  });

  it('bootstraps, registers, is told to re-bootstrap, and registers again with a new key; the old one is gone', async () => {
    leshan = await LeshanClientPeer.launch({ readyTimeoutMs: TIMEOUTS.event * 2 });
    await leshan.start(leshanBootstrapStart(bootstrap.coapsPort(), lamp));
    const first = await leshan.waitFor((e) => BOOTSTRAP_OUTCOMES.includes(e.event), {
      from: 0,
      timeoutMs: TIMEOUTS.event,
    });
    expect(first).toMatchObject({ event: 'bootstrapped' });
    await leshan.registered(0, TIMEOUTS.event);
    const [registration] = await world.waitForUplinks(
      (u) => u.endpoint === lamp.endpoint && u.kind === 'registration',
      1,
      TIMEOUTS.event,
    );
    expect((await ingest.store.get(registration!.registrationId))?.identity).toBe(`psk:${lamp.endpoint}`);
    const oldKey = (await credentials.resolvePsk(world.owner, lamp.endpoint))!.key;

    // Server-initiated bootstrap: Execute /1/0/9 through the ingest's device request API (what GraphQL's
    // rebootstrapDevice sends through the commands topic).
    const cursor = leshan.cursor;
    const trigger = await ingest.requests.execute(
      lamp.endpoint,
      { op: 'execute', path: '/1/0/9' },
      Date.now() + 30_000,
    );
    expect(trigger).toMatchObject({ status: 'completed', coapCode: '2.04' });

    const second = await leshan.waitFor((e) => BOOTSTRAP_OUTCOMES.includes(e.event), {
      from: cursor,
      timeoutMs: TIMEOUTS.event,
    });
    expect(second).toMatchObject({ event: 'bootstrapped' });
    await leshan.registered(cursor, TIMEOUTS.event);
    const registrations = await world.waitForUplinks(
      (u) => u.endpoint === lamp.endpoint && u.kind === 'registration',
      2,
      TIMEOUTS.event,
    );
    const renewed = await ingest.store.get(registrations.at(-1)!.registrationId);
    expect(renewed?.identity).toMatch(/^psk:lwm2m-[0-9a-f]{24}$/);
    const newIdentity = renewed!.identity!.slice('psk:'.length);

    // Promoted: the new identity is the device's one credential, nothing is left staged, the old identity is gone.
    const current = await credentials.resolvePsk(world.owner, newIdentity);
    expect(current).toMatchObject({ deviceId, pending: false });
    expect(current!.key.equals(oldKey)).toBe(false);
    expect(current!.key.equals(lamp.key)).toBe(false);
    expect(await credentials.resolvePsk(world.owner, lamp.endpoint)).toBeUndefined();
    const staged = await world.owner.query('SELECT 1 FROM device_credentials_pending WHERE device_id = $1', [
      deviceId,
    ]);
    expect(staged.rowCount).toBe(0);
  });
});
