import { GatewayException } from '../errors/gateway.exception';
import { type AreaPolygon, pointInAreaTester } from './geojson-polygon';
import { MAX_AREA_MEMBERS } from './water-area.validation';
import { type MeterCandidate } from './water-areas.repository';

/** The LIMIT of the bounding-box query: one meter more than an area may hold, to tell a box that holds too many. */
export const BOX_QUERY_LIMIT = MAX_AREA_MEMBERS + 1;

/** Meters tested between two yields to the event loop. */
const METERS_PER_TURN = 250;

/**
 * The members of a polygon area among the water meters of its bounding box (at most BOX_QUERY_LIMIT, the query's
 * LIMIT): those inside the polygon, never the inlet. The point-in-polygon tests run on the event loop, so they are
 * bounded and shared: at most MAX_AREA_MEMBERS meters (a box with more is the caller's mistake, BAD_USER_INPUT,
 * refused before any test), each against the edges of its latitude band only (pointInAreaTester), and the loop
 * gives way to other requests every METERS_PER_TURN meters.
 */
export async function polygonMembers(
  polygon: AreaPolygon,
  inBox: readonly MeterCandidate[],
  inletId: string,
): Promise<string[]> {
  if (inBox.length > MAX_AREA_MEMBERS) {
    throw GatewayException.badInput(
      `more than ${MAX_AREA_MEMBERS} water meters in the polygon's bounding box`,
      'input.polygon',
    );
  }
  const inside = pointInAreaTester(polygon);
  const members: string[] = [];
  for (let start = 0; start < inBox.length; start += METERS_PER_TURN) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const d of inBox.slice(start, start + METERS_PER_TURN)) {
      if (d.id !== inletId && inside(d.longitude!, d.latitude!)) members.push(d.id);
    }
  }
  return members;
}
