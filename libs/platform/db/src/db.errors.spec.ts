import { classifyDbError, DbError, DbErrorCode, isTransientDbError } from './db.errors';

const pg = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('database error classification', () => {
  it.each([
    ['08006 connection failure', pg('08006'), DbErrorCode.Transient],
    ['40001 serialization failure', pg('40001'), DbErrorCode.Transient],
    ['40P01 deadlock', pg('40P01'), DbErrorCode.Transient],
    ['53300 too many connections', pg('53300'), DbErrorCode.Transient],
    ['57P01 admin shutdown', pg('57P01'), DbErrorCode.Transient],
    ['57014 statement timeout', pg('57014'), DbErrorCode.Transient],
    ['ECONNREFUSED', pg('ECONNREFUSED'), DbErrorCode.Transient],
    ['a terminated connection', new Error('Connection terminated unexpectedly'), DbErrorCode.Transient],
    ['23505 unique violation', pg('23505'), DbErrorCode.Constraint],
    ['23503 foreign key violation', pg('23503'), DbErrorCode.Constraint],
    ['42501 insufficient privilege (RLS)', pg('42501'), DbErrorCode.Permission],
    ['22P02 invalid text representation', pg('22P02'), DbErrorCode.Other],
    ['a DbError keeps its code', new DbError(DbErrorCode.InvalidTenant, 'x'), DbErrorCode.InvalidTenant],
  ])('%s -> %s', (_name, err, code) => {
    expect(classifyDbError(err)).toBe(code);
    expect(isTransientDbError(err)).toBe(code === DbErrorCode.Transient);
  });
});
