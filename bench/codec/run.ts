/**
 * Codec throughput: `npm run bench:codec`. For each realistic uCIFI payload and each content format, encodes once
 * to get the payload, then measures decode and encode in a timed loop (after a warm-up). Prints MB/s and values/s.
 * Not a test: figures depend on the machine and its load.
 */
import { ContentFormat, Lwm2mDecoder, Lwm2mEncoder } from '@smartcity/lwm2m-codec';
import { Lwm2mPath, type Lwm2mRecord, builtinModelProvider } from '@smartcity/lwm2m-core';
import { loadavg } from 'node:os';
import { SEND_100, STREETLIGHT, WATER_METER } from './payloads';

const MEASURE_MS = Number(process.argv[2] ?? 400);
const models = builtinModelProvider();
const decoder = new Lwm2mDecoder();
const encoder = new Lwm2mEncoder();

const FORMATS: Array<[string, number, { rootPath: boolean; time: boolean }]> = [
  ['TLV', ContentFormat.TLV, { rootPath: false, time: false }],
  ['LwM2M JSON', ContentFormat.JSON, { rootPath: true, time: true }],
  ['SenML JSON', ContentFormat.SENML_JSON, { rootPath: true, time: true }],
  ['SenML CBOR', ContentFormat.SENML_CBOR, { rootPath: true, time: true }],
  ['LwM2M CBOR', ContentFormat.LWM2M_CBOR, { rootPath: true, time: false }],
];
const SCENARIOS: Array<[string, Lwm2mRecord[]]> = [
  ['streetlight 3416+3418', STREETLIGHT],
  ['water meter 3424', WATER_METER],
  ['Send, 100 timestamped', SEND_100],
];

/** Formats that cannot address the root (TLV) get one payload per object instance, as separate reads would. */
function parts(
  records: Lwm2mRecord[],
  rootPath: boolean,
): Array<{ path: Lwm2mPath; records: Lwm2mRecord[] }> {
  if (rootPath) return [{ path: Lwm2mPath.ROOT, records }];
  const byInstance = new Map<string, Lwm2mRecord[]>();
  for (const r of records) {
    const key = `${r.path.objectId}/${r.path.instanceId}`;
    byInstance.set(key, [...(byInstance.get(key) ?? []), r]);
  }
  return [...byInstance.values()].map((rs) => ({
    path: new Lwm2mPath(rs[0]?.path.objectId, rs[0]?.path.instanceId),
    records: rs,
  }));
}

/** Runs fn repeatedly for MEASURE_MS (after a warm-up of a third of it); returns iterations per second. */
function rate(fn: () => void): number {
  const until = (ms: number) => {
    const end = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
    let n = 0;
    const start = process.hrtime.bigint();
    while (process.hrtime.bigint() < end) {
      for (let i = 0; i < 50; i++) fn();
      n += 50;
    }
    return n / (Number(process.hrtime.bigint() - start) / 1e9);
  };
  until(MEASURE_MS / 3);
  return until(MEASURE_MS);
}

const rows: string[][] = [
  [
    'payload',
    'format',
    'bytes',
    'values',
    'decode MB/s',
    'decode values/s',
    'encode MB/s',
    'encode values/s',
  ],
];
for (const [scenario, records] of SCENARIOS) {
  const timed = records.some((r) => r.time !== undefined);
  for (const [name, cf, caps] of FORMATS) {
    if (timed && !caps.time) continue;
    const pieces = parts(records, caps.rootPath).map((p) => ({
      ...p,
      bytes: encoder.encode(p.records, cf, { path: p.path, models }),
    }));
    const bytes = pieces.reduce((n, p) => n + p.bytes.length, 0);
    const now = () => 1767225600;
    const decodes = rate(() => {
      for (const p of pieces) decoder.decode(p.bytes, cf, { path: p.path, models, now });
    });
    const encodes = rate(() => {
      for (const p of pieces) encoder.encode(p.records, cf, { path: p.path, models });
    });
    rows.push([
      scenario,
      name + (pieces.length > 1 ? ` (${pieces.length} payloads)` : ''),
      String(bytes),
      String(records.length),
      ((decodes * bytes) / 1e6).toFixed(1),
      Math.round(decodes * records.length).toLocaleString('en-US'),
      ((encodes * bytes) / 1e6).toFixed(1),
      Math.round(encodes * records.length).toLocaleString('en-US'),
    ]);
  }
}

const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
const line = (r: string[]) =>
  '| ' + r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ') + ' |';
process.stdout.write(
  `node ${process.version}, ${MEASURE_MS} ms per measurement, load average ${(loadavg()[0] ?? 0).toFixed(1)}\n`,
);
process.stdout.write(
  [
    line(rows[0]!),
    '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
    ...rows.slice(1).map(line),
  ].join('\n') + '\n',
);
