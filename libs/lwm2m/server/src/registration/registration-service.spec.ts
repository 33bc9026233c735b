import { FakeClock, type Peer, udpPeer } from '@smartcity/coap';
import { type Registration, type RegistrationPatch, type RegistrationStore } from './registration';
import { RegistrationErrorCode } from './registration-results';
import { type RegistrationEvents, RegistrationService } from './registration-service';

/** An in-memory store with the semantics the service relies on. */
class MemoryStore implements RegistrationStore {
  readonly byId = new Map<string, Registration>();
  async register(r: Registration) {
    const previous = [...this.byId.values()].find((x) => x.endpoint === r.endpoint);
    if (previous) this.byId.delete(previous.id);
    this.byId.set(r.id, r);
    return previous?.id;
  }
  async update(id: string, patch: RegistrationPatch & { expiresAt: number }) {
    const r = this.byId.get(id);
    if (!r) return undefined;
    const next = { ...r, ...patch };
    this.byId.set(id, next);
    return next;
  }
  async deregister(id: string) {
    const r = this.byId.get(id);
    this.byId.delete(id);
    return r;
  }
  async get(id: string) {
    return this.byId.get(id);
  }
  async getByAddress() {
    return undefined;
  }
  async getByEndpoint() {
    return undefined;
  }
  async claimExpired() {
    return [];
  }
  async completeExpiry() {
    return true;
  }
  async announceOwner() {}
  onOwnerChange() {}
}

const pskPeer = (identity: string, port = 40000): Peer => ({
  ...udpPeer('10.0.0.1', port),
  key: `dtls:${identity}:${port}`,
  identity: { kind: 'psk', identity },
});

function setup(options: { failEvents?: boolean } = {}) {
  const clock = new FakeClock(1_000_000);
  const store = new MemoryStore();
  const log: string[] = [];
  const events: RegistrationEvents = {
    registered: async (r) => {
      if (options.failEvents) throw new Error('broker down');
      log.push(`registered ${r.endpoint}`);
    },
    updated: async (r, change) => void log.push(`updated ${r.endpoint} lt=${change.params.lifetime ?? '-'}`),
    deregistered: async (r) => void log.push(`deregistered ${r.endpoint}`),
  };
  let n = 0;
  const denied = new Set<string>();
  const service = new RegistrationService({
    store,
    events,
    clock,
    newId: () => `id${++n}`,
    authorizer: {
      authorize: async (endpoint) =>
        endpoint.startsWith('lyon-') && !denied.has(endpoint)
          ? { ok: true, tenant: 'lyon', deviceId: `dev-${endpoint}` }
          : { ok: false },
    },
    settings: { instanceId: 'i1', graceS: 30, maxLifetimeS: 86_400 },
  });
  return { clock, store, log, service, denied };
}

const register = (service: RegistrationService, endpoint: string, peer: Peer, extra: string[] = []) =>
  service.register({
    query: [`ep=${endpoint}`, 'lt=300', 'lwm2m=1.1', ...extra],
    links: '</3/0>,</3416/0>',
    peer,
  });

describe('RegistrationService (LwM2M Core 1.1.1 §6.2)', () => {
  it('registers: event first, then state, with the authorizer decision and the expiry', async () => {
    const { service, store, log } = setup();
    const result = await register(service, 'lyon-sl-1', udpPeer('10.0.0.1', 40000));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.registration).toMatchObject({
      id: 'id1',
      tenant: 'lyon',
      deviceId: 'dev-lyon-sl-1',
      lifetime: 300,
      owner: 'i1',
      objectVersions: { '3': '1.1', '3416': '1.0' }, // Device without ver: its LwM2M 1.1 version
      expiresAt: 1_000_000 + 330_000,
    });
    expect(result.registration.identity).toBeUndefined();
    expect(log).toEqual(['registered lyon-sl-1']);
    expect(store.byId.size).toBe(1);
  });

  it.each([
    ['an unknown endpoint', 'porto-x', [], RegistrationErrorCode.Forbidden],
    ['an invalid lifetime', 'lyon-sl-1', ['lt=0'], RegistrationErrorCode.BadRequest],
    ['an unsupported version', 'lyon-sl-1', ['lwm2m=9.9'], RegistrationErrorCode.BadRequest],
  ])('refuses %s', async (_name, endpoint, extra, code) => {
    const { service, store } = setup();
    const result = await register(service, endpoint, udpPeer('10.0.0.1', 1), extra);
    expect(result).toMatchObject({ ok: false, code });
    expect(store.byId.size).toBe(0);
  });

  it('refuses links that are not link format (4.15) and malformed links (4.00)', async () => {
    const { service } = setup();
    const peer = udpPeer('10.0.0.1', 1);
    expect(
      await service.register({ query: ['ep=lyon-a'], links: '</3/0>', contentFormat: 110, peer }),
    ).toMatchObject({
      code: RegistrationErrorCode.UnsupportedContentFormat,
    });
    expect(await service.register({ query: ['ep=lyon-a'], links: '<3/0', peer })).toMatchObject({
      code: RegistrationErrorCode.BadRequest,
    });
  });

  it('shortens a lifetime above the maximum (a silent device expires some day)', async () => {
    const { service } = setup();
    const result = await service.register({
      query: ['ep=lyon-a', 'lt=4294967295'],
      links: '</3/0>',
      peer: udpPeer('10.0.0.1', 1),
    });
    expect(result.ok && result.registration.lifetime).toBe(86_400);
  });

  it('stores nothing when the event cannot be stored (the device retries)', async () => {
    const { service, store } = setup({ failEvents: true });
    await expect(register(service, 'lyon-a', udpPeer('10.0.0.1', 1))).rejects.toThrow('broker down');
    expect(store.byId.size).toBe(0);
  });

  it('updates only from the same device: NoSec by address, DTLS by credential', async () => {
    const { service, clock, log } = setup();
    const nosec = await register(service, 'lyon-a', udpPeer('10.0.0.1', 1));
    const dtls = await register(service, 'lyon-b', pskPeer('lyon-b'));
    if (!nosec.ok || !dtls.ok) throw new Error('setup');
    clock.advance(1000);
    expect(
      await service.update(nosec.registration.id, { query: [], peer: udpPeer('10.0.0.9', 1) }),
    ).toMatchObject({
      code: RegistrationErrorCode.NotFound,
    });
    expect(await service.update(dtls.registration.id, { query: [], peer: pskPeer('lyon-a') })).toMatchObject({
      code: RegistrationErrorCode.NotFound,
    });
    // The DTLS device from a new address (a NAT rebinding, a resumed session): still its credential.
    const moved = await service.update(dtls.registration.id, {
      query: ['lt=600'],
      peer: pskPeer('lyon-b', 41000),
    });
    expect(moved.ok).toBe(true);
    if (!moved.ok) return;
    expect(moved.registration).toMatchObject({
      lifetime: 600,
      peerPort: 41000,
      expiresAt: 1_001_000 + 630_000,
    });
    expect(log.at(-1)).toBe('updated lyon-b lt=600');
  });

  it('reports changed links on Update and keeps the lifetime when none is given', async () => {
    const { service } = setup();
    const peer = udpPeer('10.0.0.1', 1);
    const r = await register(service, 'lyon-a', peer);
    if (!r.ok) throw new Error('setup');
    const same = await service.update(r.registration.id, { query: [], links: '</3/0>,</3416/0>', peer });
    expect(same.ok && same.linksChanged).toBe(false);
    const changed = await service.update(r.registration.id, { query: [], links: '</3/0>,</3303/0>', peer });
    expect(changed.ok && changed.linksChanged).toBe(true);
    expect(changed.ok && changed.registration.objectVersions).toEqual({ '3': '1.1', '3303': '1.0' });
    expect(changed.ok && changed.registration.lifetime).toBe(300);
  });

  it('does not renew a registration whose device is no longer allowed (decommissioned since): 4.04', async () => {
    const { service, denied } = setup();
    const peer = udpPeer('10.0.0.1', 1);
    const r = await register(service, 'lyon-a', peer);
    if (!r.ok) throw new Error('setup');
    denied.add('lyon-a');
    expect(await service.update(r.registration.id, { query: [], peer })).toMatchObject({
      code: RegistrationErrorCode.NotFound,
    });
  });

  it('de-registers only for the same device', async () => {
    const { service, store } = setup();
    const peer = pskPeer('lyon-a');
    const r = await register(service, 'lyon-a', peer);
    if (!r.ok) throw new Error('setup');
    expect(await service.deregister(r.registration.id, pskPeer('lyon-z'))).toMatchObject({
      code: RegistrationErrorCode.NotFound,
    });
    expect(store.byId.size).toBe(1);
    expect((await service.deregister(r.registration.id, peer)).ok).toBe(true);
    expect(store.byId.size).toBe(0);
  });

  it('applies admission after authorization (4.29 with a retry delay)', async () => {
    const clock = new FakeClock();
    const service = new RegistrationService({
      store: new MemoryStore(),
      events: { registered: async () => {}, updated: async () => {}, deregistered: async () => {} },
      clock,
      newId: () => 'x',
      authorizer: { authorize: async () => ({ ok: true, tenant: 't', deviceId: 'd' }) },
      admit: () => ({
        ok: false,
        code: RegistrationErrorCode.RateLimited,
        message: 'slow down',
        retryAfterS: 3,
      }),
      settings: { instanceId: 'i', graceS: 0, maxLifetimeS: 100 },
    });
    expect(await register(service, 'any', udpPeer('10.0.0.1', 1))).toMatchObject({ retryAfterS: 3 });
  });
});
