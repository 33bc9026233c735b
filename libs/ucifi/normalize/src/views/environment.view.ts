import { compact, indexOf, type ViewInput } from './latest-values';

/** FIWARE AirQualityObserved (dataModel.Environment) property names; ug/m3 for particles, ppm for gases. */
export interface AirQualityView {
  readonly type: 'AirQualityObserved';
  readonly instanceId: number;
  readonly pm10?: number;
  readonly pm25?: number;
  readonly pm1?: number;
  readonly co?: number;
  readonly so2?: number;
  readonly o3?: number;
  readonly no2?: number;
  readonly no?: number;
  readonly h2s?: number;
  readonly co2?: number;
  readonly volatileOrganicCompoundsTotal?: number;
  readonly dateObserved?: string;
}

export function airQualityViews(latest: ViewInput): AirQualityView[] {
  const index = indexOf(latest);
  return index.instances(3428).map((i) => {
    const v = index.reader();
    return compact<AirQualityView>({
      type: 'AirQualityObserved',
      instanceId: i,
      pm10: v.num(3428, i, 1),
      pm25: v.num(3428, i, 3),
      pm1: v.num(3428, i, 5),
      co: v.num(3428, i, 7),
      so2: v.num(3428, i, 9),
      o3: v.num(3428, i, 12),
      no2: v.num(3428, i, 15),
      co2: v.num(3428, i, 17),
      no: v.num(3428, i, 19),
      h2s: v.num(3428, i, 21),
      volatileOrganicCompoundsTotal: v.num(3428, i, 23),
      dateObserved: v.observedAt(),
    });
  });
}

/** FIWARE NoiseLevelObserved: `LAS` current sound level, `LAmax`; dB. */
export interface NoiseView {
  readonly type: 'NoiseLevelObserved';
  readonly instanceId: number;
  readonly LAS?: number;
  readonly LAmin?: number;
  readonly LAmax?: number;
  readonly gunshotDetected?: boolean;
  readonly abnormalNoiseDetected?: boolean;
  readonly dateObserved?: string;
}

export function noiseViews(latest: ViewInput): NoiseView[] {
  const index = indexOf(latest);
  return index.instances(3433).map((i) => {
    const v = index.reader();
    return compact<NoiseView>({
      type: 'NoiseLevelObserved',
      instanceId: i,
      LAS: v.num(3433, i, 3),
      LAmin: v.num(3433, i, 4),
      LAmax: v.num(3433, i, 5),
      gunshotDetected: v.bool(3433, i, 1),
      abnormalNoiseDetected: v.bool(3433, i, 2),
      dateObserved: v.observedAt(),
    });
  });
}

/**
 * FIWARE WeatherObserved names (dataModel.Weather): `windSpeed`, `windDirection`, `precipitation`, `streamGauge`;
 * from the anemometer (3449), rain gauge (3446), WBGT sensor (3450) and stream gauge (3445) of one station.
 */
export interface WeatherView {
  readonly type: 'WeatherObserved';
  /** 3449/5700 in the unit the sensor reports in 3449/5701 (`windSpeedUnit`). */
  readonly windSpeed?: number;
  readonly windSpeedUnit?: string;
  /** deg */
  readonly windDirection?: number;
  readonly windDirectionAtMaxSpeed?: number;
  /** mm, cumulated over the rain gauge's reference period. */
  readonly precipitation?: number;
  /** s */
  readonly precipitationPeriod?: number;
  /** Cel, wet bulb globe temperature (3450/2 Estimated Value, else 3450/5700). */
  readonly wetBulbGlobeTemperature?: number;
  readonly wetBulbGlobeTemperatureAlarm?: boolean;
  /** m, water level of the stream gauge (3445/1). */
  readonly streamGauge?: number;
  /** 3445/2 Volumetric discharge, in the DDF's unit (m3). */
  readonly streamDischarge?: number;
  /** Stream gauge alarms A-D (3445/7, 10, 13, 16). */
  readonly streamAlarms?: {
    readonly A?: boolean;
    readonly B?: boolean;
    readonly C?: boolean;
    readonly D?: boolean;
  };
  readonly dateObserved?: string;
}

export function weatherView(latest: ViewInput): WeatherView | undefined {
  const index = indexOf(latest);
  const v = index.reader();
  if (![3445, 3446, 3449, 3450].some((o) => v.has(o))) return undefined;
  const wind = v.pickInstance(3449);
  const rain = v.pickInstance(3446);
  const wbgt = v.pickInstance(3450);
  const gauge = v.pickInstance(3445);
  const alarms =
    gauge === undefined
      ? undefined
      : compact({
          A: v.bool(3445, gauge, 7),
          B: v.bool(3445, gauge, 10),
          C: v.bool(3445, gauge, 13),
          D: v.bool(3445, gauge, 16),
        });
  return compact<WeatherView>({
    type: 'WeatherObserved',
    windSpeed: v.num(3449, wind, 5700),
    windSpeedUnit: v.str(3449, wind, 5701),
    windDirection: v.num(3449, wind, 5705),
    windDirectionAtMaxSpeed: v.num(3449, wind, 1),
    precipitation: v.num(3446, rain, 1),
    precipitationPeriod: v.num(3446, rain, 6),
    wetBulbGlobeTemperature: v.num(3450, wbgt, 2) ?? v.num(3450, wbgt, 5700),
    wetBulbGlobeTemperatureAlarm: v.bool(3450, wbgt, 4),
    streamGauge: v.num(3445, gauge, 1),
    streamDischarge: v.num(3445, gauge, 2),
    streamAlarms: alarms && Object.keys(alarms).length > 0 ? alarms : undefined,
    dateObserved: v.observedAt(),
  });
}
