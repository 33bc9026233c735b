import { SeededRandom } from '../random/seeded-random';

/** Where a city is and its local time offset: positions of assets and the lighting schedule depend on it. */
export interface CityProfile {
  readonly tenant: string;
  readonly latitude: number;
  readonly longitude: number;
  /** Hours ahead of UTC (winter time; good enough for schedules). */
  readonly utcOffsetHours: number;
}

const KNOWN: Readonly<Record<string, Omit<CityProfile, 'tenant'>>> = {
  lyon: { latitude: 45.764, longitude: 4.8357, utcOffsetHours: 1 },
  porto: { latitude: 41.1579, longitude: -8.6291, utcOffsetHours: 0 },
};

/** The demo cities have their real coordinates; any other tenant gets a stable place in Europe from its name. */
export function cityProfile(tenant: string): CityProfile {
  const known = KNOWN[tenant];
  if (known) return { tenant, ...known };
  const rnd = new SeededRandom(`city:${tenant}`);
  return { tenant, latitude: rnd.between(40, 55), longitude: rnd.between(-5, 15), utcOffsetHours: 1 };
}

/** Local hour of day (fractional) at a simulated time. */
export function localHour(city: CityProfile, timeMs: number): number {
  const h = (timeMs / 3_600_000 + city.utcOffsetHours) % 24;
  return h < 0 ? h + 24 : h;
}
