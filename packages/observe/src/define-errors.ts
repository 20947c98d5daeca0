import { MegaError, type MegaErrorOptions } from './mega-error.js'

/**
 * A message template: a fixed string, or a function of typed arguments that returns the message
 * (what went wrong and what to do).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the widest template, narrowed per row
export type ErrorMessageTemplate = string | ((...args: any[]) => string)

/** One row of an error table: the message template and the HTTP status the code maps to, if any. */
export interface ErrorDefinition {
  /** HTTP status this code answers with, where one applies. */
  readonly status?: number
  /** The message, or a function of typed arguments that builds it. */
  readonly message: ErrorMessageTemplate
}

/** A package's error table: one row per code (`MEGA_*`), declared once. */
export type ErrorTable = Readonly<Record<string, ErrorDefinition>>

/** The arguments a row's message template takes (`[]` for a fixed message). */
export type ErrorArgs<D extends ErrorDefinition> = D['message'] extends (...args: infer A) => string
  ? A
  : []

/** The options a created error takes besides its arguments (the status comes from the table). */
export type ErrorCreateOptions = Omit<MegaErrorOptions, 'statusCode'>

/** What `create(code, ...)` takes after the code: the template's arguments, then options. */
export type ErrorCreateRest<D extends ErrorDefinition> =
  ErrorArgs<D> extends []
    ? [args?: [], options?: ErrorCreateOptions]
    : [args: ErrorArgs<D>, options?: ErrorCreateOptions]

/** The typed factory {@link defineErrors} returns for one table. */
export interface ErrorFactory<T extends ErrorTable> {
  /** Every code of the table, in declaration order. */
  readonly codes: readonly (keyof T & string)[]
  /** The table itself (frozen). */
  readonly table: T
  /** The HTTP status `code` maps to, or `undefined`. */
  status(code: keyof T & string): number | undefined
  /** The message of `code` built from its template's arguments. */
  message<C extends keyof T & string>(code: C, ...args: ErrorArgs<T[C]>): string
  /** A {@link MegaError} with `code`, its status from the table and the message built from `args`. */
  create<C extends keyof T & string>(code: C, ...rest: ErrorCreateRest<T[C]>): MegaError
}

function render(template: ErrorMessageTemplate, args: readonly unknown[]): string {
  return typeof template === 'string' ? template : template(...args)
}

/**
 * Declares a package's errors once: code, HTTP status and a message template with typed arguments
 * in one table (the way Fastify's `createError(code, message, statusCode)` and AdonisJS's typed
 * `createError` keep them in one row), and returns a typed factory over it.
 *
 * @example
 * const errors = defineErrors({
 *   MEGA_USER_TAKEN: { status: 409, message: (email: string) => `${email} is taken: use another.` },
 *   MEGA_USER_LOCKED: { status: 423, message: 'The account is locked: ask an admin.' },
 * })
 * throw errors.create('MEGA_USER_TAKEN', ['ada@example.com'], { details: { field: 'email' } })
 */
export function defineErrors<const T extends ErrorTable>(table: T): ErrorFactory<T> {
  type Code = keyof T & string
  const rows = Object.freeze({ ...table })
  const status = (code: Code): number | undefined => rows[code]?.status
  const message = (code: Code, ...args: readonly unknown[]): string => {
    const row = rows[code]
    if (row === undefined) throw new TypeError(`Unknown error code ${code}`)
    return render(row.message, args)
  }
  return Object.freeze({
    codes: Object.freeze(Object.keys(rows)),
    table: rows,
    status,
    message: message,
    create(code: Code, args: readonly unknown[] = [], options: ErrorCreateOptions = {}): MegaError {
      const statusCode = status(code)
      return new MegaError(
        code,
        message(code, ...args),
        statusCode === undefined ? options : { ...options, statusCode },
      )
    },
  }) as ErrorFactory<T>
}
