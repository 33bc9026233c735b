import { locationOf, type GeoPoint } from './geo';
import { compact, indexOf, ratio, type ViewInput } from './latest-values';

/** FIWARE Streetlight `powerState` (dataModel.Streetlighting): on, off, low (dimmed). */
export type StreetlightPowerState = 'on' | 'off' | 'low';

/**
 * FIWARE Streetlight `status` values (ok, defectiveLamp, columnIssue, brokenLantern) plus the uCIFI failures the
 * FIWARE list does not name (the model allows "any other value meaningful to the application").
 */
export type StreetlightStatus =
  'ok' | 'defectiveLamp' | 'columnIssue' | 'controlGearFailure' | 'relayFailure';

export interface StreetlightView {
  readonly type: 'Streetlight';
  readonly powerState?: StreetlightPowerState;
  /** Relative light output 0..1 (FIWARE `illuminanceLevel`), from 3416/3 Dimming level. */
  readonly illuminanceLevel?: number;
  readonly status?: StreetlightStatus;
  readonly dayBurning?: boolean;
  readonly thermalDerating?: boolean;
  readonly thermalShutdown?: boolean;
  /** W, 3418/4 Active power, else 3416/46 Light source active power. */
  readonly powerConsumption?: number;
  /** Wh, 3418/6 Cumulated active energy, else 3416/47. */
  readonly energyConsumed?: number;
  readonly voltage?: number;
  readonly current?: number;
  readonly powerFactor?: number;
  /** h */
  readonly lampOperatingHours?: number;
  readonly switchCount?: number;
  /** Cel */
  readonly controlGearTemperature?: number;
  /** K, 3416/40 Actual light color temperature, else the luminaire's 3417/12 CCT. */
  readonly colorTemperature?: number;
  readonly dateLastSwitchingOn?: string;
  readonly photocell?: {
    readonly onLuxLevel?: number;
    readonly offLuxLevel?: number;
    readonly active?: boolean;
  };
  readonly luminaire?: {
    readonly gtin?: string;
    /** lm (FIWARE StreetlightModel `lumFlux`) */
    readonly lumFlux?: number;
    /** W */
    readonly nominalPower?: number;
    readonly colorRenderingIndex?: number;
    readonly colorTemperature?: number;
  };
  readonly location?: GeoPoint;
  readonly dateObserved?: string;
}

const LAMP = 3416;
const MONITOR = 3418;
const PHOTOCELL = 3419;
const LUMINAIRE = 3417;
const TILT = 3429;

/**
 * Streetlight view of a device with an outdoor lamp controller (3416), enriched with its electrical monitor (3418),
 * photocell (3419), luminaire asset (3417) and position (3430). Undefined when the device has no 3416.
 */
export function streetlightView(
  latest: ViewInput,
  options: { readonly instanceId?: number } = {},
): StreetlightView | undefined {
  const index = indexOf(latest);
  const v = index.reader();
  if (!v.has(LAMP)) return undefined;
  const lamp = v.pickInstance(LAMP, options.instanceId);
  const monitor = v.pickInstance(MONITOR, lamp);
  const level = v.num(LAMP, lamp, 3) ?? v.num(LAMP, lamp, 2);
  const photocell = v.pickInstance(PHOTOCELL, lamp);
  const luminaire = v.pickInstance(LUMINAIRE, lamp);

  const failures: [boolean | undefined, StreetlightStatus][] = [
    [v.bool(LAMP, lamp, 5), 'defectiveLamp'],
    [v.bool(LAMP, lamp, 7), 'controlGearFailure'],
    [v.bool(LAMP, lamp, 9), 'relayFailure'],
    [v.bool(TILT, v.pickInstance(TILT), 6), 'columnIssue'],
  ];
  const reported = failures.filter(([flag]) => flag !== undefined);
  const status = reported.length === 0 ? undefined : (reported.find(([flag]) => flag)?.[1] ?? 'ok');

  return compact<StreetlightView>({
    type: 'Streetlight',
    powerState: level === undefined ? undefined : level <= 0 ? 'off' : level >= 100 ? 'on' : 'low',
    illuminanceLevel: ratio(level),
    status,
    dayBurning: v.bool(LAMP, lamp, 10),
    thermalDerating: v.bool(LAMP, lamp, 22),
    thermalShutdown: v.bool(LAMP, lamp, 25),
    powerConsumption: v.num(MONITOR, monitor, 4) ?? v.num(LAMP, lamp, 46),
    energyConsumed: v.num(MONITOR, monitor, 6) ?? v.num(LAMP, lamp, 47),
    voltage: v.num(MONITOR, monitor, 1) ?? v.num(LAMP, lamp, 44),
    current: v.num(MONITOR, monitor, 2) ?? v.num(LAMP, lamp, 45),
    powerFactor: v.num(MONITOR, monitor, 5),
    lampOperatingHours: v.num(LAMP, lamp, 15),
    switchCount: v.num(LAMP, lamp, 18),
    controlGearTemperature: v.num(LAMP, lamp, 21),
    colorTemperature: v.num(LAMP, lamp, 40) ?? v.num(LUMINAIRE, luminaire, 12),
    dateLastSwitchingOn: v.date(LAMP, lamp, 17),
    photocell:
      photocell === undefined
        ? undefined
        : compact({
            onLuxLevel: v.num(PHOTOCELL, photocell, 1),
            offLuxLevel: v.num(PHOTOCELL, photocell, 2),
            active: v.bool(PHOTOCELL, photocell, 3),
          }),
    luminaire:
      luminaire === undefined
        ? undefined
        : compact({
            gtin: v.str(LUMINAIRE, luminaire, 1),
            lumFlux: v.num(LUMINAIRE, luminaire, 4),
            nominalPower: v.num(LUMINAIRE, luminaire, 7),
            colorRenderingIndex: v.num(LUMINAIRE, luminaire, 11),
            colorTemperature: v.num(LUMINAIRE, luminaire, 12),
          }),
    location: locationOf(v),
    dateObserved: v.observedAt(),
  });
}
