import {
  MegaSchedule,
  type ScheduleClass,
  type ScheduleContext,
  type ScheduleStatics,
} from './mega-schedule.js'
import { checkScheduleStatics, scheduleInvalid } from './schedule-spec.js'

/** What {@link defineSchedule} takes: the statics of a schedule and its `run`. */
export interface ScheduleDefinition extends ScheduleStatics {
  /** The schedule's name. @default its file name without `-schedule` */
  readonly name?: string
  /** Runs one tick (see {@link MegaSchedule.run}). */
  readonly run: (ctx: ScheduleContext) => unknown
}

/**
 * Declares a schedule: checks its cron expression, time zone and options at once
 * (`MEGA_SCHEDULE_INVALID`) and returns a {@link MegaSchedule} class to default-export from
 * `apps/<app>/schedules/<name>-schedule.ts`.
 *
 * @example
 * export default defineSchedule({
 *   cron: '0 3 1 * *', // 03:00 UTC on the 1st of each month
 *   async run(ctx) {
 *     await ctx.services.logPartition.prune(ctx.scheduledAt)
 *   },
 * })
 */
export function defineSchedule(definition: ScheduleDefinition): ScheduleClass {
  const { name, run, ...rest } = (definition ?? {}) as Partial<ScheduleDefinition>
  if (typeof run !== 'function')
    throw scheduleInvalid('defineSchedule: run(ctx) must be a function.')
  const statics = checkScheduleStatics(
    { ...rest, ...(name === undefined ? {} : { scheduleName: name }) },
    'defineSchedule',
  )
  return class DefinedSchedule extends MegaSchedule {
    static readonly scheduleName = statics.scheduleName
    static readonly cron = statics.cron
    static readonly timezone = statics.timezone
    static readonly overlap = statics.overlap
    static readonly missedTicks = statics.missedTicks
    run(ctx: ScheduleContext): unknown {
      return run(ctx)
    }
  }
}
