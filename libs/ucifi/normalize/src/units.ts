/**
 * Canonical units. DDF units are SenML unit names (RFC 8428 §12.1) or RFC 8798 secondary units, plus "/100" for a
 * percentage and a few non-registered spellings. A value is stored in the canonical unit of its resource so a metric
 * keeps one unit across object versions (3418/6 was kWh in 1.0 and is Wh since 2.0).
 */

/** unit -> [canonical unit, factor to multiply a value by]. Units not listed are already canonical. */
const TO_CANONICAL: ReadonlyMap<string, readonly [string, number]> = new Map<
  string,
  readonly [string, number]
>([
  // "/100" is a percentage of 1 (RFC 8798 secondary unit "/100"); the platform spells it "%" (RFC 8428 §12.1).
  ['/100', ['%', 1]],
  ['kWh', ['Wh', 1000]],
  ['kvarh', ['varh', 1000]],
  ['kVAh', ['VAh', 1000]],
  ['kW', ['W', 1000]],
  ['kvar', ['var', 1000]],
  ['kVA', ['VA', 1000]],
  ['mV', ['V', 0.001]],
  ['mA', ['A', 0.001]],
  // LwM2M 1.0 /3/0/10 "Memory Free" says KB for 1024-byte units: RFC 8798 spells it KiB.
  ['KB', ['KiB', 1]],
]);

export interface CanonicalUnit {
  readonly unit: string;
  readonly factor: number;
}

export function canonicalUnit(unit: string): CanonicalUnit {
  const mapped = TO_CANONICAL.get(unit);
  return mapped ? { unit: mapped[0], factor: mapped[1] } : { unit, factor: 1 };
}

/**
 * Registry quirks in units, by "objectId/resourceId" (all versions). `null` removes a unit the DDF gets wrong.
 * Each entry is a known DDF error, listed in the shared registry notes or found when diffing versions.
 */
export const UNIT_QUIRKS: ReadonlyMap<string, string | null> = new Map<string, string | null>([
  // 3421/9 "High current threshold" is declared in V; it is compared with /6 Current (A).
  ['3421/9', 'A'],
  // 3433/3 "Sensor Value" of the noise sensor has no unit; its min/max (/4, /5) and ranges are dB.
  ['3433/3', 'dB'],
  // 3415/4 "Last time sync" is a point in time (Time since 3.0) but 2.0 declares an Integer in h.
  ['3415/4', null],
  // /4/x/9 SMNC is a mobile network code, declared "%" in 1.1 only.
  ['4/9', null],
  // /0/x/13 Matching Type and /0/x/15 Certificate Usage are enumerations, declared "s" in 1.1 only.
  ['0/13', null],
  ['0/15', null],
]);
