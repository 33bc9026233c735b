/** Codes of database failures the apps translate at their edge (retry, DLQ, GraphQL error). */
export enum DbErrorCode {
  InvalidTenant = 'DB_INVALID_TENANT',
  Transient = 'DB_TRANSIENT',
  Constraint = 'DB_CONSTRAINT',
  Permission = 'DB_PERMISSION',
  Other = 'DB_OTHER',
}

export class DbError extends Error {
  constructor(
    readonly code: DbErrorCode,
    message: string,
    readonly sqlState?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DbError';
  }
}

function sqlStateOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Whether a failed operation may succeed when retried unchanged (PostgreSQL Appendix A error codes):
 * class 08 connection exceptions, 40001 serialization failure, 40P01 deadlock, 53xxx insufficient resources,
 * 57P01-57P03 administrator shutdown / cannot connect now, 55P03 lock not available, 57014 statement timeout;
 * plus Node socket errors (the server went away).
 */
export function isTransientDbError(err: unknown): boolean {
  if (err instanceof DbError) return err.code === DbErrorCode.Transient;
  const state = sqlStateOf(err);
  if (state) {
    return (
      state.startsWith('08') ||
      state.startsWith('53') ||
      state === '40001' ||
      state === '40P01' ||
      state === '55P03' ||
      state === '57014' ||
      state === '57P01' ||
      state === '57P02' ||
      state === '57P03' ||
      ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(state)
    );
  }
  const message = (err as Error | null)?.message ?? '';
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}

/** Classifies a pg error into the platform's codes. */
export function classifyDbError(err: unknown): DbErrorCode {
  if (err instanceof DbError) return err.code;
  if (isTransientDbError(err)) return DbErrorCode.Transient;
  const state = sqlStateOf(err) ?? '';
  if (state.startsWith('23')) return DbErrorCode.Constraint;
  if (state === '42501') return DbErrorCode.Permission;
  return DbErrorCode.Other;
}
