import { defineErrors, type MegaError, type MegaErrorOptions } from '@mega/observe'

const said = (message: string): string => message

/**
 * The errors of @mega/jobs, declared once: code and HTTP status; each call site says what went wrong
 * and what to do. Besides these the package throws core's `MEGA_ADAPTER_INVALID_INPUT` and
 * `MEGA_CONFIG_INVALID`. The README's error table lists exactly these codes (a test keeps the two in
 * step).
 */
export const JOBS_ERRORS = defineErrors({
  MEGA_BUS_UNAVAILABLE: { status: 503, message: said },
  // MegaWorker (thread/process pool)
  MEGA_WORKER_QUEUE_FULL: { status: 503, message: said },
  MEGA_WORKER_TIMEOUT: { status: 504, message: said },
  MEGA_WORKER_CRASHED: { status: 500, message: said },
  MEGA_WORKER_UNKNOWN_TASK: { status: 500, message: said },
  MEGA_WORKER_LOAD_FAILED: { status: 500, message: said },
  MEGA_WORKER_INVALID_INPUT: { status: 500, message: said },
  MEGA_WORKER_ABORTED: { message: said },
  MEGA_WORKER_CLOSED: { status: 503, message: said },
  // MegaCircuitBreaker
  MEGA_CIRCUIT_OPEN: { status: 503, message: said },
  MEGA_CIRCUIT_TIMEOUT: { status: 504, message: said },
  MEGA_JOB_INVALID: { status: 500, message: said },
  MEGA_JOB_PAYLOAD_INVALID: { status: 400, message: said },
  MEGA_JOB_QUEUE_UNAVAILABLE: { status: 503, message: said },
  MEGA_JOB_RUN_TIMEOUT: { status: 504, message: said },
  MEGA_JOB_DELIVERIES_EXHAUSTED: { status: 500, message: said },
  MEGA_JOB_QUEUE_EVENT_UNKNOWN: { status: 500, message: said },
  MEGA_JOB_DLQ_ENTRY_NOT_FOUND: { status: 404, message: said },
  MEGA_SCHEDULE_INVALID: { status: 500, message: said },
  MEGA_JOBS_OPTIONS_INVALID: { status: 500, message: said },
  MEGA_JOBS_NOT_INSTALLED: { status: 500, message: said },
  // transactional outbox
  MEGA_JOBS_OUTBOX_NO_TRANSACTION: { status: 500, message: said },
  MEGA_JOBS_OUTBOX_NOT_CONFIGURED: { status: 500, message: said },
  MEGA_JOBS_OUTBOX_UNAVAILABLE: { status: 503, message: said },
  MEGA_JOBS_NO_NATS_BUS: { status: 500, message: said },
})

/** Every error code @mega/jobs declares (see {@link JOBS_ERRORS}). */
export const JOBS_ERROR_CODES = JOBS_ERRORS.codes

/** One of {@link JOBS_ERROR_CODES}. */
export type JobsErrorCode = (typeof JOBS_ERROR_CODES)[number]

/** A MegaError with one of this package's codes, its status from {@link JOBS_ERRORS}. */
export function jobsError(
  code: JobsErrorCode,
  message: string,
  options: Omit<MegaErrorOptions, 'statusCode'> = {},
): MegaError {
  return JOBS_ERRORS.create(code, [message], options)
}
