import { type DecodedData, type TelemetryValue } from '../uplink/decoded-uplink';
import {
  collectTelemetry,
  deviceStateUpsert,
  emptyColumns,
  hourBucket,
  lastSeenUpdate,
  latestPerPath,
  pushValue,
  rollupMarks,
  telemetryInsert,
} from './telemetry.sql';

const D1 = '00000000-0000-4000-8000-000000000001';
const D2 = '00000000-0000-4000-8000-000000000002';

function value(
  path: string,
  timeSec: number,
  valueNum: number | null,
  extra: Partial<TelemetryValue> = {},
): TelemetryValue {
  return {
    timeSec,
    path,
    metric: 'temperature.sensor_value',
    valueNum,
    valueBool: null,
    valueText: null,
    valueJson: null,
    unit: 'Cel',
    quality: null,
    ...extra,
  };
}

describe('telemetry SQL builders', () => {
  it('builds one UNNEST insert with ON CONFLICT DO NOTHING and array literals per column', () => {
    const c = emptyColumns();
    pushValue(c, D1, value('/3303/0/5700', 1_764_000_000.5, 21.5));
    pushValue(
      c,
      D1,
      value('/3311/0/5850', 1_764_000_000.5, null, { valueBool: true, unit: null, metric: 'light.on_off' }),
    );
    const sql = telemetryInsert('lyon', c);
    expect(sql.text).toMatch(/^INSERT INTO telemetry/);
    expect(sql.text).toMatch(/FROM unnest\(\$2::float8\[\], \$3::uuid\[\]/);
    expect(sql.text).toMatch(/ON CONFLICT DO NOTHING$/);
    expect(sql.values).toEqual([
      'lyon',
      '{1764000000.5,1764000000.5}',
      `{${D1},${D1}}`,
      '{/3303/0/5700,/3311/0/5850}',
      '{temperature.sensor_value,light.on_off}',
      '{21.5,NULL}',
      '{NULL,t}',
      '{NULL,NULL}',
      '{NULL,NULL}',
      '{Cel,NULL}',
      '{NULL,NULL}',
    ]);
  });

  it('leaves ON CONFLICT out of the fast-path insert', () => {
    const sql = telemetryInsert('lyon', emptyColumns(), 'fail');
    expect(sql.text).not.toMatch(/ON CONFLICT/);
    expect(sql.text).toMatch(/^INSERT INTO telemetry .*\nFROM unnest\(/s);
  });

  it('keeps the newest value per device and path, ordered by device then path', () => {
    const c = emptyColumns();
    pushValue(c, D2, value('/3303/0/5700', 100, 1));
    pushValue(c, D1, value('/3303/0/5700', 300, 2));
    pushValue(c, D1, value('/3303/0/5700', 200, 3));
    pushValue(c, D1, value('/3303/0/5601', 50, 4));
    pushValue(c, D2, value('/3303/0/5700', 150, 5));
    const latest = latestPerPath(c);
    expect(latest.deviceId).toEqual([D1, D1, D2]);
    expect(latest.path).toEqual(['/3303/0/5601', '/3303/0/5700', '/3303/0/5700']);
    expect(latest.time).toEqual([50, 300, 150]);
    expect(latest.valueNum).toEqual([4, 2, 5]);
  });

  it('replaces device state only with newer times or changed values (never backwards; a retry re-announces)', () => {
    const sql = deviceStateUpsert('lyon', emptyColumns());
    expect(sql.text).toMatch(/ON CONFLICT \(device_id, path\) DO UPDATE SET/);
    expect(sql.text).toMatch(
      /WHERE s\.time < EXCLUDED\.time\s+OR \(s\.time = EXCLUDED\.time\s+AND .* IS DISTINCT FROM/s,
    );
    // Announced: what was written, plus the keys whose state already is the batch's value (a replay).
    expect(sql.text).toMatch(
      /RETURNING s\.device_id, s\.path\s*\)\s*SELECT device_id::text, path FROM written\s+UNION ALL/,
    );
    expect(sql.text).toMatch(/WHERE s\.time = x\.ts\s+AND .* IS NOT DISTINCT FROM/s);
  });

  it('moves last_seen_at forward only past the staleness threshold', () => {
    const sql = lastSeenUpdate(
      new Map([
        [D2, 20],
        [D1, 10],
      ]),
      30,
    );
    expect(sql.values).toEqual([`{${D1},${D2}}`, '{10,20}', 30]);
    expect(sql.text).toMatch(/d\.last_seen_at < to_timestamp\(x\.s\) - make_interval\(secs => \$3\)/);
  });

  it.each([
    [0, 0],
    [3599.999, 0],
    [3600, 3600],
    [1_764_003_661.25, 1_764_003_600],
  ])('hourBucket(%d) = %d', (t, bucket) => {
    expect(hourBucket(t)).toBe(bucket);
  });

  it('marks each touched hour once, ascending, bumping the version on conflict', () => {
    const sql = rollupMarks('lyon', [7200, 3600, 7200, 0]);
    expect(sql.values).toEqual(['lyon', '{0,3600,7200}']);
    expect(sql.text).toMatch(/DO UPDATE SET version = r\.version \+ 1/);
  });

  it('collects values, the newest receive time per device and the hours touched', () => {
    const msg = (deviceId: string, receivedAt: number) =>
      ({ deviceId, receivedAt }) as unknown as DecodedData['message'];
    const uplinks: DecodedData[] = [
      {
        kind: 'data',
        origin: { topic: 't', partition: 0, offset: '1' },
        message: msg(D1, 5000),
        values: [value('/a', 3599, 1), value('/a', 3600, 2)],
        alarms: [],
      },
      {
        kind: 'data',
        origin: { topic: 't', partition: 0, offset: '2' },
        message: msg(D1, 4000),
        values: [value('/b', 10, 3)],
        alarms: [],
      },
    ];
    const { columns, seen, buckets } = collectTelemetry(uplinks);
    expect(columns.time).toEqual([3599, 3600, 10]);
    expect(seen).toEqual(new Map([[D1, 5]]));
    expect([...buckets].sort((a, b) => a - b)).toEqual([0, 3600]);
  });
});
