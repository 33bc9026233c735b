import { GatewayErrorCode } from '../errors/gateway.exception';
import { parseAreaPolygon } from './geojson-polygon';
import { BOX_QUERY_LIMIT, polygonMembers } from './water-area.membership';
import { MAX_AREA_MEMBERS } from './water-area.validation';
import { type MeterCandidate } from './water-areas.repository';

const SQUARE = parseAreaPolygon({
  type: 'Polygon',
  coordinates: [
    [
      [4.8, 45.7],
      [4.9, 45.7],
      [4.9, 45.8],
      [4.8, 45.8],
      [4.8, 45.7],
    ],
  ],
});

function meter(i: number, latitude = 45.75, longitude = 4.85): MeterCandidate {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return {
    id,
    endpoint: `m${i}`,
    category: 'water',
    latitude,
    longitude,
    waterMeter: true,
    decommissioned: false,
  };
}
const meters = (n: number) => Array.from({ length: n }, (_, i) => meter(i + 1));

describe('polygonMembers', () => {
  it('keeps the meters inside the polygon, never the inlet', async () => {
    const inBox = [meter(1), meter(2, 45.79, 4.89), meter(3, 45.75, 4.95), meter(4)];
    await expect(polygonMembers(SQUARE, inBox, meter(4).id)).resolves.toEqual([meter(1).id, meter(2).id]);
  });

  it('accepts exactly MAX_AREA_MEMBERS meters in the box, giving way to other work while it tests them', async () => {
    let turns = 0;
    const other = setInterval(() => turns++, 0);
    const members = await polygonMembers(SQUARE, meters(MAX_AREA_MEMBERS), 'none');
    clearInterval(other);
    expect(members).toHaveLength(MAX_AREA_MEMBERS);
    // A timer due at once ran while the meters were tested: the event loop was not held for the whole list.
    expect(turns).toBeGreaterThan(0);
  });

  it('refuses with BAD_USER_INPUT a box holding more meters than an area may, before any polygon test', async () => {
    // The query's LIMIT is one more than the maximum, so a box that holds too many is told from one that is full.
    expect(BOX_QUERY_LIMIT).toBe(MAX_AREA_MEMBERS + 1);
    await expect(polygonMembers(SQUARE, meters(BOX_QUERY_LIMIT), 'none')).rejects.toMatchObject({
      code: GatewayErrorCode.BadUserInput,
      details: { argument: 'input.polygon' },
    });
  });
});
