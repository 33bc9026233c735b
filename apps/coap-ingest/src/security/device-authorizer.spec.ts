import { type Peer } from '@smartcity/coap';
import { type DeviceCredentialRepository, type PskOwner } from '@smartcity/platform-db';
import { type Pool } from 'pg';
import { type DeviceDirectory, type DeviceRecord } from '../tenancy/device-directory';
import { CredentialLookup } from './credential-lookup';
import { type CredentialRotation, type RotatedDevice } from './credential-rotation';
import { DeviceAuthorizer } from './device-authorizer';

const device = (over: Partial<DeviceRecord> = {}): DeviceRecord => ({
  tenant: 'lyon',
  deviceId: 'dev-1',
  profile: null,
  observe: [],
  decommissioned: false,
  securityMode: 'psk',
  nosecAllowed: false,
  ...over,
});

const owner = (identity: string, over: Partial<PskOwner> = {}): PskOwner => ({
  tenantId: 'lyon',
  deviceId: 'dev-1',
  endpoint: 'lyon-sl-1',
  decommissioned: false,
  key: Buffer.alloc(16, identity.length),
  pending: false,
  ...over,
});

const pskPeer = (identity: string): Peer => ({
  address: '127.0.0.1',
  port: 40000,
  key: 's1',
  identity: { kind: 'psk', identity },
});

function authorizerWith(record: DeviceRecord | null, owners: Record<string, PskOwner>, promoteAnswer = true) {
  const promoted: { device: RotatedDevice; identity: string }[] = [];
  const directory: DeviceDirectory = { resolve: () => Promise.resolve(record) };
  const repository = {
    resolvePsk: (_pool: Pool, identity: string) => Promise.resolve(owners[identity]),
    resolveRpk: () => Promise.resolve(undefined),
  } as unknown as DeviceCredentialRepository;
  const lookup = new CredentialLookup({} as Pool, repository, { ttlMs: 1000, maxEntries: 10, now: () => 0 });
  const rotation: CredentialRotation = {
    promote: (d, identity) => {
      promoted.push({ device: d, identity });
      return Promise.resolve(promoteAnswer);
    },
  };
  const authorizer = new DeviceAuthorizer(directory, lookup, { authoritiesOf: () => [] }, rotation);
  return { authorizer, promoted };
}

describe('DeviceAuthorizer', () => {
  it("accepts the device's current PSK without promoting anything", async () => {
    const { authorizer, promoted } = authorizerWith(device(), { cur: owner('cur') });
    await expect(authorizer.authorize('lyon-sl-1', pskPeer('cur'))).resolves.toEqual({
      ok: true,
      tenant: 'lyon',
      deviceId: 'dev-1',
    });
    expect(promoted).toEqual([]);
  });

  it.each(['psk', 'rpk', 'x509', 'nosec'] as const)(
    'accepts a PSK staged by a re-bootstrap whatever the current mode (%s) and promotes it',
    async (securityMode) => {
      const { authorizer, promoted } = authorizerWith(device({ securityMode }), {
        staged: owner('staged', { pending: true }),
      });
      await expect(authorizer.authorize('lyon-sl-1', pskPeer('staged'))).resolves.toMatchObject({ ok: true });
      expect(promoted).toEqual([
        { device: { tenant: 'lyon', deviceId: 'dev-1', endpoint: 'lyon-sl-1' }, identity: 'staged' },
      ]);
    },
  );

  it('refuses a staged PSK that could not be promoted (replaced by a newer bootstrap, expired)', async () => {
    const { authorizer } = authorizerWith(device(), { staged: owner('staged', { pending: true }) }, false);
    await expect(authorizer.authorize('lyon-sl-1', pskPeer('staged'))).resolves.toEqual({ ok: false });
  });

  it("refuses another device's staged PSK and does not promote it", async () => {
    const { authorizer, promoted } = authorizerWith(device(), {
      other: owner('other', { pending: true, deviceId: 'dev-2' }),
    });
    await expect(authorizer.authorize('lyon-sl-1', pskPeer('other'))).resolves.toEqual({ ok: false });
    expect(promoted).toEqual([]);
  });

  it('refuses a current PSK when the device is now in another mode, and unknown or decommissioned devices', async () => {
    const cur = { cur: owner('cur') };
    await expect(
      authorizerWith(device({ securityMode: 'rpk' }), cur).authorizer.authorize('lyon-sl-1', pskPeer('cur')),
    ).resolves.toEqual({ ok: false });
    await expect(
      authorizerWith(device({ decommissioned: true }), cur).authorizer.authorize('lyon-sl-1', pskPeer('cur')),
    ).resolves.toEqual({ ok: false });
    await expect(
      authorizerWith(null, cur).authorizer.authorize('lyon-sl-1', pskPeer('cur')),
    ).resolves.toEqual({
      ok: false,
    });
    await expect(
      authorizerWith(device(), cur).authorizer.authorize('lyon-sl-1', pskPeer('nope')),
    ).resolves.toEqual({
      ok: false,
    });
  });

  it('accepts NoSec only for a device without credential in a tenant that allows it', async () => {
    const plain: Peer = { address: '127.0.0.1', port: 1, key: '127.0.0.1|1' };
    await expect(
      authorizerWith(device({ securityMode: 'nosec', nosecAllowed: true }), {}).authorizer.authorize(
        'e',
        plain,
      ),
    ).resolves.toMatchObject({ ok: true });
    await expect(
      authorizerWith(device({ securityMode: 'nosec', nosecAllowed: false }), {}).authorizer.authorize(
        'e',
        plain,
      ),
    ).resolves.toEqual({ ok: false });
    await expect(
      authorizerWith(device({ securityMode: 'psk', nosecAllowed: true }), {}).authorizer.authorize(
        'e',
        plain,
      ),
    ).resolves.toEqual({ ok: false });
  });
});
