import {LibsqlBatchError, LibsqlError} from '@libsql/client';
import {describe, expect, it} from 'vitest';
import {isLibsqlError} from '../../../source/store/libsql-error.js';

describe('isLibsqlError', () => {
  it("recognises libSQL's own errors, batch errors included", () => {
    expect(isLibsqlError(new LibsqlError('database is locked', 'SQLITE_BUSY'))).toBe(true);
    expect(isLibsqlError(new LibsqlBatchError('constraint', 0, 'SQLITE_CONSTRAINT'))).toBe(true);
  });

  it('turns down other errors, and errors that only borrow the name', () => {
    expect(isLibsqlError(new Error('SQLITE_BUSY: database is locked'))).toBe(false);
    expect(isLibsqlError(Object.assign(new Error('x'), {name: 'LibsqlError'}))).toBe(false);
    expect(isLibsqlError({name: 'LibsqlError', code: 'SQLITE_BUSY'})).toBe(false);
    expect(isLibsqlError(undefined)).toBe(false);
  });
});
