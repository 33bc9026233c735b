/**
 * The area polygons of district metered areas: a GeoJSON Polygon or MultiPolygon geometry (RFC 7946 §3.1.6,
 * §3.1.7), or a Feature holding one (§3.2). Pure: validation with the reason as text, a bounding box, and
 * point-in-polygon for the devices' positions (the devices table's latitude/longitude, WGS 84 like GeoJSON §4).
 */

/** [longitude, latitude]: RFC 7946 §3.1.1 puts longitude first. */
export type Position = readonly [number, number];
/** A closed linear ring (§3.1.6): four or more positions, the last equal to the first. */
export type Ring = readonly Position[];
/** The first ring is the exterior boundary, the others holes (§3.1.6). */
export type PolygonRings = readonly Ring[];

export interface AreaPolygon {
  /** The geometry as stored and returned (a Feature is unwrapped to its geometry). */
  readonly geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
  readonly polygons: readonly PolygonRings[];
}

export interface BoundingBox {
  readonly minLongitude: number;
  readonly minLatitude: number;
  readonly maxLongitude: number;
  readonly maxLatitude: number;
}

/** Bounds of what a tenant may send: an area is a district, not a coastline. */
export const MAX_POSITIONS = 10_000;
export const MAX_POLYGONS = 100;

export class PolygonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolygonError';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function position(v: unknown, at: string): Position {
  // §3.1.1: two or more numbers; an altitude, when there, is ignored for membership.
  if (!Array.isArray(v) || v.length < 2 || v.length > 3 || !v.every((n) => typeof n === 'number'))
    throw new PolygonError(`${at}: a position is [longitude, latitude]`);
  const [lon, lat] = v as number[];
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon!) > 180 || Math.abs(lat!) > 90)
    throw new PolygonError(`${at}: longitude must be within ±180 and latitude within ±90`);
  return [lon!, lat!];
}

function ring(v: unknown, at: string, budget: { left: number }): Ring {
  if (!Array.isArray(v)) throw new PolygonError(`${at}: a linear ring is an array of positions`);
  budget.left -= v.length;
  if (budget.left < 0) throw new PolygonError(`more than ${MAX_POSITIONS} positions`);
  const out = v.map((p, i) => position(p, `${at}[${i}]`));
  // §3.1.6: "A linear ring is a closed LineString with four or more positions. The first and last positions
  // are equivalent, and they MUST contain identical values".
  if (out.length < 4) throw new PolygonError(`${at}: a linear ring has four or more positions`);
  const first = out[0]!;
  const last = out[out.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1])
    throw new PolygonError(`${at}: a linear ring ends on its first position`);
  return out;
}

function polygonRings(v: unknown, at: string, budget: { left: number }): PolygonRings {
  if (!Array.isArray(v) || v.length === 0)
    throw new PolygonError(`${at}: a polygon is a non-empty array of linear rings`);
  return v.map((r, i) => ring(r, `${at}[${i}]`, budget));
}

/** Validates a Polygon or MultiPolygon geometry (or a Feature of one); throws PolygonError with the reason. */
export function parseAreaPolygon(value: unknown): AreaPolygon {
  let geometry: unknown = value;
  if (isObject(value) && value['type'] === 'Feature') geometry = value['geometry'];
  if (!isObject(geometry)) throw new PolygonError('a GeoJSON Polygon or MultiPolygon geometry is expected');
  const type = geometry['type'];
  const coordinates = geometry['coordinates'];
  const budget = { left: MAX_POSITIONS };
  let polygons: PolygonRings[];
  if (type === 'Polygon') {
    polygons = [polygonRings(coordinates, 'coordinates', budget)];
  } else if (type === 'MultiPolygon') {
    if (!Array.isArray(coordinates) || coordinates.length === 0)
      throw new PolygonError('coordinates: a MultiPolygon is a non-empty array of polygons');
    if (coordinates.length > MAX_POLYGONS) throw new PolygonError(`more than ${MAX_POLYGONS} polygons`);
    polygons = coordinates.map((p, i) => polygonRings(p, `coordinates[${i}]`, budget));
  } else {
    throw new PolygonError('a GeoJSON Polygon or MultiPolygon geometry is expected');
  }
  for (const p of polygons) {
    if (Math.abs(signedArea(p[0]!)) === 0) throw new PolygonError('the exterior ring encloses no area');
  }
  return { geometry: { type, coordinates }, polygons };
}

/** Twice the signed area of a ring (shoelace formula), in square degrees: zero for a degenerate ring. */
function signedArea(r: Ring): number {
  let sum = 0;
  for (let i = 0; i + 1 < r.length; i++) sum += r[i]![0] * r[i + 1]![1] - r[i + 1]![0] * r[i]![1];
  return sum;
}

export function boundingBox(area: AreaPolygon): BoundingBox {
  let minLongitude = Infinity;
  let minLatitude = Infinity;
  let maxLongitude = -Infinity;
  let maxLatitude = -Infinity;
  for (const p of area.polygons) {
    for (const [lon, lat] of p[0]!) {
      minLongitude = Math.min(minLongitude, lon);
      maxLongitude = Math.max(maxLongitude, lon);
      minLatitude = Math.min(minLatitude, lat);
      maxLatitude = Math.max(maxLatitude, lat);
    }
  }
  return { minLongitude, minLatitude, maxLongitude, maxLatitude };
}

/** Even-odd rule (ray casting towards +longitude): a point on an edge may fall either side. */
function inRing(r: Ring, lon: number, lat: number): boolean {
  let inside = false;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const [xi, yi] = r[i]!;
    const [xj, yj] = r[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Inside one of the polygons: within its exterior ring and outside its holes (§3.1.6). */
export function containsPoint(area: AreaPolygon, longitude: number, latitude: number): boolean {
  return area.polygons.some(
    (p) =>
      inRing(p[0]!, longitude, latitude) && !p.slice(1).some((hole) => inRing(hole, longitude, latitude)),
  );
}

/** Edges a latitude band holds on average: the cost of a point test once the bands are built. */
const EDGES_PER_BAND = 8;
/** Most (band, edge) entries of one ring: a ring of long edges gets fewer, taller bands, never unbounded memory. */
const MAX_BAND_ENTRIES = 200_000;

/**
 * inRing with the ring's edges bucketed by latitude band, built once per ring: a point is tested only against the
 * edges whose latitude range meets its band, instead of all of them (a 10,000-position district against 10,000
 * meters was 10^8 edge tests on the event loop). Same answers as inRing: an edge can toggle the parity only when
 * min(yi, yj) <= lat < max(yi, yj), and such an edge is in lat's band (the band of a latitude is monotonic in it).
 */
function ringTester(r: Ring): (lon: number, lat: number) => boolean {
  let minLat = Infinity;
  let maxLat = -Infinity;
  for (const [, lat] of r) {
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  const span = maxLat - minLat;
  let count = span > 0 ? Math.min(4096, Math.max(1, Math.ceil(r.length / EDGES_PER_BAND))) : 1;
  const bandOf = (lat: number) => Math.min(count - 1, Math.floor(((lat - minLat) / span) * count));
  const spans = (): number => {
    let entries = 0;
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const yi = r[i]![1];
      const yj = r[j]![1];
      if (yi !== yj) entries += bandOf(Math.max(yi, yj)) - bandOf(Math.min(yi, yj)) + 1;
    }
    return entries;
  };
  while (count > 1 && spans() > MAX_BAND_ENTRIES) count = Math.max(1, count >> 1);
  const bands: number[][] = Array.from({ length: count }, () => []);
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const yi = r[i]![1];
    const yj = r[j]![1];
    if (yi === yj) continue; // never toggles: yi > lat === yj > lat
    for (let b = bandOf(Math.min(yi, yj)); b <= bandOf(Math.max(yi, yj)); b++) bands[b]!.push(i);
  }
  return (lon, lat) => {
    // Outside [minLat, maxLat) (or NaN) no edge toggles: outside, as inRing says.
    if (!(lat >= minLat && lat < maxLat)) return false;
    let inside = false;
    for (const i of bands[bandOf(lat)]!) {
      const [xi, yi] = r[i]!;
      const [xj, yj] = r[i === 0 ? r.length - 1 : i - 1]!;
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
}

/** containsPoint with every ring indexed once: for testing many points against one area. */
export function pointInAreaTester(area: AreaPolygon): (longitude: number, latitude: number) => boolean {
  const polygons = area.polygons.map((p) => ({
    exterior: ringTester(p[0]!),
    holes: p.slice(1).map(ringTester),
  }));
  return (lon, lat) => polygons.some((p) => p.exterior(lon, lat) && !p.holes.some((hole) => hole(lon, lat)));
}
