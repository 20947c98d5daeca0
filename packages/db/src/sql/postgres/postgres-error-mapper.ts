import type { MegaError } from '@mega/observe'
import { mapSqlError, NETWORK_ERROR_CODES, type SqlErrorFacts } from '../sql-adapter.js'

/** The fields of a `pg` DatabaseError (and of Node socket errors) the mapper reads. */
interface PgErrorLike {
  readonly code?: unknown
  readonly message?: unknown
  readonly constraint?: unknown
  readonly table?: unknown
  readonly column?: unknown
  readonly detail?: unknown
}

/** SQLSTATEs (and classes) that mean the server cannot serve this connection. */
const UNAVAILABLE_STATES = ['57P01', '57P02', '57P03', '53300', '3D000']
const UNAVAILABLE_CLASSES = ['08', '28']
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /cannot use a pool after calling end/i,
  /client has encountered a connection error/i,
]

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** `Key (email)=(...) already exists.` → `email` (never the value). */
function keyColumn(detail: string | undefined): string | undefined {
  return detail === undefined ? undefined : /^Key \(([^)]+)\)=/.exec(detail)?.[1]
}

function isUnavailable(code: string | undefined, message: string): boolean {
  if (code !== undefined && NETWORK_ERROR_CODES.includes(code)) return true
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
    return UNAVAILABLE_STATES.includes(code) || UNAVAILABLE_CLASSES.includes(code.slice(0, 2))
  }
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))
}

function constraintFacts(e: PgErrorLike, code: string): SqlErrorFacts | undefined {
  const names = { constraint: text(e.constraint), table: text(e.table) }
  switch (code) {
    case '23505':
      return { code: 'MEGA_DB_CONFLICT', ...names, column: keyColumn(text(e.detail)) }
    case '23503':
      return { code: 'MEGA_DB_FOREIGN_KEY', ...names, column: keyColumn(text(e.detail)) }
    case '23502':
      return { code: 'MEGA_DB_NOT_NULL', ...names, column: text(e.column) }
    case '23514':
      return { code: 'MEGA_DB_CHECK', ...names }
    default:
      return undefined
  }
}

/**
 * Reads a `pg` error: constraint violations by SQLSTATE (23505, 23503, 23502, 23514), connection
 * failures (socket errors, 08xxx, 28xxx, 57P0x, 'Connection terminated') as unavailable, any other
 * SQLSTATE as a failed query; `undefined` when `err` is not a database error.
 *
 * @example
 * classifyPostgresError(err) // { code: 'MEGA_DB_CONFLICT', constraint: 'users_email_key', ... }
 */
export function classifyPostgresError(err: unknown): SqlErrorFacts | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const e = err as PgErrorLike
  const code = text(e.code)
  const message = text(e.message) ?? ''
  if (isUnavailable(code, message)) return { code: 'MEGA_DB_UNAVAILABLE', reason: code ?? message }
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code)) return undefined
  return constraintFacts(e, code) ?? { code: 'MEGA_DB_QUERY_FAILED', reason: `${code} ${message}` }
}

/**
 * Maps a `pg` error to a MegaError: 409 `MEGA_DB_CONFLICT` / `MEGA_DB_FOREIGN_KEY`, 422
 * `MEGA_DB_NOT_NULL` / `MEGA_DB_CHECK`, 503 `MEGA_DB_UNAVAILABLE`, else `MEGA_DB_QUERY_FAILED`.
 *
 * @example
 * throw mapPostgresError(err)
 */
export function mapPostgresError(err: unknown): MegaError {
  return mapSqlError('postgres', classifyPostgresError, err)
}
