import { type AlarmTransition, coalesceTransitions } from '../alarms/alarm-transition';

export interface AlarmKey {
  readonly deviceId: string;
  readonly type: string;
  readonly path: string;
}

const keyOf = (k: AlarmKey) => `${k.deviceId}\u0000${k.type}\u0000${k.path}`;

/**
 * The transitions of one run worth a statement: those at or after `since` (older ones were applied by the runs that
 * computed them: platform.apply_alarm_transitions is idempotent, replaying them would change nothing), coalesced,
 * and without the clears of alarms that are not active and not raised earlier in the same list. A healthy meter
 * asks for a clear every night; without this, every meter would cost a statement every run.
 */
export function transitionsToApply(
  transitions: readonly AlarmTransition[],
  sinceMs: number,
  active: readonly AlarmKey[],
): AlarmTransition[] {
  const open = new Set(active.map(keyOf));
  const out: AlarmTransition[] = [];
  for (const t of coalesceTransitions(transitions.filter((t) => t.timeSec * 1000 >= sinceMs))) {
    const key = keyOf({ deviceId: t.deviceId, type: t.type, path: t.path });
    if (t.action === 'raise') open.add(key);
    else if (!open.delete(key)) continue;
    out.push(t);
  }
  return out;
}
