import {
  liveChannel,
  type LiveAlarmMessage,
  type LiveChannelKind,
  type LiveStateMessage,
  type LiveStateValue,
} from '@smartcity/platform-contracts';

export type { LiveAlarmMessage, LiveStateMessage, LiveStateValue };

/**
 * Parsing of the live updates the decoder publishes on Redis (contract in platform-contracts `live.contract.ts`).
 * Parsed defensively: a malformed message is dropped, never thrown.
 */
export type LiveKind = Extract<LiveChannelKind, 'state' | 'alarms'>;

export { liveChannel };

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
