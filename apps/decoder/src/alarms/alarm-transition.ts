/** Alarm severities, highest first (ITU-T X.733 perceived severity, without "indeterminate"). */
export type AlarmSeverity = 'CRITICAL' | 'MAJOR' | 'MINOR' | 'WARNING' | 'INFO';

/** A change an alarm rule asks for; applied idempotently by `platform.apply_alarm_transitions`. */
export interface AlarmTransition {
  readonly action: 'raise' | 'clear';
  readonly tenantId: string;
  readonly deviceId: string;
  readonly type: string;
  readonly severity: AlarmSeverity;
  readonly timeSec: number;
  readonly message?: string;
  /** The resource that raised it; DEVICE_PATH for device-level alarms. One active alarm per device, type, path. */
  readonly path: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Raised by the decoder when a registration outlives its lifetime plus the grace period (ucifi alarm type). */
export const COMMUNICATION_LOSS = 'communication_loss';

/** Source path of device-level alarms (communication loss). */
export const DEVICE_PATH = '/';

/**
 * Keeps, per (device, alarm type, path), only the transitions that change the outcome: a run of raises is the first
 * raise (the alarm started then) and a run of clears the first clear. Rules fire on every value, so a batch
 * usually holds many "clear" for healthy devices; each kept one costs a statement.
 */
export function coalesceTransitions(transitions: readonly AlarmTransition[]): AlarmTransition[] {
  const sorted = transitions
    .map((t, i) => ({ t, i }))
    .sort((a, b) => a.t.timeSec - b.t.timeSec || a.i - b.i)
    .map((x) => x.t);
  const last = new Map<string, AlarmTransition['action']>();
  const out: AlarmTransition[] = [];
  for (const t of sorted) {
    const key = `${t.deviceId}\u0000${t.type}\u0000${t.path}`;
    if (last.get(key) === t.action) continue;
    last.set(key, t.action);
    out.push(t);
  }
  return out;
}
