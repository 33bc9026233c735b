import { randomUUID } from 'node:crypto';
import { type UplinkMessage } from '@smartcity/platform-contracts';

/** Builders of lwm2m.uplink.v1 messages for tests and the benchmark. */
let seq = 0;

export interface DeviceRef {
  readonly tenant: string;
  readonly endpoint: string;
  readonly deviceId: string;
}

const base = (d: DeviceRef, receivedAt: number) => ({
  v: 1 as const,
  id: `test-ingest:${randomUUID()}:${++seq}`,
  tenant: d.tenant,
  endpoint: d.endpoint,
  deviceId: d.deviceId,
  registrationId: `reg-${d.endpoint}`,
  instanceId: 'test-ingest',
  receivedAt,
  objectVersions: { '3303': '1.1', '3': '1.1' } as Record<string, string>,
});

/** A Send (POST /dp) with a SenML JSON payload (RFC 8428; content format 110). */
export function senmlSend(d: DeviceRef, records: readonly object[], receivedAt = Date.now()): UplinkMessage {
  return {
    ...base(d, receivedAt),
    kind: 'send',
    contentFormat: 110,
    payload: Buffer.from(JSON.stringify(records)).toString('base64'),
  };
}

/** SenML records of one resource at `count` times, `stepSec` apart from `baseTimeSec`. */
export function senmlSeries(
  path: string,
  baseTimeSec: number,
  count: number,
  stepSec = 60,
  first = 20,
): object[] {
  const records: object[] = [];
  for (let i = 0; i < count; i++) {
    records.push(
      i === 0 ? { bn: path, bt: baseTimeSec, t: 0, v: first } : { t: i * stepSec, v: first + i / 10 },
    );
  }
  return records;
}

export function registration(d: DeviceRef, receivedAt = Date.now()): UplinkMessage {
  return {
    ...base(d, receivedAt),
    kind: 'registration',
    lwm2mVersion: '1.1',
    lifetime: 300,
    binding: 'U',
    queueMode: false,
    links: '</3/0>,</3303/0>',
    address: '127.0.0.1:56830',
  };
}

export function expiry(d: DeviceRef, receivedAt = Date.now()): UplinkMessage {
  return { ...base(d, receivedAt), kind: 'expiry' };
}
