import pRetry from 'p-retry'
import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'

/** What {@link RetryOptions.onFailedAttempt} learns about each failed attempt. */
export interface RetryAttemptInfo {
  /** The attempt that failed, from 1 (the first call). */
  readonly attempt: number
  /** How many attempts may still follow; 0 on the last failure. */
  readonly retriesLeft: number
  /** What the attempt threw, exactly (not wrapped). */
  readonly error: unknown
}

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** Additional attempts after the first one (so at most `retries + 1` calls). @default 3 */
  readonly retries?: number
  /** Wait before the first retry, in ms; later waits grow by `factor`. @default 1000 */
  readonly minTimeout?: number
  /** The longest wait between two attempts, in ms. @default 30000 */
  readonly maxTimeout?: number
  /** Growth of the wait from one retry to the next. @default 2 */
  readonly factor?: number
  /** Multiply each wait by a random factor between 1 and 2 (still capped at `maxTimeout`). @default false */
  readonly jitter?: boolean
  /**
   * Called after every failed attempt, the last one included (then `retriesLeft` is 0). When it
   * throws, retrying stops and withRetry rejects with that error.
   */
  readonly onFailedAttempt?: (info: RetryAttemptInfo) => void | Promise<void>
}

/** The defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY_OPTIONS = Object.freeze({
  retries: 3,
  minTimeout: 1000,
  maxTimeout: 30_000,
  factor: 2,
  jitter: false,
})

const retryOptionsSchema = z
  .strictObject({
    retries: z.number().int().min(0).default(DEFAULT_RETRY_OPTIONS.retries),
    minTimeout: z.number().int().min(0).default(DEFAULT_RETRY_OPTIONS.minTimeout),
    maxTimeout: z.number().int().min(0).default(DEFAULT_RETRY_OPTIONS.maxTimeout),
    factor: z.number().min(1).default(DEFAULT_RETRY_OPTIONS.factor),
    jitter: z.boolean().default(DEFAULT_RETRY_OPTIONS.jitter),
    onFailedAttempt: z
      .custom<RetryOptions['onFailedAttempt']>((v) => typeof v === 'function', 'must be a function')
      .optional(),
  })
  .refine((o) => o.minTimeout <= o.maxTimeout, {
    path: ['maxTimeout'],
    message: 'must be at least minTimeout',
  })

/** Carries any thrown value through p-retry, which would give up at once on a TypeError. */
class Attempt extends Error {
  constructor(readonly thrown: unknown) {
    super('attempt failed')
  }
}

const unwrap = (err: unknown): unknown => (err instanceof Attempt ? err.thrown : err)

/**
 * Validates retry options (MEGA_CONFIG_INVALID listing every problem, nothing is called) and
 * returns them with defaults, frozen.
 */
export function resolveRetryOptions(
  options: RetryOptions = {},
): Readonly<Required<Omit<RetryOptions, 'onFailedAttempt'>>> &
  Pick<RetryOptions, 'onFailedAttempt'> {
  return parseOptions(retryOptionsSchema, options, 'withRetry options')
}

/**
 * Calls `fn` until it resolves, at most `retries + 1` times, over p-retry. The first attempt runs at
 * once; the wait before retry n is `minTimeout · factor^(n−1)`, times a random 1–2 with `jitter`,
 * capped at `maxTimeout`. Every failure is retried, a TypeError or a thrown non-Error too (p-retry
 * alone gives up on those at once). Rejects with what the last attempt threw.
 *
 * @example
 * const user = await withRetry(() => fetchUser(id), {
 *   retries: 2,
 *   minTimeout: 100,
 *   onFailedAttempt: ({ attempt, retriesLeft }) => log.warn({ attempt, retriesLeft }, 'retrying'),
 * })
 */
export async function withRetry<T>(
  fn: (attempt: number) => T | PromiseLike<T>,
  options: RetryOptions = {},
): Promise<T> {
  const o = resolveRetryOptions(options)
  const onFailedAttempt = o.onFailedAttempt
  try {
    return await pRetry(
      async (attempt) => {
        try {
          return await fn(attempt)
        } catch (err) {
          throw new Attempt(err)
        }
      },
      {
        retries: o.retries,
        minTimeout: o.minTimeout,
        maxTimeout: o.maxTimeout,
        factor: o.factor,
        randomize: o.jitter,
        onFailedAttempt: onFailedAttempt
          ? (c) =>
              onFailedAttempt({
                attempt: c.attemptNumber,
                retriesLeft: c.retriesLeft,
                error: unwrap(c.error),
              })
          : undefined,
      },
    )
  } catch (err) {
    throw unwrap(err)
  }
}
