import { type SqlStatement } from '../write/telemetry.sql';
import { type AlarmTransition } from './alarm-transition';

/** Alarm row as returned by platform.apply_alarm_transitions. */
export interface AlarmRow {
  id: string;
  tenant_id: string;
  device_id: string;
  type: string;
  severity: string;
  status: 'ACTIVE' | 'CLEARED';
  message: string | null;
  source_path: string;
  details: Record<string, unknown>;
  raised_at: Date;
  cleared_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
}

/**
 * Applies transitions in order in one round trip (the function runs as the caller, under its RLS tenant) and
 * returns the alarms that changed. Idempotent: a raise at time t is ignored when an alarm of that device and type
 * is active or was raised or cleared at or after t; a clear only closes an active alarm raised at or before t.
 */
export function applyAlarmTransitions(transitions: readonly AlarmTransition[]): SqlStatement {
  return {
    text: 'SELECT * FROM platform.apply_alarm_transitions($1::jsonb)',
    values: [
      JSON.stringify(
        transitions.map((t) => ({
          action: t.action,
          tenantId: t.tenantId,
          deviceId: t.deviceId,
          type: t.type,
          severity: t.severity,
          time: t.timeSec,
          message: t.message ?? null,
          path: t.path,
          details: t.details ?? {},
        })),
      ),
    ],
  };
}
