import { MegaError, type MegaErrorOptions } from '@mega/observe'

/**
 * Every error code @mega/db throws. The README's error table lists exactly these (a test keeps the
 * two in step).
 */
export const DB_ERROR_CODES = [
  'MEGA_DB_CONFLICT',
  'MEGA_DB_FOREIGN_KEY',
  'MEGA_DB_NOT_NULL',
  'MEGA_DB_CHECK',
  'MEGA_DB_UNAVAILABLE',
  'MEGA_DB_QUERY_FAILED',
  'MEGA_DB_NOT_CONNECTED',
  'MEGA_MODEL_INVALID',
  'MEGA_CRUD_INVALID_QUERY',
  'MEGA_CRUD_NOT_FOUND',
  'MEGA_KV_INVALID_INPUT',
  'MEGA_KV_UNAVAILABLE',
  'MEGA_DB_SCHEMA_INVALID',
  'MEGA_DB_MIGRATION_INVALID',
  'MEGA_DB_MIGRATION_DESTRUCTIVE',
  'MEGA_DB_MIGRATION_DRIFT',
  'MEGA_DB_MIGRATION_LOCKED',
  'MEGA_DB_MIGRATION_FAILED',
  'MEGA_DB_MIGRATION_UNCOVERED',
] as const

/** One of {@link DB_ERROR_CODES}. */
export type DbErrorCode = (typeof DB_ERROR_CODES)[number]

/** The HTTP status each code maps to, where one applies. */
export const DB_ERROR_STATUS: Readonly<Partial<Record<DbErrorCode, number>>> = Object.freeze({
  MEGA_DB_CONFLICT: 409,
  MEGA_DB_FOREIGN_KEY: 409,
  MEGA_DB_NOT_NULL: 422,
  MEGA_DB_CHECK: 422,
  MEGA_DB_UNAVAILABLE: 503,
  MEGA_DB_QUERY_FAILED: 500,
  MEGA_DB_NOT_CONNECTED: 503,
  MEGA_CRUD_INVALID_QUERY: 422,
  MEGA_CRUD_NOT_FOUND: 404,
  MEGA_KV_UNAVAILABLE: 503,
  MEGA_DB_MIGRATION_LOCKED: 409,
})

/** Builds a MegaError with one of this package's codes and the status that code maps to. */
export function dbError(
  code: DbErrorCode,
  message: string,
  options: Omit<MegaErrorOptions, 'statusCode'> = {},
): MegaError {
  const statusCode = DB_ERROR_STATUS[code]
  return new MegaError(
    code,
    message,
    statusCode === undefined ? options : { ...options, statusCode },
  )
}
