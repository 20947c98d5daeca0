import { defineErrors, type ErrorCreateOptions, type MegaError } from '@mega/observe'

/** A free message: the caller words it (each code covers several distinct failures). */
const said = (message: string): string => message

/**
 * The errors of @mega/db, declared once: code, the HTTP status it maps to (where one applies) and
 * its message. The README's error table lists exactly these codes (a test keeps the two in step).
 */
export const DB_ERRORS = defineErrors({
  MEGA_DB_CONFLICT: { status: 409, message: said },
  MEGA_DB_FOREIGN_KEY: { status: 409, message: said },
  MEGA_DB_NOT_NULL: { status: 422, message: said },
  MEGA_DB_CHECK: { status: 422, message: said },
  MEGA_DB_UNAVAILABLE: { status: 503, message: said },
  MEGA_DB_QUERY_FAILED: { status: 500, message: said },
  MEGA_DB_NOT_CONNECTED: { status: 503, message: said },
  MEGA_DB_DRIVER_MISSING: { message: said },
  MEGA_MODEL_INVALID: { message: said },
  MEGA_CRUD_INVALID_QUERY: { status: 422, message: said },
  MEGA_CRUD_NOT_FOUND: { status: 404, message: said },
  MEGA_KV_INVALID_INPUT: { message: said },
  MEGA_KV_UNAVAILABLE: { status: 503, message: said },
  MEGA_DB_SCHEMA_INVALID: { message: said },
  MEGA_DB_MIGRATION_INVALID: { message: said },
  MEGA_DB_MIGRATION_DESTRUCTIVE: { message: said },
  MEGA_DB_MIGRATION_DRIFT: { message: said },
  MEGA_DB_MIGRATION_LOCKED: { status: 409, message: said },
  MEGA_DB_MIGRATION_FAILED: { message: said },
  MEGA_DB_MIGRATION_UNCOVERED: { message: said },
  MEGA_DB_MIGRATION_KEPT: { message: said },
  MEGA_DB_TASK_INVALID: { message: said },
  MEGA_DB_TEST_INVALID: { message: said },
})

/** Every error code @mega/db throws, in the order of {@link DB_ERRORS}. */
export const DB_ERROR_CODES = DB_ERRORS.codes

/** One of {@link DB_ERROR_CODES}. */
export type DbErrorCode = (typeof DB_ERROR_CODES)[number]

/** The HTTP status each code maps to, where one applies (read from {@link DB_ERRORS}). */
export const DB_ERROR_STATUS: Readonly<Partial<Record<DbErrorCode, number>>> = Object.freeze(
  Object.fromEntries(
    DB_ERROR_CODES.flatMap((code) => {
      const status = DB_ERRORS.status(code)
      return status === undefined ? [] : [[code, status]]
    }),
  ),
)

/** Builds a MegaError with one of this package's codes and the status that code maps to. */
export function dbError(
  code: DbErrorCode,
  message: string,
  options: ErrorCreateOptions = {},
): MegaError {
  return DB_ERRORS.create(code, [message], options)
}
