import { GatewayException } from '../errors/gateway.exception';
import { type AreaPolygon, containsPoint } from './geojson-polygon';
import { MAX_AREA_MEMBERS } from './water-area.validation';
import { type MeterCandidate } from './water-areas.repository';

/** The LIMIT of the bounding-box query: one meter more than an area may hold, to tell a box that holds too many. */
export const BOX_QUERY_LIMIT = MAX_AREA_MEMBERS + 1;

/**
 * The members of a polygon area among the water meters of its bounding box (at most BOX_QUERY_LIMIT, the query's
 * LIMIT): those inside the polygon, never the inlet. The point-in-polygon test runs on the event loop, so it is
 * bounded: at most MAX_AREA_MEMBERS meters, each against at most MAX_POSITIONS positions; a box with more meters
 * is the caller's mistake (BAD_USER_INPUT), refused before any test.
 */
export function polygonMembers(
  polygon: AreaPolygon,
  inBox: readonly MeterCandidate[],
  inletId: string,
): string[] {
  if (inBox.length > MAX_AREA_MEMBERS) {
    throw GatewayException.badInput(
      `more than ${MAX_AREA_MEMBERS} water meters in the polygon's bounding box`,
      'input.polygon',
    );
  }
  return inBox
    .filter((d) => d.id !== inletId && containsPoint(polygon, d.longitude!, d.latitude!))
    .map((d) => d.id);
}
