import { type EffectiveAttributes } from './attribute-store';

/** What an observation remembers of the last notification it sent. */
export interface NotificationState {
  /** When the last notification (or the Observe response) left, in ms. */
  readonly lastSentAt: number;
  /** The numeric value it carried, when the target is a single numeric resource. */
  readonly lastSentValue?: number;
  /** A qualifying change happened since the last notification and waits for pmin. */
  readonly pending: boolean;
}

/**
 * Whether a new value qualifies for a notification (Core 1.1.1 §5.1.2, "Change Value Conditions").
 * Without gt/lt/st any change qualifies. With them, the value must cross gt or lt (from one side of the
 * threshold to the other, relative to the last notified value), or move by at least st from the last notified
 * value; the conditions are alternatives. A non-numeric value (or no previous numeric value) always qualifies.
 */
export function changeQualifies(
  attrs: EffectiveAttributes,
  lastSent: number | undefined,
  value: number | undefined,
): boolean {
  const conditional = attrs.gt !== undefined || attrs.lt !== undefined || attrs.st !== undefined;
  if (!conditional || value === undefined || lastSent === undefined) return true;
  if (attrs.gt !== undefined && lastSent <= attrs.gt !== value <= attrs.gt) return true;
  if (attrs.lt !== undefined && lastSent < attrs.lt !== value < attrs.lt) return true;
  if (attrs.st !== undefined && Math.abs(value - lastSent) >= attrs.st) return true;
  return false;
}

/**
 * The next time (ms) a notification must leave, or undefined when nothing is due:
 * a pending change leaves as soon as pmin has elapsed since the last notification, and with pmax set a
 * notification leaves pmax after the last one even without change (§5.1.2 "Minimum/Maximum Period").
 */
export function nextNotificationAt(attrs: EffectiveAttributes, state: NotificationState): number | undefined {
  const candidates: number[] = [];
  if (state.pending) candidates.push(state.lastSentAt + attrs.pmin * 1000);
  if (attrs.pmax !== undefined) candidates.push(state.lastSentAt + attrs.pmax * 1000);
  return candidates.length ? Math.min(...candidates) : undefined;
}
