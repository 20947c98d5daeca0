import type { MegaError } from '@mega/observe'
import { mapSqlError, type SqlErrorFacts } from '../sql-adapter.js'

/** Result codes that mean the database file cannot be used right now. */
const UNAVAILABLE_CODES = /^SQLITE_(CANTOPEN|BUSY|LOCKED|IOERR|NOTADB|FULL|READONLY_DBMOVED)/
const CLOSED_MESSAGE = /database connection is not open/i

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** `UNIQUE constraint failed: users.email` (or `t.a, t.b`) → table and column(s). */
function columns(message: string): { table?: string; column?: string } {
  const list = /constraint failed: (.+)$/.exec(message)?.[1]
  const pairs = (list ?? '').split(', ').map((item) => /^([^.]+)\.(.+)$/.exec(item))
  const first = pairs[0]
  if (first === undefined || first === null) return {}
  return { table: first[1], column: pairs.map((p) => p?.[2] ?? '?').join(', ') }
}

function constraintFacts(code: string, message: string): SqlErrorFacts | undefined {
  switch (code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return { code: 'MEGA_DB_CONFLICT', ...columns(message) }
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return { code: 'MEGA_DB_FOREIGN_KEY' }
    case 'SQLITE_CONSTRAINT_NOTNULL':
      return { code: 'MEGA_DB_NOT_NULL', ...columns(message) }
    case 'SQLITE_CONSTRAINT_CHECK':
      return { code: 'MEGA_DB_CHECK', constraint: /constraint failed: (.+)$/.exec(message)?.[1] }
    default:
      return undefined
  }
}

/**
 * Reads a `better-sqlite3` error: constraint violations by extended result code (the table and
 * column parsed from `UNIQUE constraint failed: users.email`; SQLite names no foreign key), a file
 * that cannot be opened or stays locked as unavailable, any other `SQLITE_*` as a failed query;
 * `undefined` when `err` is not a database error.
 *
 * @example
 * classifySqliteError(err) // { code: 'MEGA_DB_CONFLICT', table: 'users', column: 'email' }
 */
export function classifySqliteError(err: unknown): SqlErrorFacts | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const code = text((err as { code?: unknown }).code)
  const message = text((err as { message?: unknown }).message) ?? ''
  if (code === undefined || !code.startsWith('SQLITE_')) {
    return CLOSED_MESSAGE.test(message)
      ? { code: 'MEGA_DB_UNAVAILABLE', reason: message }
      : undefined
  }
  if (UNAVAILABLE_CODES.test(code))
    return { code: 'MEGA_DB_UNAVAILABLE', reason: `${code}: ${message}` }
  return (
    constraintFacts(code, message) ?? {
      code: 'MEGA_DB_QUERY_FAILED',
      reason: `${code}: ${message}`,
    }
  )
}

/**
 * Maps a `better-sqlite3` error to a MegaError: 409 `MEGA_DB_CONFLICT` / `MEGA_DB_FOREIGN_KEY`, 422
 * `MEGA_DB_NOT_NULL` / `MEGA_DB_CHECK`, 503 `MEGA_DB_UNAVAILABLE`, else `MEGA_DB_QUERY_FAILED`.
 *
 * @example
 * throw mapSqliteError(err)
 */
export function mapSqliteError(err: unknown): MegaError {
  return mapSqlError('sqlite', classifySqliteError, err)
}
