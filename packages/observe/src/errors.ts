import { defineErrors } from './define-errors.js'
import { describeValue } from './internal/describe-value.js'
import { MegaError, type MegaErrorOptions, type MegaIssue } from './mega-error.js'

export { MegaError } from './mega-error.js'
export type { MegaErrorJSON, MegaErrorOptions, MegaIssue } from './mega-error.js'

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
    message:
      'Metrics are not initialized: call initMetrics({ serviceName }) at boot, before recording metrics.',
  },
  MEGA_METRICS_SHUT_DOWN: {
    message:
      'These metrics were already shut down: record and render before shutdown(), or create new ones with createMetrics() (or shutdownMetrics() then initMetrics()).',
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
