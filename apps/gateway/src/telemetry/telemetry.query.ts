import { GatewayException } from '../errors/gateway.exception';

export enum Aggregate {
  AVG = 'AVG',
  MIN = 'MIN',
  MAX = 'MAX',
  SUM = 'SUM',
  COUNT = 'COUNT',
  LAST = 'LAST',
}

/** Numeric value of a row: numbers as is, booleans as 0/1 (so AVG of a lamp's on/off is its duty cycle). */
const VALUE = 'COALESCE(value_num, value_bool::int::double precision)';

/** SQL of each aggregate (a closed set: no caller text reaches the statement). `last` is TimescaleDB's. */
export const AGGREGATE_SQL: Readonly<Record<Aggregate, string>> = {
  [Aggregate.AVG]: `avg(${VALUE})`,
  [Aggregate.MIN]: `min(${VALUE})`,
  [Aggregate.MAX]: `max(${VALUE})`,
  [Aggregate.SUM]: `sum(${VALUE})`,
  [Aggregate.COUNT]: 'count(*)::double precision',
  [Aggregate.LAST]: `last(${VALUE}, time)`,
};

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `15m`, `1h`, `1d` -> seconds. */
export function parseBucket(bucket: string): number {
  const match = /^(\d{1,6})([smhd])$/.exec(bucket);
  const seconds = match ? Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number) : 0;
  if (seconds < 1 || seconds > 366 * 86_400) {
    throw GatewayException.badInput('bucket must look like 30s, 15m, 1h or 1d (at most 366d)', 'bucket');
  }
  return seconds;
}

export interface TelemetryRange {
  readonly from: Date;
  readonly to: Date;
  readonly bucketSeconds: number;
}

/** Checks the time range and that it yields at most `maxPoints` buckets. */
export function checkRange(from: Date, to: Date, bucket: string, maxPoints: number): TelemetryRange {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
    throw GatewayException.badInput('invalid time', 'from');
  if (from >= to) throw GatewayException.badInput('from must be before to', 'from');
  const bucketSeconds = parseBucket(bucket);
  const points = Math.ceil((to.getTime() - from.getTime()) / 1000 / bucketSeconds);
  if (points > maxPoints) {
    throw GatewayException.badInput(
      `the range has ${points} buckets; at most ${maxPoints} allowed`,
      'bucket',
    );
  }
  return { from, to, bucketSeconds };
}
