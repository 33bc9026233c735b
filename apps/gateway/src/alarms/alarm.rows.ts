export type AlarmSeverity = 'CRITICAL' | 'MAJOR' | 'MINOR' | 'WARNING' | 'INFO';
export type AlarmStatus = 'ACTIVE' | 'CLEARED';

export interface AlarmRow {
  readonly id: string;
  readonly tenantId: string;
  readonly deviceId: string;
  readonly type: string;
  readonly severity: AlarmSeverity;
  readonly status: AlarmStatus;
  readonly message: string | null;
  readonly sourcePath: string | null;
  readonly details: Record<string, unknown>;
  readonly raisedAt: Date;
  readonly clearedAt: Date | null;
  readonly acknowledgedAt: Date | null;
  readonly acknowledgedBy: string | null;
  readonly updatedAt: Date;
}

export const ALARM_COLUMNS = `a.id, a.tenant_id AS "tenantId", a.device_id AS "deviceId", a.type, a.severity, a.status,
  a.message, a.source_path AS "sourcePath", a.details, a.raised_at AS "raisedAt", a.cleared_at AS "clearedAt",
  a.acknowledged_at AS "acknowledgedAt", a.acknowledged_by AS "acknowledgedBy", a.updated_at AS "updatedAt"`;
