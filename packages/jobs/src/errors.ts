import { MegaError, type MegaErrorOptions } from '@mega/observe'

/**
 * Every error code @mega/jobs throws besides core's `MEGA_ADAPTER_INVALID_INPUT` and
 * `MEGA_CONFIG_INVALID`. The README's error table lists exactly these (a test keeps the two in step).
 */
export const JOBS_ERROR_CODES = ['MEGA_BUS_UNAVAILABLE'] as const

/** One of {@link JOBS_ERROR_CODES}. */
export type JobsErrorCode = (typeof JOBS_ERROR_CODES)[number]

const JOBS_ERROR_STATUS: Readonly<Partial<Record<JobsErrorCode, number>>> = Object.freeze({
  MEGA_BUS_UNAVAILABLE: 503,
})

/** Builds a MegaError with one of this package's codes and the status that code maps to. */
export function jobsError(
  code: JobsErrorCode,
  message: string,
  options: Omit<MegaErrorOptions, 'statusCode'> = {},
): MegaError {
  const statusCode = JOBS_ERROR_STATUS[code]
  return new MegaError(
    code,
    message,
    statusCode === undefined ? options : { ...options, statusCode },
  )
}
