import { boundingBox, containsPoint, MAX_POSITIONS, parseAreaPolygon, PolygonError } from './geojson-polygon';

const square = [
  [4.8, 45.7],
  [4.9, 45.7],
  [4.9, 45.8],
  [4.8, 45.8],
  [4.8, 45.7],
];
const hole = [
  [4.84, 45.74],
  [4.86, 45.74],
  [4.86, 45.76],
  [4.84, 45.76],
  [4.84, 45.74],
];

describe('parseAreaPolygon', () => {
  it.each([
    ['a Polygon', { type: 'Polygon', coordinates: [square] }],
    ['a Polygon with a hole', { type: 'Polygon', coordinates: [square, hole] }],
    ['a MultiPolygon', { type: 'MultiPolygon', coordinates: [[square], [hole]] }],
    [
      'a Feature of a Polygon',
      { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [square] } },
    ],
    ['positions with an altitude', { type: 'Polygon', coordinates: [square.map(([x, y]) => [x, y, 170])] }],
  ])('accepts %s', (_name, value) => {
    expect(parseAreaPolygon(value).geometry.type).toMatch(/Polygon/);
  });

  it.each([
    ['null', null],
    ['a Point', { type: 'Point', coordinates: [4.8, 45.7] }],
    ['a Polygon without coordinates', { type: 'Polygon' }],
    ['an empty Polygon', { type: 'Polygon', coordinates: [] }],
    ['a ring of three positions', { type: 'Polygon', coordinates: [square.slice(0, 3)] }],
    ['an open ring', { type: 'Polygon', coordinates: [square.slice(0, 4).concat([[4.81, 45.7]])] }],
    ['a latitude out of range', { type: 'Polygon', coordinates: [square.map(([x, y]) => [x, y! + 50])] }],
    ['a string position', { type: 'Polygon', coordinates: [[['4.8', '45.7'], ...square.slice(1)]] }],
    [
      'a degenerate ring',
      {
        type: 'Polygon',
        coordinates: [
          [
            [4.8, 45.7],
            [4.9, 45.7],
            [4.85, 45.7],
            [4.8, 45.7],
          ],
        ],
      },
    ],
    [
      'too many positions',
      {
        type: 'Polygon',
        coordinates: [
          Array.from({ length: MAX_POSITIONS + 1 }, (_, i) =>
            i === MAX_POSITIONS ? square[0] : square[i % 4],
          ),
        ],
      },
    ],
  ])('refuses %s', (_name, value) => {
    expect(() => parseAreaPolygon(value)).toThrow(PolygonError);
  });
});

describe('containsPoint', () => {
  const area = parseAreaPolygon({ type: 'Polygon', coordinates: [square, hole] });
  it.each([
    [4.81, 45.71, true],
    [4.89, 45.79, true],
    [4.85, 45.75, false], // in the hole
    [4.95, 45.75, false],
    [4.85, 45.65, false],
  ])('(%d, %d) inside: %s', (lon, lat, inside) => {
    expect(containsPoint(area, lon, lat)).toBe(inside);
  });

  it('finds a point in any polygon of a MultiPolygon', () => {
    const multi = parseAreaPolygon({
      type: 'MultiPolygon',
      coordinates: [[square], [hole.map(([x, y]) => [x! + 1, y!])]],
    });
    expect(containsPoint(multi, 5.85, 45.75)).toBe(true);
    expect(containsPoint(multi, 5.95, 45.75)).toBe(false);
    expect(boundingBox(multi)).toEqual({
      minLongitude: 4.8,
      minLatitude: 45.7,
      maxLongitude: 5.86,
      maxLatitude: 45.8,
    });
  });
});
