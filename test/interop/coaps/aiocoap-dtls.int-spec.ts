/**
 * coaps interop with aiocoap 0.4.17 on PyPI's DTLSSocket 0.2.3, which wraps tinydtls (an independent C DTLS 1.2
 * stack, TLS_PSK_WITH_AES_128_CCM_8 only): the LwM2M interfaces as aiocoap's plain CoAP requests, driven by
 * aiocoap_dtls_peer.py. Installed by the stack hooks 52-aiocoap.sh and 53-aiocoap-dtls.sh; a missing one fails.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from '@smartcity/lwm2m-codec';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { type UplinkMessage } from '@smartcity/platform-contracts';
import { loadBundledRegistry, objectVersionsFromRecord } from '@smartcity/ucifi-model';
import { type IngestApp } from '../../../apps/coap-ingest/src/ingest.app';
import { IngestTestWorld } from '../../../apps/coap-ingest/src/testing/ingest-harness';
import { AIOCOAP_PYTHON, type PeerEvent, run } from '../coap/coap-peers';
import { countsSince, handshakeCounts, settledUplinksOf, TIMEOUTS } from './coaps-harness';

jest.setTimeout(TIMEOUTS.test);

const PEER = join(__dirname, 'aiocoap_dtls_peer.py');
const HOOKS = 'deploy/local/hooks/after-up.d/52-aiocoap.sh and 53-aiocoap-dtls.sh';

interface Credential {
  readonly endpoint: string;
  readonly identity: string;
  readonly key: Buffer;
}

describe('coap-ingest over coaps with aiocoap on DTLSSocket (tinydtls), PSK', () => {
  const world = new IngestTestWorld();
  const ep = (name: string) => `aio-${world.run}-${name}`;
  const meter: Credential = { endpoint: ep('meter'), identity: `id-${ep('meter')}`, key: randomBytes(16) };
  const lamp: Credential = { endpoint: ep('lamp'), identity: `id-${ep('lamp')}`, key: randomBytes(16) };
  let app: IngestApp;

  /** Runs the peer: one client context, the steps in order; its JSON lines. Throws when the peer itself broke. */
  async function aiocoapDtls(
    credential: Credential,
    endpoint: string,
    steps: readonly string[],
  ): Promise<PeerEvent[]> {
    const stepTimeoutS = TIMEOUTS.event / 1000;
    const result = await run(
      AIOCOAP_PYTHON,
      [
        PEER,
        `coaps://127.0.0.1:${app.coapsPort()}`,
        endpoint,
        credential.identity,
        credential.key.toString('hex'),
        steps.join(','),
        String(stepTimeoutS),
      ],
      (stepTimeoutS * steps.length + 30) * 1000,
    );
    const events = result.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as PeerEvent);
    if (result.code !== 0 || events[0]?.event !== 'ready') {
      throw new Error(`aiocoap_dtls_peer.py exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
    }
    // The test is about tinydtls: an aiocoap without its DTLS transport must fail here, not time out later.
    expect(events[0]).toEqual({ event: 'ready', dtls_missing: [] });
    return events.slice(1);
  }

  beforeAll(async () => {
    if (!existsSync(AIOCOAP_PYTHON)) {
      throw new Error(`aiocoap missing (${AIOCOAP_PYTHON}): run 'npm run stack -- up' (hooks ${HOOKS})`);
    }
    const probe = await run(AIOCOAP_PYTHON, ['-c', 'from DTLSSocket import dtls']);
    if (probe.code !== 0) {
      throw new Error(`DTLSSocket does not import in ${AIOCOAP_PYTHON} (hooks ${HOOKS}):\n${probe.stderr}`);
    }
    await world.createTenant({ allowNosec: false });
    for (const d of [meter, lamp]) {
      await world.provisionWith(d.endpoint, { mode: 'psk', identity: d.identity, key: d.key });
    }
    app = await world.startIngest();
    await world.readUplinks();
  }, TIMEOUTS.setup);

  afterAll(() => world.cleanup());

  it('registers, sends SenML JSON, updates and de-registers over one tinydtls session', async () => {
    const before = await handshakeCounts(app);
    const events = await aiocoapDtls(meter, meter.endpoint, ['register', 'send', 'update', 'deregister']);
    expect(events).toEqual([
      expect.objectContaining({
        step: 'register',
        code: '2.01',
        location: expect.stringMatching(/^\/rd\/[a-z2-7]{10}$/),
      }),
      expect.objectContaining({ step: 'send', code: '2.04' }),
      expect.objectContaining({ step: 'update', code: '2.04' }),
      expect.objectContaining({ step: 'deregister', code: '2.02' }),
    ]);
    // aiocoap kept its one tinydtls connection for the four requests: one full handshake on our side.
    expect(countsSince(before, await handshakeCounts(app))).toEqual({ 'ok:full:': 1 });
    const registrationId = String(events[0]?.['location']).replace('/rd/', '');
    const uplinks = await settledUplinksOf(world, meter.endpoint);
    expect(uplinks.map((u) => `${u.kind}:${u.registrationId}`)).toEqual(
      ['registration', 'send', 'update', 'deregistration'].map((k) => `${k}:${registrationId}`),
    );
    expect(uplinks[0]).toMatchObject({ tenant: world.tenant, lwm2mVersion: '1.1', binding: 'U' });
    const send = uplinks[1] as Extract<UplinkMessage, { kind: 'send' }>;
    const records = decode(Buffer.from(send.payload, 'base64'), send.contentFormat, {
      path: Lwm2mPath.ROOT,
      models: loadBundledRegistry().providerFor(objectVersionsFromRecord(uplinks[0]!.objectVersions)),
    });
    expect(records).toEqual([expect.objectContaining({ value: 19.25 })]);
    expect(records[0]?.path.toString()).toBe('/3303/0/5700');
  });

  it('fails the handshake of a wrong PSK: no CoAP answer, nothing registered', async () => {
    const before = await handshakeCounts(app);
    const events = await aiocoapDtls({ ...lamp, key: randomBytes(16) }, lamp.endpoint, ['register']);
    // Our fatal decrypt_error (RFC 5246 §7.4.9, RFC 4279 §2) reached tinydtls: alert description 51.
    expect(events).toEqual([
      expect.objectContaining({ event: 'error', step: 'register', cause: ['FatalDTLSError', 51] }),
    ]);
    expect(countsSince(before, await handshakeCounts(app))).toEqual({ 'failed::decrypt_error': 1 });
    expect(await settledUplinksOf(world, lamp.endpoint)).toEqual([]);
    expect(await app.store.getByEndpoint(lamp.endpoint)).toBeUndefined();
  });

  it("refuses device A's PSK for device B's endpoint with 4.03; nothing registered", async () => {
    const events = await aiocoapDtls(meter, lamp.endpoint, ['register']);
    expect(events).toEqual([
      expect.objectContaining({ step: 'register', code: '4.03', payload: 'not allowed to register' }),
    ]);
    expect(await settledUplinksOf(world, lamp.endpoint)).toEqual([]);
    expect(await app.store.getByEndpoint(lamp.endpoint)).toBeUndefined();
  });
});
