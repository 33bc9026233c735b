import { MAX_ROWS, parseProvisionCsv } from './provision-csv';

describe('provisioning CSV', () => {
  it('reads endpoint, name, category and location, skipping the header and blank lines', () => {
    const csv =
      'endpoint,name,category,latitude,longitude\nlyon-sl-9001, Rue A ,lighting,45.76,4.83\n\nlyon-wm-9002\n';
    expect(parseProvisionCsv(csv, true)).toEqual({
      rows: [
        {
          endpoint: 'lyon-sl-9001',
          name: 'Rue A',
          category: 'lighting',
          location: { latitude: 45.76, longitude: 4.83 },
          credential: { generatePsk: true },
        },
        { endpoint: 'lyon-wm-9002', credential: { generatePsk: true } },
      ],
      errors: [],
    });
  });

  it('leaves the credential out when no PSK is to be generated (NoSec, where the city allows it)', () => {
    expect(parseProvisionCsv('a-1,,water', false).rows).toEqual([{ endpoint: 'a-1', category: 'water' }]);
  });

  it.each([
    [',name', 'line 1: no endpoint'],
    ['a-1,,,45.7', 'line 1: latitude and longitude must both be numbers in range'],
    ['a-1,,,north,4.8', 'line 1: latitude and longitude must both be numbers in range'],
    ['a-1,,,91,4.8', 'line 1: latitude and longitude must both be numbers in range'],
  ])('refuses %j: %s', (csv, error) => {
    expect(parseProvisionCsv(csv, true)).toEqual({ rows: [], errors: [error] });
  });

  it('refuses more devices than one call accepts', () => {
    const csv = Array.from({ length: MAX_ROWS + 1 }, (_, i) => `d-${i}`).join('\n');
    expect(parseProvisionCsv(csv, false).errors).toEqual([
      `${MAX_ROWS + 1} devices: at most ${MAX_ROWS} per import`,
    ]);
  });
});
