import { basename } from 'node:path'
import { z } from 'zod'
import { type MegaError } from '@mega/observe'
import { jobsError } from '../errors.js'
import { cronTicks, type CronTicks } from './cron-ticks.js'
import {
  DEFAULT_SCHEDULE_TIMEZONE,
  MISSED_TICK_POLICIES,
  MegaSchedule,
  type MissedTickPolicy,
  type ScheduleClass,
} from './mega-schedule.js'

/** A schedule's name: what its lock keys, logs and metrics carry. */
export const SCHEDULE_NAME_PATTERN = /^[a-z][a-z0-9_.-]*$/i

/** A schedule as the scheduler runs it: checked, defaults filled in, frozen. */
export interface ScheduleSpec {
  readonly name: string
  readonly cron: string
  readonly timezone: string
  readonly overlap: boolean
  readonly missedTicks: MissedTickPolicy
  readonly ticks: CronTicks
  /** The instance whose `run` serves every tick. */
  readonly instance: MegaSchedule
}

/** The statics once checked. */
export interface CheckedStatics {
  readonly scheduleName: string | undefined
  readonly cron: string
  readonly timezone: string
  readonly overlap: boolean
  readonly missedTicks: MissedTickPolicy
}

const staticsSchema = z
  .object({
    scheduleName: z
      .string()
      .regex(SCHEDULE_NAME_PATTERN, 'a letter, then letters, digits, ".", "_" or "-"')
      .optional(),
    cron: z.string({ error: 'a cron expression is required (static cron = "0 3 * * *")' }).min(1),
    timezone: z.string().min(1).default(DEFAULT_SCHEDULE_TIMEZONE),
    overlap: z.boolean().default(false),
    missedTicks: z.enum(MISSED_TICK_POLICIES).default('skip'),
  })
  .strict()

/** A `MEGA_SCHEDULE_INVALID` with this message. */
export function scheduleInvalid(message: string, details?: Record<string, unknown>): MegaError {
  return jobsError('MEGA_SCHEDULE_INVALID', message, details === undefined ? {} : { details })
}

/**
 * Checks a schedule's statics: every problem in one `MEGA_SCHEDULE_INVALID` (its `issues`), then
 * the cron expression and time zone through croner.
 */
export function checkScheduleStatics(
  statics: Record<string, unknown>,
  where: string,
): CheckedStatics {
  const parsed = staticsSchema.safeParse(statics)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
    throw jobsError(
      'MEGA_SCHEDULE_INVALID',
      `${where}: ${issues.map((i) => `${i.path || 'schedule'}: ${i.message}`).join('; ')}. Fix the schedule's declaration.`,
      { issues },
    )
  }
  const checked = parsed.data
  compile(checked.cron, checked.timezone, where)
  return { ...checked, scheduleName: checked.scheduleName }
}

function compile(cron: string, timezone: string, where: string): CronTicks {
  try {
    return cronTicks(cron, timezone)
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw scheduleInvalid(
      `${where}: cron "${cron}" in time zone "${timezone}" is not usable (${reason}). Use 5 fields (minute hour day month weekday), or 6 with seconds first, and an IANA zone such as "Europe/Paris".`,
    )
  }
}

/** `log-partition-schedule.ts` → `log-partition`. */
export function scheduleNameFromFile(file: string): string {
  return basename(file)
    .replace(/\.(m?js|ts)$/, '')
    .replace(/-schedule$/, '')
}

/**
 * Checks what a schedule file default-exports (a {@link MegaSchedule} class: `defineSchedule(...)`
 * or `class X extends MegaSchedule`) and makes its spec: named by `static scheduleName`, else by
 * the file.
 */
export function resolveSchedule(value: unknown, file: string): ScheduleSpec {
  if (typeof value !== 'function' || !(value.prototype instanceof MegaSchedule))
    throw scheduleInvalid(
      `${file} must export default a schedule: defineSchedule({ cron, run }) or a class extending MegaSchedule.`,
    )
  const Class = value as ScheduleClass
  const statics = checkScheduleStatics(
    {
      scheduleName: Class.scheduleName,
      cron: Class.cron,
      timezone: Class.timezone,
      overlap: Class.overlap,
      missedTicks: Class.missedTicks,
    },
    file,
  )
  const name = statics.scheduleName ?? scheduleNameFromFile(file)
  if (!SCHEDULE_NAME_PATTERN.test(name))
    throw scheduleInvalid(
      `${file}: "${name}" is not a schedule name (a letter, then letters, digits, ".", "_" or "-"): rename the file or set static scheduleName.`,
    )
  const instance = new (Class as unknown as new () => MegaSchedule)()
  if (typeof instance.run !== 'function')
    throw scheduleInvalid(`${file}: the schedule class needs a run(ctx) method.`)
  return Object.freeze({
    name,
    cron: statics.cron,
    timezone: statics.timezone,
    overlap: statics.overlap,
    missedTicks: statics.missedTicks,
    ticks: compile(statics.cron, statics.timezone, file),
    instance,
  })
}
