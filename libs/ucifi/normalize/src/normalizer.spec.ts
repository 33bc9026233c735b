import { type Lwm2mRecord, Lwm2mPath } from '@smartcity/lwm2m-core';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { type NormalizationContext } from './measurement';
import { MeasurementNormalizer } from './normalizer';

const registry = loadBundledRegistry();
const normalizer = new MeasurementNormalizer(registry);
const RECEIVED = Date.UTC(2026, 10, 25, 8, 0, 0);

const ctx = (versions: Record<number, string> = {}): NormalizationContext => ({
  tenant: 'lyon',
  deviceId: 'dev-1',
  endpoint: 'urn:dev:1',
  objectVersions: new Map(Object.entries(versions).map(([k, v]) => [Number(k), v])),
  receivedAt: RECEIVED,
});

function rec(path: string, type: Lwm2mRecord['type'], value: unknown, time?: number): Lwm2mRecord {
  return { path: Lwm2mPath.parse(path), type, value, ...(time !== undefined && { time }) } as Lwm2mRecord;
}

describe('MeasurementNormalizer: metric, category, unit and value', () => {
  it.each([
    // path, announced version, record type, value, metric, category, unit, value out, valueType out
    ['/3424/0/1', '1.1', 'float', 12.5, 'water_meter.cumulated_water_volume', 'water', 'm3', 12.5, 'float'],
    ['/3423/0/1', '1.1', 'float', 3.25, 'gas_meter.cumulated_gas_volume', 'gas', 'm3', 3.25, 'float'],
    [
      '/3416/0/3',
      '3.0',
      'integer',
      80,
      'outdoor_lamp_controller.dimming_level',
      'lighting',
      '%',
      80,
      'integer',
    ],
    [
      '/3416/0/21',
      '3.0',
      'float',
      41.5,
      'outdoor_lamp_controller.control_gear_temperature',
      'lighting',
      'Cel',
      41.5,
      'float',
    ],
    ['/3419/0/1', '1.1', 'float', 30, 'photocell.on_lux_level', 'lighting', 'lx', 30, 'float'],
    ['/3435/0/2', '2.0', 'float', 75, 'filling_level.actual_filling_percentage', 'waste', '%', 75, 'float'],
    ['/3431/0/1', '1.2', 'boolean', true, 'parking_sensor.occupancy', 'mobility', null, true, 'boolean'],
    ['/3428/0/3', '2.0', 'float', 12, 'air_quality.pm2_5', 'environment', 'ug/m3', 12, 'float'],
    ['/3411/0/1', '1.1', 'integer', 87, 'battery.battery_level', 'device', '%', 87, 'integer'],
    [
      '/3412/0/20',
      '1.1',
      'float',
      -97,
      'lpwan_communication.received_signal_strength_indication',
      'connectivity',
      'dBm',
      -97,
      'float',
    ],
    ['/3452/0/1', '1.0', 'boolean', false, 'program_scheduler.state', 'scheduling', null, false, 'boolean'],
    ['/3303/0/5700', '1.1', 'float', 21.5, 'temperature.sensor_value', 'environment', null, 21.5, 'float'],
    ['/3/0/9', '1.2', 'integer', 55, 'device.battery_level', 'device', '%', 55, 'integer'],
  ])('%s ver %s', (path, version, type, value, metric, category, unit, outValue, valueType) => {
    const objectId = Number(path.split('/')[1]);
    const [m] = normalizer.normalize(
      [rec(path, type as Lwm2mRecord['type'], value)],
      ctx({ [objectId]: version }),
    );
    expect(m).toMatchObject({
      path,
      metric,
      category,
      unit,
      value: outValue,
      valueType,
      objectVersion: version,
    });
    expect(m).toMatchObject({ tenant: 'lyon', deviceId: 'dev-1', endpoint: 'urn:dev:1', time: RECEIVED });
  });
});

describe('MeasurementNormalizer: cross-version conversions and registry quirks', () => {
  it.each([
    // what, path, announced version, type, value, expected unit, value, valueType
    ['3418/6 kWh in 1.0 becomes Wh', '/3418/0/6', '1.0', 'float', 1.234, 'Wh', 1234, 'float'],
    ['3418/6 already Wh in 2.0', '/3418/0/6', '2.0', 'float', 1234, 'Wh', 1234, 'float'],
    ['3418/6 Wh in 2.1', '/3418/0/6', '2.1', 'float', 1234.5, 'Wh', 1234.5, 'float'],
    ['3416/47 light source energy kWh -> Wh', '/3416/0/47', '3.0', 'float', 2.5, 'Wh', 2500, 'float'],
    [
      '3416/15 Integer hours in 1.0 read as the 2.0 Float',
      '/3416/0/15',
      '1.0',
      'integer',
      1200,
      'h',
      1200,
      'float',
    ],
    [
      '3416/39 String CCT in 1.0 becomes the 2.0 Integer',
      '/3416/0/39',
      '1.0',
      'string',
      '3000',
      'K',
      3000,
      'integer',
    ],
    [
      '3416/39 non-numeric String CCT stays text',
      '/3416/0/39',
      '1.0',
      'string',
      'warm',
      'K',
      'warm',
      'string',
    ],
    [
      '3415/3 String NTP period in 1.0 becomes Integer h',
      '/3415/0/3',
      '1.0',
      'string',
      '24',
      'h',
      24,
      'integer',
    ],
    [
      '3415/4 Integer last sync in 2.0 becomes Time',
      '/3415/0/4',
      '2.0',
      'integer',
      1764057600,
      null,
      1764057600,
      'time',
    ],
    ['3/7 mV in 1.0 becomes V', '/3/0/7', '1.0', 'integer', 3600, 'V', 3.6, 'float'],
    ['3/7 without unit in 1.1 keeps the 1.0 mV meaning', '/3/0/7', '1.1', 'integer', 3600, 'V', 3.6, 'float'],
    ['3/9 "%" in 1.1 and "/100" in 1.2 are both %', '/3/0/9', '1.1', 'integer', 40, '%', 40, 'integer'],
    ['3421/9 high current threshold declared in V is A', '/3421/0/9', '2.0', 'float', 16, 'A', 16, 'float'],
    ['3433/3 noise value without unit is dB', '/3433/0/3', '1.1', 'float', 62.4, 'dB', 62.4, 'float'],
    [
      '3418/22 float with "ON;OFF" range is a plain float',
      '/3418/0/22',
      '2.1',
      'float',
      253,
      'V',
      253,
      'float',
    ],
    ['4/9 SMNC declared "%" in 1.1 has no unit', '/4/0/9', '1.1', 'integer', 10, null, 10, 'integer'],
  ])('%s', (_what, path, version, type, value, unit, outValue, valueType) => {
    const objectId = Number(path.split('/')[1]);
    const [m] = normalizer.normalize(
      [rec(path, type as Lwm2mRecord['type'], value)],
      ctx({ [objectId]: version }),
    );
    expect(m).toMatchObject({ unit, value: outValue, valueType });
  });

  it('keeps one metric per resource across versions, named after the newest version', () => {
    const metrics = ['1.0', '2.0', '3.0'].map(
      (v) =>
        normalizer.normalize(
          [rec('/3416/0/27', 'none', null), rec('/3416/0/15', 'float', 1)],
          ctx({ 3416: v }),
        )[0]?.metric,
    );
    expect(metrics).toEqual(Array(3).fill('outdoor_lamp_controller.lamp_operating_hours'));
    expect(normalizer.catalog.describe(3430, '2.0', 18).metric).toBe(
      'global_navigation_satellite_system.satellite_elevation',
    );
    expect(normalizer.catalog.describe(3430, '2.0', 17).metric).toBe(
      'global_navigation_satellite_system.satellite_identifiers',
    );
  });

  it('reads an unknown version with the nearest lower known model (3418 ver 1.5 -> 1.0, kWh)', () => {
    const [m] = normalizer.normalize([rec('/3418/0/6', 'float', 2)], ctx({ 3418: '1.5' }));
    expect(m).toMatchObject({ objectVersion: '1.0', unit: 'Wh', value: 2000 });
  });

  it('keeps values of unknown objects and resources under id-based metrics, never drops them', () => {
    const out = normalizer.normalize(
      [rec('/39999/1/7', 'opaque', new Uint8Array([1, 2, 3])), rec('/3424/0/900', 'integer', 5)],
      ctx({ 39999: '1.0' }),
    );
    expect(out.map((m) => [m.metric, m.category, m.valueType, m.value, m.unit])).toEqual([
      ['object_39999.resource_7', 'other', 'opaque', 'AQID', null],
      ['water_meter.resource_900', 'water', 'integer', 5, null],
    ]);
  });

  it.each([
    ['objlnk', { objectId: 3410, instanceId: 0 }, '3410:0'],
    ['integer', 2n ** 60n, '1152921504606846976'],
    ['integer', 42n, 42],
    ['corelnk', '</3/0>', '</3/0>'],
  ])('represents %s values as numbers, booleans or text', (type, value, expected) => {
    const [m] = normalizer.normalize([rec('/3442/0/1', type as Lwm2mRecord['type'], value)], ctx());
    expect(m?.value).toEqual(expected);
  });

  it('skips executable resources and records above resource level', () => {
    expect(normalizer.normalize([rec('/3424/0/2', 'none', null), rec('/3424/0', 'float', 1)], ctx())).toEqual(
      [],
    );
  });

  it('keeps resource instances apart (3432 one instance per vehicle type)', () => {
    const out = normalizer.normalize(
      [rec('/3432/0/3/0', 'integer', 120), rec('/3432/0/3/1', 'integer', 14)],
      ctx({ 3432: '2.1' }),
    );
    expect(out.map((m) => [m.path, m.resourceInstanceId, m.metric, m.value])).toEqual([
      ['/3432/0/3/0', 0, 'traffic_counter.cumulated_number_today', 120],
      ['/3432/0/3/1', 1, 'traffic_counter.cumulated_number_today', 14],
    ]);
  });
});

describe('MeasurementNormalizer: time and quality', () => {
  const T = 1764057600; // 2025-11-25T08:00:00Z in seconds

  it.each([
    ['the record time (SenML bt+t)', [rec('/3424/0/1', 'float', 1, T + 0.25)], (T + 0.25) * 1000],
    [
      'the instance 5518 Timestamp + 6050 fraction',
      [rec('/3424/0/1', 'float', 1), rec('/3424/0/5518', 'time', T), rec('/3424/0/6050', 'float', 0.5)],
      (T + 0.5) * 1000,
    ],
    [
      'a relative SenML time (RFC 8428 §4.5.3) from the receive time',
      [rec('/3424/0/1', 'float', 1, -60)],
      RECEIVED - 60000,
    ],
    ['the receive time otherwise', [rec('/3424/0/1', 'float', 1)], RECEIVED],
    [
      'the receive time when only another instance has a 5518',
      [rec('/3424/0/1', 'float', 1), rec('/3424/1/5518', 'time', T)],
      RECEIVED,
    ],
  ])('comes from %s', (_what, records, time) => {
    const out = normalizer.normalize(records, ctx({ 3424: '1.1' }));
    expect(out).toHaveLength(1);
    expect(out[0]?.time).toBe(time);
  });

  it('folds 6042/6049 into the quality of the instance values and does not store them as values', () => {
    const out = normalizer.normalize(
      [
        rec('/3428/0/1', 'float', 20),
        rec('/3428/0/6042', 'integer', 3),
        rec('/3428/0/6049', 'integer', 90),
        rec('/3428/1/1', 'float', 21),
      ],
      ctx({ 3428: '2.0' }),
    );
    expect(out.map((m) => [m.path, m.quality])).toEqual([
      ['/3428/0/1', { indicator: 3, level: 90 }],
      ['/3428/1/1', undefined],
    ]);
  });

  it('matches meta values of historical SenML records by record time', () => {
    const out = normalizer.normalize(
      [
        rec('/3424/0/1', 'float', 1, T),
        rec('/3424/0/6049', 'integer', 50, T),
        rec('/3424/0/1', 'float', 2, T + 60),
        rec('/3424/0/6049', 'integer', 100, T + 60),
      ],
      ctx({ 3424: '1.1' }),
    );
    expect(out.map((m) => [m.value, m.quality?.level])).toEqual([
      [1, 50],
      [2, 100],
    ]);
  });
});
