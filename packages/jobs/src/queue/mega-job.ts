import { jobsError } from '../errors.js'

/** How a job waits between retries: exponential from `initial` to `max` ms (factor 2, jitter). */
export interface JobBackoff {
  /** The only kind today. */
  readonly type: 'exponential'
  /** Wait before the first retry, in ms. */
  readonly initial: number
  /** The longest wait between two attempts, in ms. */
  readonly max: number
}

/** The defaults of a {@link MegaJob}'s static configuration. */
export const JOB_RETRY_DEFAULTS = Object.freeze({
  concurrency: 1,
  retries: 3,
  backoff: Object.freeze({ type: 'exponential', initial: 1000, max: 30_000 } as const),
})

/** The static configuration a job class carries (see {@link MegaJob}). */
export interface JobStatics {
  readonly name: string
  readonly concurrency?: number
  readonly retries?: number
  readonly backoff?: JobBackoff
  readonly timeoutMs?: number | undefined
  readonly subject?: string | undefined
}

/** A job class: a constructor of `J` with the statics of {@link MegaJob}. */
export type JobClass<J extends MegaJob = MegaJob> = (abstract new (...args: never[]) => J) &
  JobStatics

/** The payload type a job's `run` takes (`unknown` when `run` declares none). */
export type JobPayload<J extends MegaJob> = J['run'] extends (
  payload: infer P,
  ...rest: never[]
) => unknown
  ? P
  : unknown

/** The context type a job's `run` takes (`unknown` when `run` declares none). */
export type JobContext<J extends MegaJob> = J['run'] extends (
  payload: never,
  ctx: infer C,
  ...rest: never[]
) => unknown
  ? C
  : unknown

/**
 * The base class of a durable job run by {@link MegaJobQueue}. Subclasses set the static
 * configuration they need and implement `run`. Delivery is at least once: `run` must be
 * idempotent. When `run` throws, the queue retries it (`retries`, `backoff`); when it still fails,
 * the message goes to the dead-letter queue. A run that exceeds its timeout is treated as failed but
 * is not cancelled: it keeps running in the background.
 *
 * @example
 * class SendEmailJob extends MegaJob<{ to: string }> {
 *   static override retries = 5
 *   async run(payload: { to: string }): Promise<void> {
 *     await mailer.send(payload.to)
 *   }
 * }
 */
export abstract class MegaJob<P = unknown, C = unknown, R = unknown> {
  /** Messages processed at once (the consumer's `max_ack_pending`); a positive integer. @default 1 */
  static concurrency: number = JOB_RETRY_DEFAULTS.concurrency
  /** Attempts after the first one within one delivery. @default 3 */
  static retries: number = JOB_RETRY_DEFAULTS.retries
  /** Wait between attempts. @default { type: 'exponential', initial: 1000, max: 30000 } */
  static backoff: JobBackoff = JOB_RETRY_DEFAULTS.backoff
  /** Cap on one whole run, retries included, in ms; 0 = unlimited. @default undefined (the queue's runTimeoutMs) */
  static timeoutMs: number | undefined = undefined
  /**
   * The job's name on the queue: one token of letters, digits, `-` and `_`, not `dlq`.
   * @default the class name without a trailing `Job`, in kebab-case (`SendEmailJob` → `send-email`)
   */
  static subject: string | undefined = undefined

  /** Does the work for one message; throw to have it retried. */
  abstract run(payload: P, ctx: C): R | Promise<R>
}

const SUBJECT_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

function invalidJob(JobClass: JobStatics, what: string, value: unknown, rule: string): Error {
  return jobsError(
    'MEGA_JOB_INVALID',
    `Job class ${JobClass.name || '(anonymous)'}: static ${what} must be ${rule}, got ${describe(value)}. Fix the class's static ${what}.`,
  )
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'object' && value !== null) return JSON.stringify(value)
  return String(value)
}

const isIntAtLeast = (v: unknown, min: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min

/** `SendEmailJob` → `send-email`. */
function subjectFromName(name: string): string {
  return name
    .replace(/Job$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
}

/**
 * The subject of a job class: its static `subject`, or one derived from the class name
 * (`SendEmailJob` → `send-email`). Throws MEGA_JOB_INVALID for a subject that is not one token of
 * letters, digits, `-` and `_`, or is `dlq`.
 */
export function resolveJobSubject(JobClass: JobStatics): string {
  const subject = JobClass.subject ?? subjectFromName(JobClass.name)
  if (typeof subject !== 'string' || !SUBJECT_RE.test(subject) || subject.toLowerCase() === 'dlq')
    throw invalidJob(
      JobClass,
      'subject',
      subject,
      'one token of letters, digits, - and _ (not "dlq")',
    )
  return subject
}

/** The job's `concurrency`; throws MEGA_JOB_INVALID unless it is a positive integer. */
export function resolveJobConcurrency(JobClass: JobStatics): number {
  const value = JobClass.concurrency ?? JOB_RETRY_DEFAULTS.concurrency
  if (!isIntAtLeast(value, 1))
    throw invalidJob(JobClass, 'concurrency', value, 'an integer ≥ 1 (0 would never deliver)')
  return value
}

/** The retry options a job's statics map to (p-retry's: factor 2, jitter on). */
export interface JobRetryConfig {
  readonly retries: number
  readonly minTimeout: number
  readonly maxTimeout: number
  readonly factor: 2
  readonly jitter: true
}

/**
 * Maps a job class's `retries` and `backoff` to retry options; throws MEGA_JOB_INVALID naming the
 * class and the value when one is not valid.
 *
 * @example
 * resolveJobRetryConfig(SendEmailJob) // { retries: 3, minTimeout: 1000, maxTimeout: 30000, factor: 2, jitter: true }
 */
export function resolveJobRetryConfig(JobClass: JobStatics): JobRetryConfig {
  const retries = JobClass.retries ?? JOB_RETRY_DEFAULTS.retries
  if (!isIntAtLeast(retries, 0)) throw invalidJob(JobClass, 'retries', retries, 'an integer ≥ 0')
  const backoff = JobClass.backoff ?? JOB_RETRY_DEFAULTS.backoff
  const ok =
    typeof backoff === 'object' &&
    backoff !== null &&
    backoff.type === 'exponential' &&
    isIntAtLeast(backoff.initial, 0) &&
    isIntAtLeast(backoff.max, backoff.initial)
  if (!ok)
    throw invalidJob(
      JobClass,
      'backoff',
      backoff,
      "{ type: 'exponential', initial, max } with integers 0 ≤ initial ≤ max",
    )
  return { retries, minTimeout: backoff.initial, maxTimeout: backoff.max, factor: 2, jitter: true }
}

/**
 * The run timeout of a job class: its static `timeoutMs`, else `defaultMs`; 0 means unlimited.
 * Throws MEGA_JOB_INVALID (not a bare TypeError) naming the class and the value unless it is an
 * integer ≥ 0.
 *
 * @example
 * resolveJobRunTimeoutMs(SendEmailJob, 1_800_000) // 1800000 unless SendEmailJob sets timeoutMs
 */
export function resolveJobRunTimeoutMs(JobClass: JobStatics, defaultMs: number): number {
  const value = JobClass.timeoutMs ?? defaultMs
  if (!isIntAtLeast(value, 0))
    throw invalidJob(JobClass, 'timeoutMs', value, 'an integer ≥ 0 (0 = unlimited)')
  return value
}
