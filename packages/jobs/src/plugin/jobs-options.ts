import { z } from 'zod'
import { jobsError } from '../errors.js'
import type { MegaJobQueueConfig } from '../queue/job-queue-options.js'
import type { ScheduleTimers } from '../schedule/schedule-timers.js'
import type { ScheduleTickInfo } from '../schedule/scheduler.js'

/** Where an app's schedules run: `mega worker` processes only, or also every web process. */
export const SCHEDULE_RUN_IN = ['worker', 'all'] as const

/** One of {@link SCHEDULE_RUN_IN}. */
export type ScheduleRunIn = (typeof SCHEDULE_RUN_IN)[number]

/** The lock adapter alias schedules use unless told otherwise. */
export const DEFAULT_SCHEDULE_LOCK = 'lock'
/** How late a tick may still start (ms). */
export const DEFAULT_SCHEDULE_GRACE_MS = 60_000
/** The TTL of a tick's lock while it runs, extended every third of it (ms). */
export const DEFAULT_SCHEDULE_LOCK_TTL_MS = 30_000
/** How long a stop waits for running ticks (ms). */
export const DEFAULT_SCHEDULE_STOP_TIMEOUT_MS = 10_000
/** The first part of every schedule lock key. */
export const DEFAULT_SCHEDULE_KEY_PREFIX = 'schedule:'

/** The schedules part of {@link JobsOptions}. */
export interface SchedulesOptions {
  /**
   * `worker`: only `mega worker` (`runWorkers`) runs schedules, as Sidekiq-cron and AdonisJS do, so
   * web processes scale without multiplying cron work. `all`: web processes run them too, once
   * listening (the lock still runs each tick once). @default 'worker'
   */
  readonly runIn?: ScheduleRunIn
  /** Alias of the lock adapter (`memory` in one process, `redis` from @mega/db across processes). @default 'lock' */
  readonly lock?: string
  /** How late (ms) a tick may start; later it is missed (see `missedTicks`). @default 60000 */
  readonly graceMs?: number
  /** TTL (ms) of a running tick's lock, extended every third of it. @default 30000 */
  readonly lockTtlMs?: number
  /** How long (ms) a stop waits for running ticks. @default 10000 */
  readonly stopTimeoutMs?: number
  /** First part of lock keys (`schedule:<app>:<name>:<tick>`). @default 'schedule:' */
  readonly keyPrefix?: string
  /** Clock and timers (a seam for tests). @default the real ones */
  readonly timers?: ScheduleTimers
  /** Called with each tick's outcome on this process (after it is logged); a throw is ignored. */
  readonly onTick?: (info: ScheduleTickInfo) => void
}

/** The bus adapter alias the job queue uses unless told otherwise. */
export const DEFAULT_JOBS_BUS = 'bus'

/**
 * The queue part of {@link JobsOptions}: which NATS bus adapter carries the JetStream queue, and the
 * queue's own options (checked by `MegaJobQueue` at boot).
 */
export interface JobsQueueOptions extends Partial<Omit<MegaJobQueueConfig, 'nc'>> {
  /** Alias of the `nats` bus adapter. @default 'bus' */
  readonly bus?: string
}

/** The SQL adapter alias the transactional outbox uses unless told otherwise. */
export const DEFAULT_OUTBOX_DB = 'db'

/**
 * The outbox part of {@link JobsOptions}: `ctx.jobs.outbox(trx).enqueue(...)` writes jobs in the
 * app's SQL transaction, and a relay moves committed rows to the queue.
 */
export interface JobsOutboxOptions {
  /** Alias of the app's SQL db adapter (`postgres`, `maria` or `sqlite` from @mega/db). @default 'db' */
  readonly db?: string
  /** The outbox table, created at boot when missing. @default 'mega_job_outbox' */
  readonly table?: string
  /** Run the relay in this process (web and worker alike); `false` only writes rows. @default true */
  readonly relay?: boolean
  /** Wait between relay polls that found less than a batch (ms, ≥ 10). @default 1000 */
  readonly pollMs?: number
  /** The most rows one relay pass claims (1–1000). @default 100 */
  readonly batchSize?: number
}

/** Options of {@link jobs}. */
export interface JobsOptions {
  /** How schedules run. @default {} */
  readonly schedules?: SchedulesOptions
  /** The durable job queue behind `ctx.jobs` and `mega worker`. @default {} */
  readonly queue?: JobsQueueOptions
  /** The transactional outbox (`ctx.jobs.outbox(trx)`); none unless given. */
  readonly outbox?: JobsOutboxOptions
}

const fn = (message: string) =>
  z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', { message })

const schedulesSchema = z
  .object({
    runIn: z.enum(SCHEDULE_RUN_IN).optional(),
    lock: z.string().min(1).optional(),
    graceMs: z.number().int().min(0).optional(),
    lockTtlMs: z.number().int().min(1000).optional(),
    stopTimeoutMs: z.number().int().min(0).optional(),
    keyPrefix: z.string().optional(),
    timers: z
      .object({
        now: fn('now() is a function'),
        setTimeout: fn('setTimeout() is a function'),
        clearTimeout: fn('clearTimeout() is a function'),
      })
      .optional(),
    onTick: fn('onTick is a function').optional(),
  })
  .strict()

const queueSchema = z.object({ bus: z.string().min(1).optional() }).catchall(z.unknown())

const outboxSchema = z
  .object({
    db: z.string().min(1).optional(),
    table: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a plain identifier (letters, digits, _)')
      .optional(),
    relay: z.boolean().optional(),
    pollMs: z.number().int().min(10).optional(),
    batchSize: z.number().int().min(1).max(1000).optional(),
  })
  .strict()

const optionsSchema = z
  .object({
    schedules: schedulesSchema.optional(),
    queue: queueSchema.optional(),
    outbox: outboxSchema.optional(),
  })
  .strict()

/** The options once checked, defaults filled in. */
export interface ResolvedSchedulesOptions {
  readonly runIn: ScheduleRunIn
  readonly lock: string
  readonly graceMs: number
  readonly lockTtlMs: number
  readonly stopTimeoutMs: number
  readonly keyPrefix: string
  readonly timers: ScheduleTimers | undefined
  readonly onTick: ((info: ScheduleTickInfo) => void) | undefined
}

/** Checks {@link JobsOptions}: every problem in one `MEGA_JOBS_OPTIONS_INVALID` with `issues`. */
export function resolveJobsOptions(options: unknown): ResolvedSchedulesOptions {
  const parsed = optionsSchema.safeParse(options ?? {})
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
    throw jobsError(
      'MEGA_JOBS_OPTIONS_INVALID',
      `jobs(): ${issues.map((i) => `${i.path || 'options'}: ${i.message}`).join('; ')}.`,
      { issues },
    )
  }
  const s = (options as JobsOptions | undefined)?.schedules ?? {}
  return Object.freeze({
    runIn: s.runIn ?? 'worker',
    lock: s.lock ?? DEFAULT_SCHEDULE_LOCK,
    graceMs: s.graceMs ?? DEFAULT_SCHEDULE_GRACE_MS,
    lockTtlMs: s.lockTtlMs ?? DEFAULT_SCHEDULE_LOCK_TTL_MS,
    stopTimeoutMs: s.stopTimeoutMs ?? DEFAULT_SCHEDULE_STOP_TIMEOUT_MS,
    keyPrefix: s.keyPrefix ?? DEFAULT_SCHEDULE_KEY_PREFIX,
    timers: s.timers,
    onTick: s.onTick,
  })
}
