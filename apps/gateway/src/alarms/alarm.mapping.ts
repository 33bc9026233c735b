import { AlarmSeverity, AlarmStatus } from './alarm.enums';
import { type Alarm } from './alarm.models';
import { type AlarmRow } from './alarm.rows';

export function toAlarm(row: AlarmRow): Alarm {
  return {
    id: row.id,
    tenantId: row.tenantId,
    deviceId: row.deviceId,
    type: row.type,
    severity: AlarmSeverity[row.severity],
    status: AlarmStatus[row.status],
    message: row.message,
    sourcePath: row.sourcePath,
    details: row.details ?? {},
    raisedAt: row.raisedAt,
    clearedAt: row.clearedAt,
    acknowledgedAt: row.acknowledgedAt,
    acknowledgedBy: row.acknowledgedBy,
    updatedAt: row.updatedAt,
  };
}
