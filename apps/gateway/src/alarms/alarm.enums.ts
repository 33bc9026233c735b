export enum AlarmSeverity {
  CRITICAL = 'CRITICAL',
  MAJOR = 'MAJOR',
  MINOR = 'MINOR',
  WARNING = 'WARNING',
  INFO = 'INFO',
}

export enum AlarmStatus {
  ACTIVE = 'ACTIVE',
  CLEARED = 'CLEARED',
}
