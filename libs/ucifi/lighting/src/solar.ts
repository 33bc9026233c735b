/**
 * Sunrise, sunset and civil twilight for a place and a date.
 *
 * Formulas: NOAA Global Monitoring Laboratory, "General Solar Position Calculations" and the NOAA Solar Calculator
 * (https://gml.noaa.gov/grad/solcalc/, its spreadsheet and calculation details), which implement Jean Meeus,
 * "Astronomical Algorithms" (2nd ed., 1998): Julian day (ch. 7), the Sun's geometric mean longitude and anomaly,
 * equation of centre, apparent longitude and obliquity (ch. 22, 25), the equation of time (ch. 28, Smart's
 * formula), and the hour angle of a given zenith. Sunrise/sunset use the zenith 90.833° (34' of refraction at the
 * horizon + 16' of solar semi-diameter, the upper limb touching the horizon), civil twilight 96° (centre 6° below).
 * As in NOAA's calculator, each event is computed once at the day's solar noon and then again at the event's own
 * time (the declination and equation of time change during the day). NOAA states an accuracy of about a minute
 * for latitudes within ±72°; beyond, and near the day where the Sun stops setting, the times are less exact.
 * A place with no such event on that day (polar day or polar night) gets `null`.
 */

export interface GeoLocation {
  /** Degrees, north positive. */
  readonly latitude: number;
  /** Degrees, east positive. */
  readonly longitude: number;
}

/** Events of one date, as UTC epoch ms; null where the Sun does not cross that altitude that day. */
export interface SunEvents {
  readonly civilDawn: number | null;
  readonly sunrise: number | null;
  readonly solarNoon: number;
  readonly sunset: number | null;
  readonly civilDusk: number | null;
}

export const SUNRISE_ZENITH_DEG = 90.833;
export const CIVIL_TWILIGHT_ZENITH_DEG = 96;

const rad = (d: number) => (d * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;
const MS_PER_DAY = 86_400_000;
/** JD of the Unix epoch (1970-01-01T00:00Z). */
const JD_UNIX_EPOCH = 2440587.5;

interface SolarState {
  /** Apparent declination, degrees. */
  readonly declination: number;
  /** Equation of time, minutes (apparent minus mean solar time). */
  readonly equationOfTime: number;
}

/** The Sun's declination and the equation of time at an instant (Meeus ch. 25 low-precision, ch. 28). */
export function solarState(utcMs: number): SolarState {
  const jd = utcMs / MS_PER_DAY + JD_UNIX_EPOCH;
  const t = (jd - 2451545) / 36525; // Julian centuries since J2000.0
  const l0 = mod360(280.46646 + t * (36000.76983 + t * 0.0003032)); // geometric mean longitude
  const m = 357.52911 + t * (35999.05029 - 0.0001537 * t); // mean anomaly
  const e = 0.016708634 - t * (0.000042037 + 0.0000001267 * t); // eccentricity of Earth's orbit
  const c =
    Math.sin(rad(m)) * (1.914602 - t * (0.004817 + 0.000014 * t)) +
    Math.sin(rad(2 * m)) * (0.019993 - 0.000101 * t) +
    Math.sin(rad(3 * m)) * 0.000289; // equation of centre
  const trueLongitude = l0 + c;
  const omega = 125.04 - 1934.136 * t;
  const apparentLongitude = trueLongitude - 0.00569 - 0.00478 * Math.sin(rad(omega));
  const meanObliquity = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60;
  const obliquity = meanObliquity + 0.00256 * Math.cos(rad(omega));
  const declination = deg(Math.asin(Math.sin(rad(obliquity)) * Math.sin(rad(apparentLongitude))));
  const y = Math.tan(rad(obliquity / 2)) ** 2;
  const equationOfTime =
    4 *
    deg(
      y * Math.sin(2 * rad(l0)) -
        2 * e * Math.sin(rad(m)) +
        4 * e * y * Math.sin(rad(m)) * Math.cos(2 * rad(l0)) -
        0.5 * y * y * Math.sin(4 * rad(l0)) -
        1.25 * e * e * Math.sin(2 * rad(m)),
    );
  return { declination, equationOfTime };
}

/**
 * Hour angle (degrees) at which the Sun's centre reaches a zenith distance; null when it never does that day
 * (cos H outside [-1, 1]: the Sun stays above, or below, that altitude).
 */
function hourAngle(latitude: number, declination: number, zenith: number): number | null {
  const cosH =
    Math.cos(rad(zenith)) / (Math.cos(rad(latitude)) * Math.cos(rad(declination))) -
    Math.tan(rad(latitude)) * Math.tan(rad(declination));
  if (!Number.isFinite(cosH) || cosH < -1 || cosH > 1) return null;
  return deg(Math.acos(cosH));
}

/** Solar noon (UTC ms) of the civil date whose 00:00 UTC is `dayStartUtc`, at a longitude. */
function solarNoon(dayStartUtc: number, longitude: number): number {
  // First at mean noon of the meridian, then corrected with the equation of time at that instant (twice).
  let noon = dayStartUtc + (720 - 4 * longitude) * 60_000;
  for (let i = 0; i < 2; i++) {
    noon = dayStartUtc + (720 - 4 * longitude - solarState(noon).equationOfTime) * 60_000;
  }
  return noon;
}

/**
 * The time the Sun crosses a zenith on a date, rising (morning) or setting (evening); null when it does not.
 * `dayStartUtc` is 00:00 UTC of the date (the date is the local date of the place: its solar noon falls on it).
 */
export function sunCrossing(
  location: GeoLocation,
  dayStartUtc: number,
  zenith: number,
  rising: boolean,
): number | null {
  const noon = solarNoon(dayStartUtc, location.longitude);
  const sign = rising ? -1 : 1;
  let at = noon;
  // Iterate on the event's own instant: declination and equation of time there (NOAA calculator's refinement).
  for (let i = 0; i < 3; i++) {
    const s = solarState(at);
    const h = hourAngle(location.latitude, s.declination, zenith);
    if (h === null) return null;
    const noonThere = dayStartUtc + (720 - 4 * location.longitude - s.equationOfTime) * 60_000;
    at = noonThere + sign * 4 * h * 60_000;
  }
  return Math.round(at);
}

/** Sunrise, sunset, civil dawn/dusk and solar noon of a date (year, month 1-12, day) at a place. */
export function sunEvents(location: GeoLocation, year: number, month: number, day: number): SunEvents {
  validateLocation(location);
  const dayStart = Date.UTC(year, month - 1, day);
  return {
    civilDawn: sunCrossing(location, dayStart, CIVIL_TWILIGHT_ZENITH_DEG, true),
    sunrise: sunCrossing(location, dayStart, SUNRISE_ZENITH_DEG, true),
    solarNoon: Math.round(solarNoon(dayStart, location.longitude)),
    sunset: sunCrossing(location, dayStart, SUNRISE_ZENITH_DEG, false),
    civilDusk: sunCrossing(location, dayStart, CIVIL_TWILIGHT_ZENITH_DEG, false),
  };
}

export class InvalidLocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidLocationError';
  }
}

export function validateLocation(location: GeoLocation): void {
  const { latitude, longitude } = location;
  if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90) {
    throw new InvalidLocationError(`latitude must be within -90..90 degrees (got ${latitude})`);
  }
  if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180) {
    throw new InvalidLocationError(`longitude must be within -180..180 degrees (got ${longitude})`);
  }
}

function mod360(x: number): number {
  return ((x % 360) + 360) % 360;
}
