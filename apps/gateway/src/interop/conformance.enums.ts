/** Enums of the conformance API, apart from the GraphQL models so pure code can use them. */
export enum ConformanceVerdict {
  PASS = 'PASS',
  FAIL = 'FAIL',
  NOT_APPLICABLE = 'NOT_APPLICABLE',
  SKIPPED = 'SKIPPED',
}
export enum ConformanceRunStatus {
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
}
