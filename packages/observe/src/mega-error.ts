/** One problem found in a configuration or input, located by its path (`logger.redact[2]`). */
export interface MegaIssue {
  /** Dotted path to the offending value; empty for the root. */
  readonly path: string
  /** What is wrong and what to do about it. */
  readonly message: string
}

/** Options of {@link MegaError}. */
export interface MegaErrorOptions {
  /** HTTP status the error maps to, where it applies. */
  readonly statusCode?: number
  /** The underlying error. */
  readonly cause?: unknown
  /** Structured, serialisable facts about the failure (never secrets). */
  readonly details?: Readonly<Record<string, unknown>>
  /** Every problem found, each with its path. */
  readonly issues?: readonly MegaIssue[]
}

/** The JSON shape of a {@link MegaError} (`JSON.stringify(err)`). */
export interface MegaErrorJSON {
  readonly name: string
  readonly code: string
  readonly message: string
  readonly statusCode?: number
  readonly details?: Readonly<Record<string, unknown>>
  readonly issues?: readonly MegaIssue[]
}

const BRAND = Symbol.for('mega.error')

/**
 * The one base error of Mega: a stable `code`, an optional HTTP `statusCode`, a `cause`, and a
 * message that says what to do.
 *
 * @example
 * throw new MegaError('MEGA_DB_CONFLICT', 'A user with this email exists: use another email.', {
 *   statusCode: 409,
 *   details: { constraint: 'users_email_key' },
 * })
 */
export class MegaError extends Error {
  /** Stable, documented code such as `MEGA_CONFIG_INVALID`. */
  readonly code: string
  /** HTTP status this error maps to, when it applies. */
  readonly statusCode: number | undefined
  /** Structured facts about the failure. */
  readonly details: Readonly<Record<string, unknown>> | undefined
  /** Every problem found, each with its path. */
  readonly issues: readonly MegaIssue[] | undefined

  constructor(code: string, message: string, options: MegaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'MegaError'
    this.code = code
    this.statusCode = options.statusCode
    this.details = options.details === undefined ? undefined : Object.freeze({ ...options.details })
    this.issues = options.issues === undefined ? undefined : Object.freeze([...options.issues])
    Object.defineProperty(this, BRAND, { value: true })
  }

  /**
   * `true` when `err` is a MegaError from any copy of this package (a `Symbol.for` brand, not
   * `instanceof`), optionally with the given code.
   */
  static is(err: unknown, code?: string): err is MegaError {
    if (typeof err !== 'object' || err === null) return false
    if ((err as { [BRAND]?: unknown })[BRAND] !== true) return false
    return code === undefined || (err as MegaError).code === code
  }

  /** The serialisable shape: code, message, status, details and issues (no stack, no cause). */
  toJSON(): MegaErrorJSON {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.statusCode === undefined ? {} : { statusCode: this.statusCode }),
      ...(this.details === undefined ? {} : { details: this.details }),
      ...(this.issues === undefined ? {} : { issues: this.issues }),
    }
  }
}
