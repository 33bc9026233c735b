import {
  boundingBox,
  containsPoint,
  MAX_POSITIONS,
  parseAreaPolygon,
  pointInAreaTester,
  PolygonError,
} from './geojson-polygon';

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

describe('pointInAreaTester', () => {
  /** mulberry32: a seeded generator, so a failure can be replayed. */
  function random(seed: number): () => number {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const close = (ring: [number, number][]): [number, number][] => [...ring, ring[0]!];
  /** A star-shaped ring of n positions around (lon, lat), radius r jittered (self-touching never: angles ordered). */
  const star = (rnd: () => number, n: number, lon: number, lat: number, r: number): [number, number][] =>
    close(
      Array.from({ length: n }, (_, i) => {
        const a = (2 * Math.PI * i) / n;
        const d = r * (0.3 + 0.7 * rnd());
        return [lon + d * Math.cos(a), lat + d * Math.sin(a)] as [number, number];
      }),
    );
  /** North-south spikes: every edge spans the whole height, so the bands cannot split them. */
  const comb = (n: number): [number, number][] =>
    close([
      ...Array.from(
        { length: n },
        (_, i) => [4.8 + (0.1 * i) / n, i % 2 === 0 ? 45.7 : 45.8] as [number, number],
      ),
      [4.9, 45.6],
      [4.8, 45.6],
    ]);

  it.each([
    [
      'a jagged district',
      (rnd: () => number) => ({ type: 'Polygon', coordinates: [star(rnd, 2000, 4.85, 45.75, 0.05)] }),
    ],
    [
      'a polygon with a hole',
      (rnd: () => number) => ({
        type: 'Polygon',
        coordinates: [star(rnd, 300, 4.85, 45.75, 0.05), star(rnd, 50, 4.85, 45.75, 0.01).reverse()],
      }),
    ],
    [
      'a MultiPolygon',
      (rnd: () => number) => ({
        type: 'MultiPolygon',
        coordinates: [[star(rnd, 100, 4.82, 45.72, 0.02)], [star(rnd, 100, 4.88, 45.78, 0.02)]],
      }),
    ],
    ['a comb of full-height edges', () => ({ type: 'Polygon', coordinates: [comb(5000)] })],
  ])('answers as containsPoint for %s, on random points and on its own vertices', (_name, geometry) => {
    const rnd = random(24);
    const area = parseAreaPolygon(geometry(rnd));
    const inside = pointInAreaTester(area);
    const points: [number, number][] = Array.from({ length: 5000 }, () => [
      4.78 + 0.14 * rnd(),
      45.58 + 0.24 * rnd(),
    ]);
    for (const p of area.polygons)
      for (const ring of p) points.push(...ring.map(([x, y]) => [x, y] as [number, number]));
    let agree = 0;
    for (const [lon, lat] of points) if (inside(lon, lat) === containsPoint(area, lon, lat)) agree++;
    expect(agree).toBe(points.length);
    expect(inside(Number.NaN, 45.75)).toBe(containsPoint(area, Number.NaN, 45.75));
  });
});
