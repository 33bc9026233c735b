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
});
