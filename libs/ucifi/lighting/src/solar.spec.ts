import { localTimeToUtc } from './local-time';
import { InvalidLocationError, sunEvents } from './solar';

const LYON = { latitude: 45.76, longitude: 4.84 };
const PORTO = { latitude: 41.15, longitude: -8.61 };
const TROMSO = { latitude: 69.65, longitude: 18.96 };
const TWO_MIN = 2 * 60_000;

/** Local wall time "hh:mm" on a date in a zone, as UTC ms. */
function local(tz: string, date: string, hhmm: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const [h, min] = hhmm.split(':').map(Number);
  return localTimeToUtc(tz, { year: y!, month: m!, day: d! }, h! * 3600 + min! * 60);
}

function events(place: typeof LYON, date: string) {
  const [y, m, d] = date.split('-').map(Number);
  return sunEvents(place, y!, m!, d!);
}

describe('sunEvents (NOAA solar position)', () => {
  // Published times, local legal time (minute precision, so ±2 min tolerance):
  // Lyon Capitale, solstices at Lyon: 21 June 05:51 / 21:34 (CEST), 21 December 08:19 / 16:59 (CET);
  // whattime.city/lyon/sun and whattime.city/porto/sun, "sunrise and sunset on the 1st of each month".
  const published: [string, typeof LYON, string, string, string, string][] = [
    ['Lyon', LYON, 'Europe/Paris', '2026-06-21', '05:51', '21:34'],
    ['Lyon', LYON, 'Europe/Paris', '2026-12-21', '08:19', '16:59'],
    ['Lyon', LYON, 'Europe/Paris', '2027-01-01', '08:22', '17:07'],
    ['Lyon', LYON, 'Europe/Paris', '2027-04-01', '07:22', '20:08'],
    ['Lyon', LYON, 'Europe/Paris', '2027-07-01', '05:55', '21:35'],
    ['Porto', PORTO, 'Europe/Lisbon', '2027-01-01', '08:00', '17:16'],
    ['Porto', PORTO, 'Europe/Lisbon', '2027-04-01', '07:20', '19:58'],
    ['Porto', PORTO, 'Europe/Lisbon', '2027-06-01', '06:06', '21:00'],
    ['Porto', PORTO, 'Europe/Lisbon', '2026-12-01', '07:40', '17:08'],
  ];
  it.each(published)(
    '%s %s: sunrise and sunset within 2 min of the published times',
    (_n, place, tz, date, rise, set) => {
      const e = events(place, date);
      expect(Math.abs(e.sunrise! - local(tz, date, rise))).toBeLessThanOrEqual(TWO_MIN);
      expect(Math.abs(e.sunset! - local(tz, date, set))).toBeLessThanOrEqual(TWO_MIN);
    },
  );

  it('gives civil twilight about half an hour outside sunrise and sunset at mid latitudes', () => {
    const e = events(LYON, '2026-03-20');
    const dawn = (e.sunrise! - e.civilDawn!) / 60_000;
    const dusk = (e.civilDusk! - e.sunset!) / 60_000;
    // Near an equinox the Sun sinks at about 15°/h * cos 45.76° ≈ 10.5°/h: from zenith 90.833° to 96° (5.17°)
    // takes about 29.6 min.
    for (const m of [dawn, dusk]) {
      expect(m).toBeGreaterThan(28);
      expect(m).toBeLessThan(31);
    }
    expect(e.solarNoon).toBeGreaterThan(e.sunrise!);
    expect(e.solarNoon).toBeLessThan(e.sunset!);
  });

  it('has a day of about 12 h 09 min at the equinox (refraction and the upper limb lengthen it)', () => {
    const e = events(LYON, '2026-09-23');
    expect((e.sunset! - e.sunrise!) / 60_000).toBeGreaterThan(726);
    expect((e.sunset! - e.sunrise!) / 60_000).toBeLessThan(732);
  });

  it('returns no sunrise nor sunset during the polar day (Tromsø, June)', () => {
    const e = events(TROMSO, '2026-06-21');
    expect(e).toMatchObject({ sunrise: null, sunset: null, civilDawn: null, civilDusk: null });
    expect(typeof e.solarNoon).toBe('number');
  });

  it('returns no sunrise during the polar night but keeps civil twilight (Tromsø, December)', () => {
    const e = events(TROMSO, '2026-12-21');
    expect(e.sunrise).toBeNull();
    expect(e.sunset).toBeNull();
    expect(e.civilDawn).not.toBeNull();
    expect(e.civilDusk).not.toBeNull();
    expect(e.civilDawn!).toBeLessThan(e.solarNoon);
    expect(e.civilDusk!).toBeGreaterThan(e.solarNoon);
  });

  it('gives the southern hemisphere its seasons (Sydney: long days in December, short in June)', () => {
    const sydney = { latitude: -33.87, longitude: 151.21 };
    const dec = events(sydney, '2026-12-21');
    const jun = events(sydney, '2026-06-21');
    expect((dec.sunset! - dec.sunrise!) / 3600_000).toBeGreaterThan(14.2);
    expect((jun.sunset! - jun.sunrise!) / 3600_000).toBeLessThan(10);
    // The sunrise of a place east of Greenwich falls on the previous UTC day (local date 21, 05:xx at UTC+11).
    expect(new Date(dec.sunrise!).getUTCDate()).toBe(20);
  });

  it.each([
    [{ latitude: 91, longitude: 0 }],
    [{ latitude: 0, longitude: -181 }],
    [{ latitude: Number.NaN, longitude: 0 }],
  ])('refuses a location out of range %o', (place) => {
    expect(() => sunEvents(place, 2026, 1, 1)).toThrow(InvalidLocationError);
  });
});
