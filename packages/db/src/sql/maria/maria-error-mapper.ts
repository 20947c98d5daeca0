import type { MegaError } from '@mega/observe'
import { mapSqlError, NETWORK_ERROR_CODES, type SqlErrorFacts } from '../sql-adapter.js'

/** The fields of a `mysql2` error the mapper reads. */
interface MysqlErrorLike {
  readonly code?: unknown
  readonly errno?: unknown
  readonly sqlState?: unknown
  readonly sqlMessage?: unknown
  readonly message?: unknown
  readonly fatal?: unknown
}

/** Server error numbers that mean this connection cannot be served. */
const UNAVAILABLE_ERRNOS = [
  1040, // ER_CON_COUNT_ERROR: too many connections
  1044, // ER_DBACCESS_DENIED_ERROR
  1045, // ER_ACCESS_DENIED_ERROR
  1049, // ER_BAD_DB_ERROR: unknown database
  1053, // ER_SERVER_SHUTDOWN
  1927, // ER_CONNECTION_KILLED
]
const UNAVAILABLE_CODES = [
  ...NETWORK_ERROR_CODES,
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
]

/** ``(`test`.`posts`, CONSTRAINT `posts_user_fk` FOREIGN KEY (`user_id`) REFERENCES ...`` */
const FK_PATTERN = /\(`[^`]*`\.`([^`]+)`, CONSTRAINT `([^`]+)` FOREIGN KEY \(`([^`]+)`\)/

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function duplicate(message: string): SqlErrorFacts {
  // MariaDB: "for key 'users_email_unique'"; MySQL 8: "for key 'users.users_email_unique'".
  const key = /for key '([^']+)'$/.exec(message)?.[1]
  const dot = key?.lastIndexOf('.') ?? -1
  if (key === undefined || dot < 0) return { code: 'MEGA_DB_CONFLICT', constraint: key }
  return { code: 'MEGA_DB_CONFLICT', table: key.slice(0, dot), constraint: key.slice(dot + 1) }
}

function foreignKey(message: string): SqlErrorFacts {
  const m = FK_PATTERN.exec(message)
  return { code: 'MEGA_DB_FOREIGN_KEY', table: m?.[1], constraint: m?.[2], column: m?.[3] }
}

function check(message: string): SqlErrorFacts {
  // MariaDB: "CONSTRAINT `c` failed for `db`.`t`"; MySQL: "Check constraint 'c' is violated."
  const maria = /CONSTRAINT `([^`]+)` failed for `[^`]*`\.`([^`]+)`/.exec(message)
  if (maria !== null) return { code: 'MEGA_DB_CHECK', constraint: maria[1], table: maria[2] }
  return { code: 'MEGA_DB_CHECK', constraint: /constraint '([^']+)'/i.exec(message)?.[1] }
}

function byErrno(errno: number, message: string): SqlErrorFacts | undefined {
  switch (errno) {
    case 1062: // ER_DUP_ENTRY
    case 1586: // ER_DUP_ENTRY_WITH_KEY_NAME
      return duplicate(message)
    case 1451: // ER_ROW_IS_REFERENCED_2
    case 1452: // ER_NO_REFERENCED_ROW_2
      return foreignKey(message)
    case 1048: // ER_BAD_NULL_ERROR: Column 'email' cannot be null
    case 1364: // ER_NO_DEFAULT_FOR_FIELD: Field 'email' doesn't have a default value
      return { code: 'MEGA_DB_NOT_NULL', column: /(?:Column|Field) '([^']+)'/.exec(message)?.[1] }
    case 4025: // MariaDB ER_CONSTRAINT_FAILED
    case 3819: // MySQL ER_CHECK_CONSTRAINT_VIOLATED
      return check(message)
    default:
      return undefined
  }
}

/**
 * Reads a `mysql2` error: duplicates (1062, with the key name), foreign keys (1451/1452), not-null
 * (1048/1364), checks (4025, MySQL 3819), connection failures as unavailable, any other server
 * error as a failed query; `undefined` when `err` is not a database error.
 *
 * @example
 * classifyMariaError(err) // { code: 'MEGA_DB_CONFLICT', constraint: 'users_email_unique' }
 */
export function classifyMariaError(err: unknown): SqlErrorFacts | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const e = err as MysqlErrorLike
  const code = text(e.code)
  const message = text(e.sqlMessage) ?? text(e.message) ?? ''
  const errno = typeof e.errno === 'number' ? e.errno : undefined
  const serverError = errno !== undefined && errno > 0 && text(e.sqlState) !== undefined
  if (
    (code !== undefined && UNAVAILABLE_CODES.includes(code)) ||
    (serverError && UNAVAILABLE_ERRNOS.includes(errno))
  ) {
    return { code: 'MEGA_DB_UNAVAILABLE', reason: code ?? message }
  }
  if (!serverError)
    return e.fatal === true ? { code: 'MEGA_DB_UNAVAILABLE', reason: code ?? message } : undefined
  return (
    byErrno(errno, message) ?? {
      code: 'MEGA_DB_QUERY_FAILED',
      reason: `errno ${errno}: ${message}`,
    }
  )
}

/**
 * Maps a `mysql2` error to a MegaError: 409 `MEGA_DB_CONFLICT` / `MEGA_DB_FOREIGN_KEY`, 422
 * `MEGA_DB_NOT_NULL` / `MEGA_DB_CHECK`, 503 `MEGA_DB_UNAVAILABLE`, else `MEGA_DB_QUERY_FAILED`.
 *
 * @example
 * throw mapMariaError(err)
 */
export function mapMariaError(err: unknown): MegaError {
  return mapSqlError('maria', classifyMariaError, err)
}
