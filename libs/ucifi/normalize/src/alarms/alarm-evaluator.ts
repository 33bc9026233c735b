import { type Measurement, type MeasurementValue } from '../measurement';
import { type AlarmCondition, type Severity } from './alarm-rule';
import { type AlarmRuleSet } from './alarm-rule-set';

/** An alarm currently raised on a device, as kept in the device's alarm state. */
export interface ActiveAlarm {
  readonly ruleId: string;
  readonly alarmType: string;
  readonly severity: Severity;
  /** Path of the resource that raised it ("/3424/0/10"); "/" for communication loss. */
  readonly path: string;
  /** ms since the epoch */
  readonly raisedAt: number;
  readonly value: MeasurementValue | null;
}

/**
 * Alarm state of one device: plain JSON so the decoder can keep it in Redis or the database. `evaluate` and
 * `checkSilence` update it in place and return the transitions to publish and store.
 */
export interface DeviceAlarmState {
  active: Record<string, ActiveAlarm>;
  /** ms since the epoch of the last uplink heard from the device. */
  lastSeenAt?: number;
}

export interface DeviceRef {
  readonly tenant: string;
  readonly deviceId: string;
  readonly endpoint: string;
}

export interface AlarmTransition extends DeviceRef {
  readonly action: 'raise' | 'clear';
  readonly ruleId: string;
  readonly alarmType: string;
  readonly severity: Severity;
  readonly path: string;
  /** ms since the epoch: the time of the value that caused the transition. */
  readonly time: number;
  readonly value: MeasurementValue | null;
}

export function emptyAlarmState(): DeviceAlarmState {
  return { active: {} };
}

const COMMUNICATION_LOSS_KEY = 'communication_loss|/';

/** true = condition holds (raise), false = condition cleared, undefined = value says nothing (keep state). */
function conditionState(
  condition: AlarmCondition,
  value: MeasurementValue,
  active: boolean,
): boolean | undefined {
  switch (condition.kind) {
    case 'flag':
      if (typeof value === 'boolean') return value;
      if (value === 0 || value === 1) return value === 1;
      return undefined;
    case 'above':
      if (typeof value !== 'number') return undefined;
      // Hysteresis: once raised, stay raised until the value falls to `clear`.
      return active ? value > (condition.clear ?? condition.raise) : value > condition.raise;
    case 'below':
      if (typeof value !== 'number') return undefined;
      return active ? value < (condition.clear ?? condition.raise) : value < condition.raise;
  }
}

/** Raises and clears alarms from measurements according to a tenant's `AlarmRuleSet`. */
export class AlarmEvaluator {
  constructor(private readonly rules: AlarmRuleSet) {}

  /**
   * Measurements of one device (any order; evaluated by time). Returns raise/clear transitions and updates
   * `state`. `receivedAt` (ms) marks the device as heard, clearing a communication loss.
   */
  evaluate(
    device: DeviceRef,
    measurements: readonly Measurement[],
    state: DeviceAlarmState,
    receivedAt?: number,
  ): AlarmTransition[] {
    const out: AlarmTransition[] = [];
    const heardAt =
      receivedAt ?? measurements.reduce((t, m) => Math.max(t, m.time), Number.NEGATIVE_INFINITY);
    if (Number.isFinite(heardAt)) {
      const loss = state.active[COMMUNICATION_LOSS_KEY];
      if (loss) {
        delete state.active[COMMUNICATION_LOSS_KEY];
        out.push({ ...device, ...loss, action: 'clear', time: heardAt, value: null });
      }
      state.lastSeenAt = Math.max(state.lastSeenAt ?? heardAt, heardAt);
    }

    const matched: Measurement[] = [];
    for (const m of measurements) if (this.rules.rulesFor(m.objectId, m.resourceId)) matched.push(m);
    if (matched.length === 0) return out;
    matched.sort((a, b) => a.time - b.time);
    for (const m of matched) {
      for (const rule of this.rules.rulesFor(m.objectId, m.resourceId) ?? []) {
        const key = `${rule.id}|${m.path}`;
        const active = state.active[key];
        const holds = conditionState(rule.condition, m.value, active !== undefined);
        if (holds === true && !active) {
          const alarm: ActiveAlarm = {
            ruleId: rule.id,
            alarmType: rule.alarmType,
            severity: rule.severity,
            path: m.path,
            raisedAt: m.time,
            value: m.value,
          };
          state.active[key] = alarm;
          out.push({ ...device, ...alarm, action: 'raise', time: m.time });
        } else if (holds === false && active) {
          delete state.active[key];
          out.push({ ...device, ...active, action: 'clear', time: m.time, value: m.value });
        }
      }
    }
    return out;
  }

  /**
   * Derived rule: raises `communication_loss` when the device has been silent longer than `factor` x the expected
   * reporting interval (e.g. the registration lifetime) and at least `minSilenceMs`. Call periodically.
   */
  checkSilence(
    device: DeviceRef,
    state: DeviceAlarmState,
    now: number,
    expectedIntervalMs: number,
  ): AlarmTransition | undefined {
    const rule = this.rules.communicationLoss;
    if (!rule.enabled || state.lastSeenAt === undefined || state.active[COMMUNICATION_LOSS_KEY])
      return undefined;
    const limit = Math.max(rule.factor * expectedIntervalMs, rule.minSilenceMs);
    if (now - state.lastSeenAt <= limit) return undefined;
    const alarm: ActiveAlarm = {
      ruleId: rule.id,
      alarmType: rule.alarmType,
      severity: rule.severity,
      path: '/',
      raisedAt: now,
      value: null,
    };
    state.active[COMMUNICATION_LOSS_KEY] = alarm;
    return { ...device, ...alarm, action: 'raise', time: now };
  }
}
