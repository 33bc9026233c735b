import {
  type AlarmCondition,
  type AlarmRuleSet,
  type Measurement,
  type Severity,
} from '@smartcity/ucifi-normalize';
import { type AlarmSeverity, type AlarmTransition } from './alarm-transition';

const SEVERITY: Record<Severity, AlarmSeverity> = {
  critical: 'CRITICAL',
  major: 'MAJOR',
  minor: 'MINOR',
  warning: 'WARNING',
};

/**
 * What one value says about a rule's condition, independently of the current alarm state: 'raise' when it is
 * beyond the raise threshold (or a true flag), 'clear' when back past the clear threshold (or a false flag), and
 * nothing inside the hysteresis band or for a value of another type. The database holds the state (the ACTIVE
 * alarm) and applies raise/clear idempotently, so the decoder keeps no per-device memory that a restart or a
 * partition move could lose.
 */
export function conditionOutcome(condition: AlarmCondition, value: unknown): 'raise' | 'clear' | undefined {
  switch (condition.kind) {
    case 'flag':
      if (value === true || value === 1) return 'raise';
      if (value === false || value === 0) return 'clear';
      return undefined;
    case 'above':
      if (typeof value !== 'number') return undefined;
      if (value > condition.raise) return 'raise';
      return value <= (condition.clear ?? condition.raise) ? 'clear' : undefined;
    case 'below':
      if (typeof value !== 'number') return undefined;
      if (value < condition.raise) return 'raise';
      return value >= (condition.clear ?? condition.raise) ? 'clear' : undefined;
  }
}

/** Evaluates a tenant's uCIFI alarm rules (libs/ucifi/normalize) on normalized measurements. */
export function alarmTransitions(
  rules: AlarmRuleSet,
  measurements: readonly Measurement[],
): AlarmTransition[] {
  let out: AlarmTransition[] | undefined;
  for (const m of measurements) {
    const matching = rules.rulesFor(m.objectId, m.resourceId);
    if (!matching) continue;
    for (const rule of matching) {
      const action = conditionOutcome(rule.condition, m.value);
      if (!action) continue;
      (out ??= []).push({
        action,
        tenantId: m.tenant,
        deviceId: m.deviceId,
        type: rule.alarmType,
        severity: SEVERITY[rule.severity],
        timeSec: m.time / 1000,
        path: m.path,
        message: rule.description,
        details: { ruleId: rule.id, value: m.value, endpoint: m.endpoint },
      });
    }
  }
  return out ?? [];
}
