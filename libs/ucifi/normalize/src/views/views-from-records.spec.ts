import { type Lwm2mRecord, Lwm2mPath } from '@smartcity/lwm2m-core';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { MeasurementNormalizer } from '../normalizer';
import { deviceViews, type DeviceViews } from './device-views';

const normalizer = new MeasurementNormalizer(loadBundledRegistry());

function rec(path: string, type: Lwm2mRecord['type'], value: unknown): Lwm2mRecord {
  return { path: Lwm2mPath.parse(path), type, value } as Lwm2mRecord;
}

/** Decoded records -> normalize (with the announced versions) -> views, as the decoder and gateway chain them. */
function views(records: Lwm2mRecord[], versions: [number, string][]): DeviceViews {
  const measurements = normalizer.normalize(records, {
    tenant: 't',
    deviceId: 'd',
    endpoint: 'e',
    objectVersions: new Map(versions),
    receivedAt: Date.UTC(2026, 0, 1),
  });
  return deviceViews(measurements);
}

describe('domain views from normalized records', () => {
  it.each<[string, Lwm2mRecord[], [number, string][], (v: DeviceViews) => unknown, unknown]>([
    [
      'streetlight 3416 1.0 + 3418 1.0: energy in kWh becomes Wh, dimming /100 becomes a ratio',
      [rec('/3416/0/3', 'integer', 50), rec('/3418/0/6', 'float', 12.5), rec('/3418/0/4', 'float', 35)],
      [
        [3416, '1.0'],
        [3418, '1.0'],
      ],
      (v) => v.streetlight,
      { powerState: 'low', illuminanceLevel: 0.5, energyConsumed: 12500, powerConsumption: 35 },
    ],
    [
      'streetlight 3416 3.0: light source energy in kWh becomes Wh',
      [rec('/3416/0/3', 'integer', 100), rec('/3416/0/47', 'float', 1.5)],
      [[3416, '3.0']],
      (v) => v.streetlight,
      { powerState: 'on', energyConsumed: 1500 },
    ],
    [
      'water meter 3424 1.0',
      [rec('/3424/0/1', 'float', 42.5), rec('/3424/0/10', 'boolean', true)],
      [[3424, '1.0']],
      (v) => v.waterMeters[0],
      { waterConsumption: 42.5, leakDetected: true, alarmInProgress: true },
    ],
    [
      'gas meter 3423 1.1',
      [rec('/3423/0/1', 'float', 7.25)],
      [[3423, '1.1']],
      (v) => v.gasMeters[0],
      { gasConsumption: 7.25 },
    ],
    [
      'single-phase meter 3421 2.0',
      [rec('/3421/0/1', 'float', 229.8), rec('/3421/0/25', 'float', 5000)],
      [[3421, '2.0']],
      (v) => v.electricityMeter,
      { phaseType: 'singlePhase', phase: { voltage: 229.8, activeEnergyImport: 5000 } },
    ],
    [
      'parking 3431 1.2',
      [rec('/3431/0/1', 'boolean', false)],
      [[3431, '1.2']],
      (v) => v.parkingSpots[0],
      { status: 'free' },
    ],
    [
      'waste container 3435 2.0: /100 filling percentage becomes a 0..1 fillingLevel',
      [rec('/3435/0/2', 'float', 62.5), rec('/3435/0/21', 'boolean', true)],
      [[3435, '2.0']],
      (v) => v.wasteContainers[0],
      { fillingLevel: 0.625, status: 'lidOpen' },
    ],
    [
      'air quality 3428 2.0',
      [rec('/3428/0/3', 'float', 8.5)],
      [[3428, '2.0']],
      (v) => v.airQuality[0],
      { pm25: 8.5 },
    ],
    [
      'noise 3433 1.1 (value without DDF unit)',
      [rec('/3433/0/3', 'float', 58)],
      [[3433, '1.1']],
      (v) => v.noise[0],
      { LAS: 58 },
    ],
    [
      'anemometer 3449 1.1',
      [rec('/3449/0/5700', 'float', 3.2)],
      [[3449, '1.1']],
      (v) => v.weather,
      { windSpeed: 3.2 },
    ],
    [
      'stream gauge 3445 1.1',
      [rec('/3445/0/1', 'float', 1.75)],
      [[3445, '1.1']],
      (v) => v.weather,
      { streamGauge: 1.75 },
    ],
    [
      'tilt 3429 1.2',
      [rec('/3429/0/6', 'boolean', true)],
      [[3429, '1.2']],
      (v) => v.tilt,
      { outOfPosition: true },
    ],
    [
      'roll over 3451 1.0',
      [rec('/3451/0/1', 'float', 0.2)],
      [[3451, '1.0']],
      (v) => v.tilt,
      { rollAngle: 0.2 },
    ],
    [
      'people counter 3434 1.1',
      [rec('/3434/0/1', 'integer', 7)],
      [[3434, '1.1']],
      (v) => v.peopleCounters[0],
      { peopleCount: 7 },
    ],
    [
      'traffic counter 3432 2.1',
      [rec('/3432/0/7/0', 'integer', 30), rec('/3432/0/7/1', 'integer', 4)],
      [[3432, '2.1']],
      (v) => v.trafficCounters[0],
      { intensity: 34 },
    ],
  ])('%s', (_what, records, versions, pick, expected) => {
    expect(pick(views(records, versions))).toMatchObject(expected as object);
  });
});
