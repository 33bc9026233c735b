import { type Registration } from '@smartcity/lwm2m-server';
import { RegistrationCompactor } from './registration-compactor';

/** Fresh strings and objects for every call, as a Register's parse or a record read back from Redis gives them. */
function received(endpoint: string): Registration {
  return JSON.parse(
    JSON.stringify({
      id: `id-${endpoint}`,
      endpoint,
      tenant: 'lyon',
      deviceId: `device-${endpoint}`,
      lwm2mVersion: '1.1',
      lifetime: 300,
      binding: 'U',
      queueMode: false,
      links: '</1/0>,</3/0>,</3303/0>;ver=1.1',
      rootPath: '/',
      objectVersions: { '1': '1.1', '3': '1.1', '3303': '1.1' },
      peerAddress: '192.0.2.7',
      peerPort: 5683,
      owner: 'ingest-a',
      registeredAt: 1,
      updatedAt: 1,
      expiresAt: 2,
    }),
  ) as Registration;
}

describe('RegistrationCompactor', () => {
  it('keeps every value of the registration', () => {
    const r = received('sl-1');
    expect(new RegistrationCompactor().compact(r, '192.0.2.7')).toEqual(r);
  });

  it('shares the tenant, links and object versions between the registrations of a fleet', () => {
    const compactor = new RegistrationCompactor();
    const a = compactor.compact(received('sl-1'), '192.0.2.7');
    const b = compactor.compact(received('sl-2'), '192.0.2.8');
    expect(b.objectVersions).toBe(a.objectVersions);
    expect(b.endpoint).not.toBe(a.endpoint);
  });

  it('keeps object versions apart when they differ', () => {
    const compactor = new RegistrationCompactor();
    const a = compactor.compact(received('sl-1'), '192.0.2.7');
    const other = { ...received('sl-2'), objectVersions: { '1': '1.1', '3': '1.0' } };
    const b = compactor.compact(other, '192.0.2.7');
    expect(b.objectVersions).not.toBe(a.objectVersions);
    expect(b.objectVersions).toEqual({ '1': '1.1', '3': '1.0' });
  });
});
