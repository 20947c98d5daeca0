import { defineErrors } from './define-errors.js'
import { describeValue } from './internal/describe-value.js'

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

function formatIssues(issues: readonly MegaIssue[]): string {
  return issues.map((i) => `  - ${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('\n')
}

function countProblems(issues: readonly MegaIssue[]): string {
  return issues.length === 1 ? '1 problem' : `${issues.length} problems`
}

/** Every problem in `issues` as one message: what is invalid, how many problems, one line each. */
function invalidSubject(subject: string, issues: readonly MegaIssue[]): string {
  return `Invalid ${subject} (${countProblems(issues)}); fix each and try again:\n${formatIssues(issues)}`
}

/**
 * The errors of @mega/observe, declared once: code, HTTP status and message template. The README's
 * error table lists exactly these codes (a test keeps the two in step).
 */
export const OBSERVE_ERRORS = defineErrors({
  MEGA_INTERNAL: { status: 500, message: (message: string) => message },
  MEGA_CONFIG_INVALID: { message: invalidSubject },
  MEGA_LOGGER_REDACT_INVALID: { message: invalidSubject },
  MEGA_HEALTH_CHECK_INVALID: {
    message: (problem: string) => `Invalid health check: ${problem}.`,
  },
  MEGA_HEALTH_CHECK_TIMEOUT: {
    message: (name: string, timeoutMs: number) =>
      `health check "${name}" timed out after ${timeoutMs}ms`,
  },
  MEGA_SHUTDOWN_HOOK_INVALID: {
    message: (problem: string) => `Invalid shutdown hook: ${problem}.`,
  },
  MEGA_SHUTDOWN_HOOK_TIMEOUT: {
    message: (name: string, gracePeriodMs: number) =>
      `Shutdown hook "${name}" did not finish within ${gracePeriodMs}ms and was abandoned: make it finish sooner or raise gracePeriodMs.`,
  },
  MEGA_METRICS_NOT_INITIALIZED: {
    message: (state: 'shut down' | 'not initialized') =>
      state === 'shut down'
        ? 'These metrics were shut down: create new ones with createMetrics() or initMetrics().'
        : 'Metrics are not initialized: call initMetrics({ serviceName }) at boot, before recording metrics.',
  },
  MEGA_METRICS_INVALID: { message: (problem: string) => problem },
  MEGA_TRACING_INVALID: {
    message: 'initTracing() was already called: call shutdownTracing() first to start it again.',
  },
})

/** Every error code @mega/observe throws or reports, in the order of {@link OBSERVE_ERRORS}. */
export const OBSERVE_ERROR_CODES = OBSERVE_ERRORS.codes

/** One of {@link OBSERVE_ERROR_CODES}. */
export type ObserveErrorCode = (typeof OBSERVE_ERROR_CODES)[number]

/**
 * Invalid configuration or options (`MEGA_CONFIG_INVALID`): every problem at once, each with its path.
 *
 * @example
 * throw new MegaConfigError('logger', [{ path: 'logger.level', message: 'use one of trace, debug, info' }])
 */
export class MegaConfigError extends MegaError {
  constructor(
    subject: string,
    issues: readonly MegaIssue[],
    options: Omit<MegaErrorOptions, 'issues'> = {},
  ) {
    super('MEGA_CONFIG_INVALID', OBSERVE_ERRORS.message('MEGA_CONFIG_INVALID', subject, issues), {
      ...options,
      issues,
    })
    this.name = 'MegaConfigError'
  }
}

/**
 * Turns anything thrown into a {@link MegaError}: a MegaError is returned as is; an `Error` becomes
 * `code` (default `MEGA_INTERNAL`, status 500) with the original as `cause`; anything else is
 * stringified.
 */
export function toMegaError(err: unknown, code = 'MEGA_INTERNAL', statusCode = 500): MegaError {
  if (MegaError.is(err)) return err
  if (err instanceof Error) return new MegaError(code, err.message, { statusCode, cause: err })
  const text = typeof err === 'string' ? err : describeValue(err)
  return new MegaError(code, text, { statusCode, cause: err })
}
