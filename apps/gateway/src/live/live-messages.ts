/**
 * Messages the decoder publishes on Redis for live updates (apps/decoder/src/publish/live-publisher.ts,
 * docs/asyncapi/live-updates.md): `tenant:<slug>:state` carries LiveStateMessage, `tenant:<slug>:alarms` an
 * AlarmEvent (same shape as the partner event). Parsed defensively: a malformed message is dropped, never thrown.
 */
export interface LiveStateValue {
  readonly path: string;
  readonly metric: string;
  readonly time: string;
  readonly value: number | boolean | string | null;
  readonly unit: string | null;
}

export interface LiveStateMessage {
  readonly v: 1;
  readonly tenant: string;
  readonly deviceId: string;
  readonly values: readonly LiveStateValue[];
}

export interface LiveAlarmMessage {
  readonly id: string;
  readonly type: 'alarm.raised' | 'alarm.cleared';
  readonly tenant: string;
  readonly deviceId: string;
  readonly time: string;
  readonly alarm: {
    readonly id: string;
    readonly type: string;
    readonly severity: string;
    readonly status: 'ACTIVE' | 'CLEARED';
    readonly message: string | null;
    readonly path: string | null;
    readonly raisedAt: string;
    readonly clearedAt: string | null;
    readonly details: Readonly<Record<string, unknown>>;
  };
}

export type LiveKind = 'state' | 'alarms';

export function liveChannel(tenant: string, kind: LiveKind): string {
  return `tenant:${tenant}:${kind}`;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a state message; null unless it is well formed and belongs to `tenant` (the channel's tenant). */
export function parseStateMessage(raw: string, tenant: string): LiveStateMessage | null {
  let m: unknown;
  try {
    m = JSON.parse(raw);
  } catch {
    return null;
  }
  if (
    !isObject(m) ||
    m['tenant'] !== tenant ||
    typeof m['deviceId'] !== 'string' ||
    !Array.isArray(m['values'])
  ) {
    return null;
  }
  const values = (m['values'] as unknown[]).filter(
    (v): v is LiveStateValue =>
      isObject(v) &&
      typeof v['path'] === 'string' &&
      typeof v['metric'] === 'string' &&
      typeof v['time'] === 'string',
  );
  return { v: 1, tenant, deviceId: m['deviceId'], values };
}

export function parseAlarmMessage(raw: string, tenant: string): LiveAlarmMessage | null {
  let m: unknown;
  try {
    m = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(m) || m['tenant'] !== tenant || typeof m['deviceId'] !== 'string' || !isObject(m['alarm']))
    return null;
  const a = m['alarm'];
  if (typeof a['id'] !== 'string' || typeof a['type'] !== 'string' || typeof a['raisedAt'] !== 'string')
    return null;
  if (m['type'] !== 'alarm.raised' && m['type'] !== 'alarm.cleared') return null;
  return m as unknown as LiveAlarmMessage;
}
