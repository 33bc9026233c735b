import { parseDeviceChange } from './device-changes';

describe('parseDeviceChange', () => {
  it.each([
    ['{"tenant":"lyon","endpoint":"lyon-sl-1","change":"decommissioned"}', 'decommissioned'],
    [
      '{"tenant":"lyon","endpoint":"lyon-sl-1","change":"credential-changed","later":1}',
      'credential-changed',
    ],
  ])('reads %s', (message, change) => {
    expect(parseDeviceChange(message)).toEqual({ tenant: 'lyon', endpoint: 'lyon-sl-1', change });
  });

  it.each([
    'not json',
    'null',
    '[]',
    '{"tenant":"lyon","endpoint":"e"}',
    '{"tenant":"lyon","endpoint":"e","change":"renamed"}',
    '{"tenant":1,"endpoint":"e","change":"decommissioned"}',
  ])('ignores %s', (message) => {
    expect(parseDeviceChange(message)).toBeNull();
  });

  it('reads the identity a rotation keeps', () => {
    expect(
      parseDeviceChange(
        '{"tenant":"lyon","endpoint":"e","change":"credential-changed","keepPskIdentity":"lwm2m-ab"}',
      ),
    ).toEqual({ tenant: 'lyon', endpoint: 'e', change: 'credential-changed', keepPskIdentity: 'lwm2m-ab' });
  });

  it.each([
    ['a number', '{"tenant":"lyon","endpoint":"e","change":"credential-changed","keepPskIdentity":7}'],
    ['empty', '{"tenant":"lyon","endpoint":"e","change":"credential-changed","keepPskIdentity":""}'],
    [
      'too long',
      `{"tenant":"lyon","endpoint":"e","change":"credential-changed","keepPskIdentity":"${'x'.repeat(129)}"}`,
    ],
    [
      'on a decommissioning',
      '{"tenant":"lyon","endpoint":"e","change":"decommissioned","keepPskIdentity":"a"}',
    ],
  ])('keeps nothing when the identity is %s', (_, message) => {
    const change = parseDeviceChange(message);
    expect(change).not.toBeNull();
    expect(change).not.toHaveProperty('keepPskIdentity');
  });
});
