import { type DeviceRow, type StateRow } from './device.rows';
import { groupState, type ObjectNames, parseResourcePath, toDevice, toRegistration } from './device.mapping';

const names: ObjectNames = {
  objectName: (id, version) => (id === 3424 ? `Water meter ${version ?? '?'}` : null),
  resourceName: (id, _v, rid) => (id === 3424 && rid === 1 ? 'Cumulated water volume' : null),
};

function state(path: string, time: string, extra: Partial<StateRow> = {}): StateRow {
  return {
    deviceId: 'd1',
    path,
    metric: 'm',
    time: new Date(time),
    valueNum: 1,
    valueBool: null,
    valueText: null,
    valueJson: null,
    unit: 'm3',
    quality: null,
    ...extra,
  };
}

describe('parseResourcePath', () => {
  it.each([
    ['/3424/0/1', [3424, 0, 1, null]],
    ['/3424/0/1/7', [3424, 0, 1, 7]],
    ['/3424/0', null],
    ['3424/0/1', null],
    ['/3424/x/1', null],
    ['/3424/0/1/2/3', null],
    ['/70000/0/1', null],
  ])('%s -> %j', (path, expected) => {
    expect(parseResourcePath(path)).toEqual(expected);
  });
});

describe('groupState', () => {
  it('groups values by object instance, names them with the announced version and keeps the newest time', () => {
    const groups = groupState(
      [
        state('/3424/1/1', '2026-01-01T00:00:00Z'),
        state('/3424/0/10', '2026-01-01T00:05:00Z', { valueBool: true, valueNum: null }),
        state('/3424/0/1', '2026-01-01T00:01:00Z'),
        state('/3/0/9', '2026-01-01T00:00:00Z'),
        state('bad', '2026-01-01T00:00:00Z'),
      ],
      { '3424': '1.1' },
      names,
    );
    expect(groups.map((g) => [g.objectId, g.instanceId, g.objectName, g.objectVersion])).toEqual([
      [3, 0, null, null],
      [3424, 0, 'Water meter 1.1', '1.1'],
      [3424, 1, 'Water meter 1.1', '1.1'],
    ]);
    const meter = groups[1]!;
    expect(meter.updatedAt).toEqual(new Date('2026-01-01T00:05:00Z'));
    expect(meter.resources.map((r) => [r.resourceId, r.name])).toEqual([
      [1, 'Cumulated water volume'],
      [10, null],
    ]);
  });
});

describe('toDevice / toRegistration', () => {
  const row: DeviceRow = {
    id: 'd1',
    tenantId: 'lyon',
    endpoint: 'urn:dev:1',
    name: null,
    category: 'water',
    profile: null,
    latitude: 45.7,
    longitude: null,
    attributes: {},
    autoProvisioned: false,
    decommissionedAt: null,
    createdAt: new Date(0),
    lastSeenAt: null,
    status: 'REGISTERED',
    statusChangedAt: null,
    registrationId: 'r1',
    registeredAt: null,
    lwm2mVersion: '1.1',
    binding: 'UQ',
    lifetime: 300,
    queueMode: true,
    objectVersions: { '3424': '1.1', '3': '1.0' },
    securityMode: 'psk',
    pskIdentity: 'urn:dev:1',
  };
  it('has no location unless both coordinates are known, and is online only while registered', () => {
    expect(toDevice(row)).toMatchObject({ location: null, online: true });
    expect(toDevice({ ...row, status: 'EXPIRED' }).online).toBe(false);
    expect(toDevice({ ...row, decommissionedAt: new Date() }).online).toBe(false);
  });
  it('carries the security mode and the PSK identity, nothing of the key', () => {
    expect(toDevice(row)).toMatchObject({ securityMode: 'PSK', pskIdentity: 'urn:dev:1' });
    expect(toDevice({ ...row, securityMode: 'nosec', pskIdentity: null }).securityMode).toBe('NOSEC');
    expect(toDevice({ ...row, securityMode: 'x509', pskIdentity: null }).securityMode).toBe('X509');
  });
  it('lists announced objects in id order with their names', () => {
    expect(toRegistration(row, names).objects).toEqual([
      { objectId: 3, version: '1.0', name: null },
      { objectId: 3424, version: '1.1', name: 'Water meter 1.1' },
    ]);
  });
});
