import { jobsError } from '../errors.js'
import type { JobQueueEventMap, JobQueueEventName } from './job-queue-events.js'
import { toError } from './job-payload.js'
import {
  resolveJobConcurrency,
  resolveJobRetryConfig,
  resolveJobRunTimeoutMs,
  resolveJobSubject,
  type JobClass,
  type JobContext,
  type JobRetryConfig,
  type MegaJob,
} from './mega-job.js'
import { withRetry } from './with-retry.js'

/** One job class being processed: what each of its runs needs. */
export interface JobRunSpec {
  readonly subject: string
  readonly retry: JobRetryConfig
  readonly runTimeoutMs: number
  run(payload: unknown): unknown
}

/**
 * What both queues need to process `JobClass`: its subject, concurrency, retry config, run timeout
 * (the job's own, else `defaultRunTimeoutMs`) and a `run` calling `instance` (default
 * `new JobClass()`) with `ctx`. Invalid statics throw `MEGA_JOB_INVALID` before anything starts.
 */
export function resolveJobRunSpec<J extends MegaJob>(
  JobClass: JobClass<J>,
  instance: J | undefined,
  ctx: JobContext<J> | undefined,
  defaultRunTimeoutMs: number,
): JobRunSpec & { readonly concurrency: number } {
  const subject = resolveJobSubject(JobClass)
  const concurrency = resolveJobConcurrency(JobClass)
  const retry = resolveJobRetryConfig(JobClass)
  const runTimeoutMs = resolveJobRunTimeoutMs(JobClass, defaultRunTimeoutMs)
  const job = instance ?? new (JobClass as unknown as new () => J)()
  return { subject, concurrency, retry, runTimeoutMs, run: (payload) => job.run(payload, ctx) }
}

/** How one run (all its attempts) ended. */
export type JobRunOutcome = { ok: true; result: unknown } | { ok: false; error: Error }

/** Emits a queue event; a throwing listener never reaches the caller. */
export type JobEventEmit = <K extends JobQueueEventName>(
  event: K,
  payload: JobQueueEventMap[K][0],
) => void

/** What {@link runJobAttempts} needs besides the spec. */
export interface JobRunInput {
  readonly spec: JobRunSpec
  /** The job's sequence (work stream or memory queue). */
  readonly seq: number
  readonly payload: unknown
  readonly emit: JobEventEmit
  /** Wraps the retried attempts, e.g. in a trace span. @default runs them as is */
  readonly wrap?: (attempts: () => unknown) => unknown
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function'

/**
 * Runs a job the way both queues do: `run` retried with `withRetry` (a `retry` event before each
 * retry), the whole raced against the run timeout (0 = none). A timed-out run is not cancelled;
 * when it later rejects, `fail` with phase `abandoned-run` reports it. Never rejects.
 *
 * The first attempt calls `run` directly; only its failure enters `withRetry`, as attempt 1 already
 * failed, so the retries, their waits and events are the same as `withRetry` around every attempt.
 */
export function runJobAttempts(input: JobRunInput): Promise<JobRunOutcome> {
  const { spec, seq, payload, emit } = input
  const { subject } = spec
  const retried = (first: unknown): Promise<unknown> =>
    withRetry(
      (attempt) => {
        if (attempt === 1) throw first
        return spec.run(payload)
      },
      {
        ...spec.retry,
        onFailedAttempt: ({ attempt, retriesLeft, error }) => {
          if (retriesLeft > 0) emit('retry', { subject, seq, attempt, retriesLeft, error })
        },
      },
    )
  const attempts = (): unknown => {
    let first: unknown
    try {
      first = spec.run(payload)
    } catch (err) {
      return retried(err)
    }
    return isPromiseLike(first) ? Promise.resolve(first).then(undefined, retried) : first
  }
  let run: unknown
  try {
    run = input.wrap ? input.wrap(attempts) : attempts()
  } catch (err) {
    run = Promise.reject(toError(err))
  }
  const settled = Promise.resolve(run).then(
    (result): JobRunOutcome => ({ ok: true, result }),
    (err: unknown): JobRunOutcome => ({ ok: false, error: toError(err) }),
  )
  if (spec.runTimeoutMs === 0) return settled
  return new Promise<JobRunOutcome>((resolve) => {
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      const error = jobsError(
        'MEGA_JOB_RUN_TIMEOUT',
        `Job "${subject}" (seq ${seq}) did not finish within ${spec.runTimeoutMs} ms: it is treated as failed and goes to the DLQ, but the run was not cancelled and continues in the background. Make run() idempotent, and raise the job's static timeoutMs if it needs longer.`,
      )
      resolve({ ok: false, error })
    }, spec.runTimeoutMs)
    timer.unref()
    void settled.then((outcome) => {
      if (!timedOut) {
        clearTimeout(timer)
        resolve(outcome)
      } else if (!outcome.ok)
        emit('fail', { subject, seq, error: outcome.error, phase: 'abandoned-run' })
    })
  })
}
