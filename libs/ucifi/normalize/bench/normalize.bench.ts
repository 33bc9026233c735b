/**
 * Normalizer throughput: `node -r ./tools/register.js libs/ucifi/normalize/bench/normalize.bench.ts`.
 * Prints values/s for a streetlight Send batch (SenML-like records with times and a quality level) and for
 * a TLV-like water meter batch with a 5518 Timestamp. Target: 50k values/s/core for the whole decoder.
 */
import { type Lwm2mRecord, Lwm2mPath } from '@smartcity/lwm2m-core';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { MeasurementNormalizer, type NormalizationContext } from '../src';

const registry = loadBundledRegistry();
const normalizer = new MeasurementNormalizer(registry);
const T = 1764057600;

const rec = (path: string, type: Lwm2mRecord['type'], value: unknown, time?: number): Lwm2mRecord =>
  ({ path: Lwm2mPath.parse(path), type, value, ...(time !== undefined && { time }) }) as Lwm2mRecord;

const streetlight: Lwm2mRecord[] = [
  rec('/3416/0/3', 'integer', 80, T),
  rec('/3416/0/5', 'boolean', false, T),
  rec('/3416/0/15', 'float', 10234.5, T),
  rec('/3416/0/21', 'float', 41.5, T),
  rec('/3418/0/1', 'float', 231.4, T),
  rec('/3418/0/2', 'float', 0.24, T),
  rec('/3418/0/4', 'float', 54.2, T),
  rec('/3418/0/6', 'float', 152.34, T),
  rec('/3418/0/6049', 'integer', 98, T),
  rec('/3419/0/3', 'boolean', true, T),
];
const waterMeter: Lwm2mRecord[] = [
  rec('/3424/0/1', 'float', 1234.567),
  rec('/3424/0/4', 'integer', 48213),
  rec('/3424/0/10', 'boolean', false),
  rec('/3424/0/13', 'boolean', false),
  rec('/3424/0/5518', 'time', T),
];
const ctx = (versions: [number, string][]): NormalizationContext => ({
  tenant: 'bench',
  deviceId: 'd',
  endpoint: 'e',
  objectVersions: new Map(versions),
  receivedAt: T * 1000,
});

function bench(name: string, records: Lwm2mRecord[], context: NormalizationContext): void {
  const run = (n: number): number => {
    let values = 0;
    for (let i = 0; i < n; i++) values += normalizer.normalize(records, context).length;
    return values;
  };
  run(20_000); // warm-up (JIT, lookup caches)
  const start = process.hrtime.bigint();
  const values = run(200_000);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(
    `${name}: ${values} values in ${seconds.toFixed(2)} s = ${Math.round(values / seconds)} values/s\n`,
  );
}

bench(
  'streetlight SenML batch (3416 2.0, 3418 1.0 kWh->Wh, quality)',
  streetlight,
  ctx([
    [3416, '2.0'],
    [3418, '1.0'],
    [3419, '1.1'],
  ]),
);
bench('water meter TLV batch (3424 1.1, 5518 timestamp)', waterMeter, ctx([[3424, '1.1']]));
