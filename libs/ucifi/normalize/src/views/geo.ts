import { type ValueReader } from './latest-values';

/** GeoJSON Point (RFC 7946 §3.1.2: coordinates are [longitude, latitude(, altitude)]), as FIWARE `location`. */
export interface GeoPoint {
  readonly type: 'Point';
  readonly coordinates: readonly number[];
}

/** Position from 3430 GNSS (1 Latitude, 2 Longitude, 3 Altitude) or else OMA 6 Location (0, 1, 2). */
export function locationOf(v: ValueReader): GeoPoint | undefined {
  for (const [objectId, lat, lon, alt] of [
    [3430, 1, 2, 3],
    [6, 0, 1, 2],
  ] as const) {
    const i = v.pickInstance(objectId);
    const latitude = v.num(objectId, i, lat);
    const longitude = v.num(objectId, i, lon);
    if (latitude === undefined || longitude === undefined) continue;
    const altitude = v.num(objectId, i, alt);
    return {
      type: 'Point',
      coordinates: altitude === undefined ? [longitude, latitude] : [longitude, latitude, altitude],
    };
  }
  return undefined;
}
