/**
 * US EPA Air Quality Index from particulate concentrations: the index is piecewise linear between breakpoints,
 * I = (Ihi - Ilo) / (Chi - Clo) * (C - Clo) + Ilo, and the overall AQI is the highest pollutant sub-index
 * (EPA "Technical Assistance Document for the Reporting of Daily Air Quality", 2024, PM2.5 breakpoints revised).
 * We apply it to the latest readings, not the 24-hour averages the EPA defines it on: an indicator, not a report.
 */
type Breakpoint = readonly [cLow: number, cHigh: number, iLow: number, iHigh: number];

/** PM2.5, µg/m³ (truncated to 0.1). */
const PM25: readonly Breakpoint[] = [
  [0, 9.0, 0, 50],
  [9.1, 35.4, 51, 100],
  [35.5, 55.4, 101, 150],
  [55.5, 125.4, 151, 200],
  [125.5, 225.4, 201, 300],
  [225.5, 325.4, 301, 500],
];

/** PM10, µg/m³ (truncated to integer). */
const PM10: readonly Breakpoint[] = [
  [0, 54, 0, 50],
  [55, 154, 51, 100],
  [155, 254, 101, 150],
  [255, 354, 151, 200],
  [355, 424, 201, 300],
  [425, 604, 301, 500],
];

function subIndex(table: readonly Breakpoint[], concentration: number, decimals: number): number | null {
  if (!Number.isFinite(concentration) || concentration < 0) return null;
  const scale = 10 ** decimals;
  const c = Math.floor(concentration * scale) / scale;
  for (const [cLow, cHigh, iLow, iHigh] of table) {
    if (c <= cHigh) return Math.round(((iHigh - iLow) / (cHigh - cLow)) * (Math.max(c, cLow) - cLow) + iLow);
  }
  return 500; // beyond the index: reported as its maximum
}

/** AQI from PM2.5 and/or PM10 (µg/m³); null when neither is known. */
export function airQualityIndex(
  pm25: number | null | undefined,
  pm10: number | null | undefined,
): number | null {
  const a = pm25 === null || pm25 === undefined ? null : subIndex(PM25, pm25, 1);
  const b = pm10 === null || pm10 === undefined ? null : subIndex(PM10, pm10, 0);
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
