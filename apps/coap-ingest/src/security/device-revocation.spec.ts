import { type Peer } from '@smartcity/coap';
import { type RegistrationEvents, type RegistrationStore } from '@smartcity/lwm2m-server';
import { type Logger } from '@smartcity/platform-observability';
import { type DeviceChange } from '@smartcity/platform-redis';
import { type RegistrationOwnership } from '../lwm2m/ownership';
import { type LocalRegistrations } from '../registration/local-registrations';
import { type CredentialLookup } from './credential-lookup';
import { DeviceRevocation } from './device-revocation';

const registration = { id: 'reg-1', endpoint: 'lyon-sl-1', tenant: 'lyon' };

function revocationServing(peer: Peer | undefined) {
  const done: string[] = [];
  const local = {
    getByEndpoint: (endpoint: string) =>
      peer && endpoint === 'lyon-sl-1' ? { registration, peer } : undefined,
  } as unknown as LocalRegistrations;
  const revocation = new DeviceRevocation(
    {
      deregister: (id: string) => (done.push(`deregister ${id}`), Promise.resolve()),
    } as unknown as RegistrationStore,
    local,
    { end: (id: string) => (done.push(`end ${id}`), Promise.resolve()) } as unknown as RegistrationOwnership,
    { deregistered: () => (done.push('event'), Promise.resolve()) } as unknown as RegistrationEvents,
    { clear: () => done.push('clear') } as unknown as CredentialLookup,
    {
      resolve: () => Promise.resolve(null),
      forget: (endpoint?: string) => done.push(`forget ${endpoint ?? '*'}`),
    },
    (key) => done.push(`close ${key}`),
    { info: () => undefined } as unknown as Logger,
  );
  return { revocation, done };
}

const pskPeer = (identity: string): Peer => ({
  address: '127.0.0.1',
  port: 1,
  key: `dtls-${identity}`,
  identity: { kind: 'psk', identity },
});

const changed = (extra: Partial<DeviceChange> = {}): DeviceChange => ({
  tenant: 'lyon',
  endpoint: 'lyon-sl-1',
  change: 'credential-changed',
  ...extra,
});

describe('DeviceRevocation', () => {
  it('drops the registration and session made with the old credential', async () => {
    const { revocation, done } = revocationServing(pskPeer('old'));
    await revocation.apply(changed());
    expect(done).toEqual([
      'clear',
      'forget lyon-sl-1',
      'close dtls-old',
      'event',
      'deregister reg-1',
      'end reg-1',
    ]);
  });

  it("keeps the rotation's new registration (its session used the promoted identity), forgetting the cache", async () => {
    const { revocation, done } = revocationServing(pskPeer('new'));
    await revocation.apply(changed({ keepPskIdentity: 'new' }));
    expect(done).toEqual(['clear', 'forget lyon-sl-1']);
  });

  it('drops a registration made with the old credential when a rotation promoted another identity', async () => {
    const { revocation, done } = revocationServing(pskPeer('old'));
    await revocation.apply(changed({ keepPskIdentity: 'new' }));
    expect(done).toContain('close dtls-old');
    expect(done).toContain('deregister reg-1');
  });

  it("ignores another tenant's change of an endpoint of the same name and endpoints it does not serve", async () => {
    const { revocation, done } = revocationServing(pskPeer('old'));
    await revocation.apply(changed({ tenant: 'porto' }));
    await revocation.apply(changed({ endpoint: 'lyon-sl-2' }));
    expect(done).toEqual(['clear', 'forget lyon-sl-1', 'clear', 'forget lyon-sl-2']);
  });

  it('forgets every cached credential and resolution after a resubscription (messages may have been missed)', () => {
    const { revocation, done } = revocationServing(undefined);
    revocation.resubscribed();
    expect(done).toEqual(['clear', 'forget *']);
  });
});
