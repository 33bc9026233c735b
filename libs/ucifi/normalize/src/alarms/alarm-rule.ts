/** Alarm severities, ITU-T X.733 §8.1.2.3 perceived severity (without `indeterminate`/`cleared`). */
export const SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * When a resource value raises or clears an alarm:
 * - `flag`: a Boolean resource; true raises, false clears (most uCIFI alarm resources);
 * - `above` / `below`: a numeric threshold with hysteresis: raise beyond `raise`, clear once back past `clear`
 *   (defaults to `raise`).
 */
export type AlarmCondition =
  | { readonly kind: 'flag' }
  | { readonly kind: 'above'; readonly raise: number; readonly clear?: number }
  | { readonly kind: 'below'; readonly raise: number; readonly clear?: number };

/** One row of the alarm table: a resource of an object (any version, any instance) -> an alarm type. */
export interface AlarmRule {
  /** Stable id, "<objectId>/<resourceId>" for the defaults; tenant overrides refer to it. */
  readonly id: string;
  readonly objectId: number;
  readonly resourceId: number;
  /** snake_case alarm type, shared by rules raising the same kind of problem (`leak_detected`). */
  readonly alarmType: string;
  readonly severity: Severity;
  readonly condition: AlarmCondition;
  readonly description: string;
}

/**
 * Derived rule: a device that stops reporting. Raised when nothing was heard for `factor` times the expected
 * interval (the registration lifetime, LwM2M Core 1.1.1 §6.2.1 `lt`: a client must Update before it ends), and at
 * least `minSilenceMs`; cleared by the next value heard.
 */
export interface CommunicationLossRule {
  readonly id: 'communication_loss';
  readonly alarmType: 'communication_loss';
  readonly severity: Severity;
  readonly factor: number;
  readonly minSilenceMs: number;
  readonly enabled: boolean;
}
