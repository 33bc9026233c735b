/**
 * coaps interop with Eclipse Leshan's client (Scandium 3.12) on TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 (LwM2M Transport
 * 1.1.1 §5.2.8): raw public keys (RFC 7250; the device's key pair made here with node:crypto, Leshan pinning the
 * ingest's own key) and X.509 (a tenant CA made here with openssl; the device certificate names the endpoint in
 * its CN, §5.2.9.3; Leshan checks the ingest's certificate with certificate usage 3, Core 1.1.1 §E.1.1). Then the
 * refusals: a raw key nobody provisioned, a certificate of a CA no tenant has, of another tenant's CA, and of
 * another device of the right tenant.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { type UplinkMessage } from '@smartcity/platform-contracts';
import { type IngestApp } from '../../../apps/coap-ingest/src/ingest.app';
import { IngestTestWorld } from '../../../apps/coap-ingest/src/testing/ingest-harness';
import { type LeshanClientPeer, type LeshanSecurity } from '../leshan-client/leshan-client';
import {
  isFailure,
  LeshanFleet,
  serverIdentity,
  type ServerIdentity,
  settledUplinksOf,
  spkiOf,
  TIMEOUTS,
} from './coaps-harness';
import { freshKey, type Issued, TestPki } from './test-pki';

jest.setTimeout(TIMEOUTS.test);

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('coap-ingest over coaps with the Leshan client (Scandium), raw public keys and X.509', () => {
  const world = new IngestTestWorld();
  // A second tenant with a CA of its own: the ingest trusts it too (every tenant's CA is a trust anchor), so a
  // device certificate it issued passes the handshake and must be refused at registration.
  const neighbour = new IngestTestWorld();
  const pki = new TestPki();
  const ep = (name: string) => `lsh-crt-${world.run}-${name}`;
  const rpk = { endpoint: ep('rpk'), key: freshKey() };
  const rpkUnknown = { endpoint: ep('rpk-unknown'), key: freshKey() };
  const x509 = ep('x509');
  const x509Other = ep('x509-other');
  const x509Victim = ep('x509-victim');
  let server: ServerIdentity;
  let tenantCa: Issued;
  let neighbourCa: Issued;
  let app: IngestApp;
  const fleet = new LeshanFleet(() => app);

  const x509Security = (device: Issued): LeshanSecurity => ({
    mode: 'x509',
    clientCertificate: device.certificate,
    clientPrivateKey: device.privateKey,
    serverCertificate: server.certificate.certificate,
  });

  beforeAll(async () => {
    server = serverIdentity(pki);
    tenantCa = pki.authority('tenant-ca');
    await world.createTenant({ allowNosec: false });
    await world.addCertificateAuthority(tenantCa.certificate);
    await world.provisionWith(rpk.endpoint, { mode: 'rpk', publicKey: spkiOf(rpk.key) });
    // Provisioned with its own key; the test's client comes with another one.
    await world.provisionWith(rpkUnknown.endpoint, { mode: 'rpk', publicKey: spkiOf(freshKey()) });
    for (const endpoint of [x509, x509Other, x509Victim])
      await world.provisionWith(endpoint, { mode: 'x509' });
    await neighbour.createTenant({ allowNosec: false });
    neighbourCa = pki.authority('neighbour-ca');
    await neighbour.addCertificateAuthority(neighbourCa.certificate);
    app = await world.startIngest(server.config);
    await world.readUplinks();
  }, TIMEOUTS.setup);

  afterEach(() => fleet.stopAll());

  afterAll(async () => {
    await fleet.stopAll();
    await world.cleanup();
    await neighbour.cleanup();
    pki.remove();
  });

  /**
   * Registers (the registration bound to `identity`, the credential's key of libs/lwm2m/server), Sends, is read
   * through its session and de-registers, on one full ECDHE_ECDSA handshake; returns its registration uplink.
   */
  async function wholeLife(
    leshan: LeshanClientPeer,
    endpoint: string,
    identity: string,
  ): Promise<UplinkMessage> {
    await leshan.registered(0, TIMEOUTS.event * 2);
    const [registration] = await world.waitForUplinks(
      (u) => u.endpoint === endpoint && u.kind === 'registration',
      1,
      TIMEOUTS.event,
    );
    expect(registration).toMatchObject({ tenant: world.tenant, lwm2mVersion: '1.1' });
    expect(await app.store.get(registration!.registrationId)).toMatchObject({ endpoint, identity });
    expect(await leshan.send(['/3303/0/5700'], { timestamped: false })).toMatchObject({
      event: 'sent',
      code: '2.04',
    });
    const read = await app.requests.execute(
      endpoint,
      { op: 'read', path: '/3303/0/5700' },
      Date.now() + TIMEOUTS.downlinkMs,
    );
    expect(read).toMatchObject({ status: 'completed', coapCode: '2.05' });
    await leshan.deregister(TIMEOUTS.event);
    const kinds = (await settledUplinksOf(world, endpoint)).map((u) => u.kind);
    expect(kinds).toEqual(['registration', 'send', 'deregistration']);
    expect(leshan.since(0, 'dtls-handshake-ok')).toEqual([
      expect.objectContaining({ full: true, cipherSuite: 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8' }),
    ]);
    return registration!;
  }

  /** After a failed attempt: the endpoint has no registration and not one uplink. */
  async function refused(leshan: LeshanClientPeer, endpoint: string): Promise<void> {
    expect(leshan.since(0, 'registered')).toEqual([]);
    expect(await settledUplinksOf(world, endpoint)).toEqual([]);
    expect(await app.store.getByEndpoint(endpoint)).toBeUndefined();
  }

  describe('raw public keys (RFC 7250)', () => {
    it("registers, sends, is read and de-registers with its key, pinning the ingest's key", async () => {
      const leshan = await fleet.connect({
        endpoint: rpk.endpoint,
        security: { mode: 'rpk', clientPrivateKey: rpk.key, serverPublicKey: server.publicKey },
      });
      await wholeLife(leshan, rpk.endpoint, `rpk:${sha256(spkiOf(rpk.key))}`);
    });

    it('refuses a raw public key that no device was provisioned with: the handshake fails', async () => {
      const leshan = await fleet.connect({
        endpoint: rpkUnknown.endpoint,
        security: { mode: 'rpk', clientPrivateKey: rpkUnknown.key, serverPublicKey: server.publicKey },
      });
      const failed = await leshan.waitFor('dtls-handshake-failed', {
        from: 0,
        timeoutMs: TIMEOUTS.event * 2,
      });
      // RFC 5246 §7.2.2: the certificate (here the raw key, RFC 7250 §3) is refused as bad_certificate.
      expect(failed['alert']).toEqual({ level: 'fatal', description: 'bad_certificate' });
      expect(
        await leshan.waitFor(isFailure, { from: 0, where: (e) => e.event !== 'dtls-handshake-failed' }),
      ).toMatchObject({ event: 'registration-failed' });
      expect(leshan.since(0, 'dtls-handshake-ok')).toEqual([]);
      await refused(leshan, rpkUnknown.endpoint);
    });
  });

  describe('X.509 certificates bound to the tenant CA', () => {
    it('registers, sends, is read and de-registers with a certificate naming its endpoint (CN)', async () => {
      const device = pki.issue(tenantCa, 'x509', { commonName: x509, purpose: 'client' });
      const leshan = await fleet.connect({ endpoint: x509, security: x509Security(device) });
      // The registration is bound to this very certificate (the leaf's hash).
      await wholeLife(leshan, x509, `x509:${sha256(new X509Certificate(device.certificate).raw)}`);
    });

    it('refuses a certificate from a CA that is no tenant’s: the handshake fails', async () => {
      const stranger = pki.authority('stranger-ca');
      const device = pki.issue(stranger, 'x509-stranger', { commonName: x509Victim, purpose: 'client' });
      const leshan = await fleet.connect({ endpoint: x509Victim, security: x509Security(device) });
      const failed = await leshan.waitFor('dtls-handshake-failed', {
        from: 0,
        timeoutMs: TIMEOUTS.event * 2,
      });
      // RFC 5246 §7.2.2: a chain to no trust anchor is unknown_ca.
      expect(failed['alert']).toEqual({ level: 'fatal', description: 'unknown_ca' });
      expect(leshan.since(0, 'dtls-handshake-ok')).toEqual([]);
      await refused(leshan, x509Victim);
    });

    it("refuses a certificate for the endpoint issued by another tenant's CA (4.03)", async () => {
      // The neighbour's CA is a trust anchor of the ingest: the handshake passes, the registration may not.
      const device = pki.issue(neighbourCa, 'x509-neighbour', { commonName: x509Victim, purpose: 'client' });
      const leshan = await fleet.connect({ endpoint: x509Victim, security: x509Security(device) });
      const outcome = await leshan.waitFor(isFailure, { from: 0, timeoutMs: TIMEOUTS.event * 2 });
      expect(outcome).toMatchObject({ event: 'registration-failed', code: '4.03' });
      expect(leshan.since(0, 'dtls-handshake-ok')).toHaveLength(1);
      await refused(leshan, x509Victim);
    });

    it("refuses another device's certificate of the right CA for the endpoint (CN mismatch, 4.03)", async () => {
      const device = pki.issue(tenantCa, 'x509-other', { commonName: x509Other, purpose: 'client' });
      const leshan = await fleet.connect({ endpoint: x509Victim, security: x509Security(device) });
      const outcome = await leshan.waitFor(isFailure, { from: 0, timeoutMs: TIMEOUTS.event * 2 });
      expect(outcome).toMatchObject({ event: 'registration-failed', code: '4.03' });
      expect(leshan.since(0, 'dtls-handshake-ok')).toHaveLength(1);
      await refused(leshan, x509Victim);
      expect(await settledUplinksOf(world, x509Other)).toEqual([]);
    });
  });
});
