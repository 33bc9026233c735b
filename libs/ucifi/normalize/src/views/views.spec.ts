import { type LatestMeasurement } from './latest-values';
import { airQualityViews, noiseViews, weatherView } from './environment.view';
import { electricityMeterView, gasMeterViews, waterMeterViews } from './meter.view';
import { parkingSpotViews, peopleCounterViews, trafficCounterViews } from './mobility.view';
import { streetlightView } from './streetlight.view';
import { tiltView } from './tilt.view';
import { wasteContainerViews } from './waste-container.view';
import { deviceViews } from './device-views';

const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);

/** "/3416/0/3" = 80 at T0 + offset seconds. */
function m(path: string, value: LatestMeasurement['value'], offsetS = 0): LatestMeasurement {
  const [objectId, instanceId, resourceId, resourceInstanceId] = path
    .split('/')
    .slice(1)
    .map(Number) as number[];
  return {
    objectId: objectId as number,
    instanceId: instanceId as number,
    resourceId: resourceId as number,
    ...(resourceInstanceId !== undefined && { resourceInstanceId }),
    value,
    time: T0 + offsetS * 1000,
  };
}

describe('streetlightView', () => {
  it.each([
    ['dimming 0 -> off', [m('/3416/0/3', 0)], { powerState: 'off', illuminanceLevel: 0 }],
    ['dimming 100 -> on', [m('/3416/0/3', 100)], { powerState: 'on', illuminanceLevel: 1 }],
    ['dimming 40 -> low', [m('/3416/0/3', 40)], { powerState: 'low', illuminanceLevel: 0.4 }],
    [
      'command in action when no dimming level',
      [m('/3416/0/2', 60)],
      { powerState: 'low', illuminanceLevel: 0.6 },
    ],
    ['no failure flags set -> ok', [m('/3416/0/5', false), m('/3416/0/9', false)], { status: 'ok' }],
    [
      'lamp failure -> defectiveLamp',
      [m('/3416/0/5', true), m('/3416/0/7', true)],
      { status: 'defectiveLamp' },
    ],
    ['gear failure', [m('/3416/0/5', false), m('/3416/0/7', true)], { status: 'controlGearFailure' }],
    ['relay failure', [m('/3416/0/9', true)], { status: 'relayFailure' }],
    ['pole tilted -> columnIssue', [m('/3416/0/5', false), m('/3429/0/6', true)], { status: 'columnIssue' }],
    [
      'power and energy from 3418',
      [m('/3416/0/3', 100), m('/3418/0/4', 54.2), m('/3418/0/6', 152340)],
      { powerConsumption: 54.2, energyConsumed: 152340 },
    ],
    [
      'power and energy from the lamp without 3418',
      [m('/3416/0/46', 30), m('/3416/0/47', 2500)],
      { powerConsumption: 30, energyConsumed: 2500 },
    ],
    [
      'CCT from the luminaire asset',
      [m('/3416/0/3', 1), m('/3417/0/12', 3000)],
      { colorTemperature: 3000, luminaire: { colorTemperature: 3000 } },
    ],
    [
      'photocell',
      [m('/3416/0/3', 1), m('/3419/0/1', 30), m('/3419/0/2', 50), m('/3419/0/3', true)],
      { photocell: { onLuxLevel: 30, offLuxLevel: 50, active: true } },
    ],
    [
      'GNSS location as GeoJSON [lon, lat]',
      [m('/3416/0/3', 1), m('/3430/0/1', 45.76), m('/3430/0/2', 4.83)],
      { location: { type: 'Point', coordinates: [4.83, 45.76] } },
    ],
    [
      'last switching on as ISO date',
      [m('/3416/0/17', 1764057600)],
      { dateLastSwitchingOn: '2025-11-25T08:00:00.000Z' },
    ],
  ])('%s', (_what, latest, expected) => {
    expect(streetlightView(latest)).toMatchObject({ type: 'Streetlight', ...expected });
  });

  it('is undefined for a device without a lamp controller', () => {
    expect(streetlightView([m('/3418/0/4', 10)])).toBeUndefined();
  });

  it('reports the newest time it used as dateObserved', () => {
    const view = streetlightView([m('/3416/0/3', 80, 10), m('/3418/0/4', 50, 30), m('/3424/0/1', 1, 99)]);
    expect(view?.dateObserved).toBe(new Date(T0 + 30_000).toISOString());
  });

  it('keeps the newest of two values for the same path', () => {
    expect(streetlightView([m('/3416/0/3', 80, 20), m('/3416/0/3', 10, 5)])?.illuminanceLevel).toBe(0.8);
  });

  it('selects the requested lamp of a multi-lamp controller and its electrical monitor', () => {
    const latest = [m('/3416/0/3', 100), m('/3416/1/3', 50), m('/3418/0/4', 80), m('/3418/1/4', 40)];
    expect(streetlightView(latest, { instanceId: 1 })).toMatchObject({
      illuminanceLevel: 0.5,
      powerConsumption: 40,
    });
  });
});

describe('meter views', () => {
  it.each([
    [
      'reading and flows',
      [m('/3424/0/1', 1234.567), m('/3424/0/7', 0.0001), m('/3424/0/8', 0.002)],
      { waterConsumption: 1234.567, minFlow: 0.0001, maxFlow: 0.002 },
    ],
    [
      'no alarm',
      [m('/3424/0/10', false), m('/3424/0/13', false)],
      { leakDetected: false, alarmTamper: false, alarmInProgress: false },
    ],
    ['leak -> alarm in progress', [m('/3424/0/10', true)], { leakDetected: true, alarmInProgress: true }],
    ['fraud as FIWARE alarmTamper', [m('/3424/0/13', true)], { alarmTamper: true, alarmInProgress: true }],
    [
      'back flow, blocked',
      [m('/3424/0/11', true), m('/3424/0/12', false)],
      { backflowDetected: true, blocked: false },
    ],
  ])('water meter: %s', (_what, latest, expected) => {
    expect(waterMeterViews(latest)).toEqual([
      expect.objectContaining({ type: 'WaterMeter', instanceId: 0, ...expected }),
    ]);
  });

  it('water meter: one view per instance with its own dateObserved', () => {
    const views = waterMeterViews([m('/3424/0/1', 1, 10), m('/3424/1/1', 2, 20)]);
    expect(views.map((v) => [v.instanceId, v.waterConsumption, v.dateObserved])).toEqual([
      [0, 1, new Date(T0 + 10_000).toISOString()],
      [1, 2, new Date(T0 + 20_000).toISOString()],
    ]);
  });

  it.each([
    ['reading', [m('/3423/0/1', 88.2)], { gasConsumption: 88.2 }],
    ['leak detected', [m('/3423/0/10', true)], { leakDetected: true, alarmInProgress: true }],
  ])('gas meter: %s', (_what, latest, expected) => {
    expect(gasMeterViews(latest)[0]).toMatchObject({ type: 'GasMeter', ...expected });
  });

  it('single-phase electricity meter', () => {
    const view = electricityMeterView([
      m('/3421/0/1', 231.2),
      m('/3421/0/6', 4.1),
      m('/3421/0/16', 920),
      m('/3421/0/25', 10500),
    ]);
    expect(view).toMatchObject({
      phaseType: 'singlePhase',
      phase: { voltage: 231.2, current: 4.1, activePower: 920, activeEnergyImport: 10500 },
    });
  });

  it('three-phase electricity meter maps lines through 3422/36-38', () => {
    const view = electricityMeterView([
      m('/3422/0/8', 3000),
      m('/3422/0/17', 99000),
      m('/3422/0/1', 400),
      m('/3422/0/36', 5),
      m('/3422/0/37', 6),
      m('/3422/0/38', 7),
      m('/3421/5/1', 230),
      m('/3421/6/1', 231),
      m('/3421/7/1', 232),
    ]);
    expect(view).toMatchObject({
      phaseType: 'threePhase',
      totalActivePower: 3000,
      totalActiveEnergyImport: 99000,
      phaseToPhaseVoltage: { L12: 400 },
      phases: { L1: { voltage: 230 }, L2: { voltage: 231 }, L3: { voltage: 232 } },
    });
  });

  it('no electricity meter without 3421/3422', () => {
    expect(electricityMeterView([m('/3424/0/1', 1)])).toBeUndefined();
  });
});

describe('mobility views', () => {
  it.each([
    [[m('/3431/0/1', true)], 'occupied'],
    [[m('/3431/0/1', false)], 'free'],
    [[m('/3431/0/2', 60)], 'unknown'],
  ])('parking spot status (FIWARE free/occupied)', (latest, status) => {
    expect(parkingSpotViews(latest)[0]?.status).toBe(status);
  });

  it('parking spot details', () => {
    expect(
      parkingSpotViews([
        m('/3431/0/1', true),
        m('/3431/0/4', true),
        m('/3431/0/6', 1764057600),
        m('/3431/0/7', 'A'),
      ])[0],
    ).toMatchObject({
      forbiddenParkingDetected: true,
      dateLastStatusChange: '2025-11-25T08:00:00.000Z',
      parkingArea: 'A',
    });
  });

  it('traffic counter: one class per resource instance, intensity summed', () => {
    const [view] = trafficCounterViews([
      m('/3432/0/0/0', 1),
      m('/3432/0/7/0', 40),
      m('/3432/0/10/0', 42),
      m('/3432/0/0/1', 2),
      m('/3432/0/7/1', 5),
      m('/3432/0/3/1', 77),
      m('/3432/0/4/0', 300),
    ]);
    expect(view).toMatchObject({
      type: 'TrafficFlowObserved',
      intensity: 45,
      countToday: 77,
      measuringPeriod: 300,
      byVehicleType: [
        { resourceInstanceId: 0, vehicleType: 1, intensity: 40, averageVehicleSpeed: 42 },
        { resourceInstanceId: 1, vehicleType: 2, intensity: 5, countToday: 77 },
      ],
    });
  });

  it('people counter (FIWARE CrowdFlowObserved peopleCount)', () => {
    expect(peopleCounterViews([m('/3434/0/1', 12), m('/3434/0/2', 340)])[0]).toMatchObject({
      peopleCount: 12,
      peopleCountToday: 340,
    });
  });
});

describe('wasteContainerViews', () => {
  it.each([
    ['filling level as a 0..1 ratio', [m('/3435/0/2', 75)], { fillingLevel: 0.75 }],
    ['full flag', [m('/3435/0/5', true)], { containerFull: true }],
    ['status ok', [m('/3435/0/21', false), m('/3435/0/22', false)], { status: 'ok' }],
    ['cover open -> lidOpen', [m('/3435/0/21', true)], { status: 'lidOpen' }],
    ['out of location -> moved', [m('/3435/0/12', true)], { status: 'moved' }],
    ['out of position -> dropped', [m('/3435/0/13', true)], { status: 'dropped' }],
    [
      'temperature alarm wins -> burning',
      [m('/3435/0/21', true), m('/3435/0/22', true)],
      { status: 'burning' },
    ],
  ])('%s', (_what, latest, expected) => {
    expect(wasteContainerViews(latest)[0]).toMatchObject({ type: 'WasteContainer', ...expected });
  });
});

describe('environment views', () => {
  it('air quality with FIWARE pollutant names', () => {
    expect(
      airQualityViews([
        m('/3428/0/1', 20),
        m('/3428/0/3', 12),
        m('/3428/0/15', 0.02),
        m('/3428/0/23', 0.3),
      ])[0],
    ).toMatchObject({
      type: 'AirQualityObserved',
      pm10: 20,
      pm25: 12,
      no2: 0.02,
      volatileOrganicCompoundsTotal: 0.3,
    });
  });

  it('noise level', () => {
    expect(noiseViews([m('/3433/0/3', 62.4), m('/3433/0/5', 80), m('/3433/0/1', false)])[0]).toMatchObject({
      type: 'NoiseLevelObserved',
      LAS: 62.4,
      LAmax: 80,
      gunshotDetected: false,
    });
  });

  it('weather station from anemometer, rain gauge, WBGT and stream gauge', () => {
    expect(
      weatherView([
        m('/3449/0/5700', 4.2),
        m('/3449/0/5701', 'm/s'),
        m('/3449/0/5705', 270),
        m('/3446/0/1', 1.2),
        m('/3450/0/2', 27.5),
        m('/3445/0/1', 2.35),
        m('/3445/0/7', true),
      ]),
    ).toMatchObject({
      type: 'WeatherObserved',
      windSpeed: 4.2,
      windSpeedUnit: 'm/s',
      windDirection: 270,
      precipitation: 1.2,
      wetBulbGlobeTemperature: 27.5,
      streamGauge: 2.35,
      streamAlarms: { A: true },
    });
    expect(weatherView([m('/3424/0/1', 1)])).toBeUndefined();
  });

  it.each([
    [[m('/3429/0/1', 0.05), m('/3429/0/6', false)], { tiltAngle: 0.05, outOfPosition: false }],
    [[m('/3451/0/6', true)], { rollOutOfPosition: true, outOfPosition: true }],
    [[m('/3429/0/12', true)], { shockDetected: true }],
  ])('tilt view', (latest, expected) => {
    expect(tiltView(latest)).toMatchObject({ type: 'Tilt', ...expected });
  });
});

describe('deviceViews', () => {
  it('builds every view the device supports from one index', () => {
    const views = deviceViews([m('/3416/0/3', 100), m('/3424/0/1', 5), m('/3435/0/2', 10)]);
    expect(views.streetlight?.powerState).toBe('on');
    expect(views.waterMeters).toHaveLength(1);
    expect(views.wasteContainers[0]?.fillingLevel).toBe(0.1);
    expect(views.parkingSpots).toEqual([]);
    expect(views.weather).toBeUndefined();
  });
});
