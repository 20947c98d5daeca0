import type { AppScope } from '@mega/core'

/**
 * What a schedule does with ticks it missed (the process was down, or its event loop was blocked
 * past the tick and the grace period): `skip` drops them; `run-once` runs one catch-up for all of
 * them (the latest missed tick), also once at start for the last tick before it.
 */
export const MISSED_TICK_POLICIES = ['skip', 'run-once'] as const

/** One of {@link MISSED_TICK_POLICIES}. */
export type MissedTickPolicy = (typeof MISSED_TICK_POLICIES)[number]

/** The time zone of a schedule that names none. */
export const DEFAULT_SCHEDULE_TIMEZONE = 'UTC'

/** What a schedule's `run` gets: its app's scope, plus the tick. */
export interface ScheduleContext extends AppScope {
  /** The schedule's name. */
  readonly schedule: string
  /** The tick being run: the time the cron expression named, not the time the run started. */
  readonly scheduledAt: Date
  /** Aborted when the process stops: a long run should finish or give up soon after. */
  readonly signal: AbortSignal
}

/**
 * The statics a schedule class declares (`class X extends MegaSchedule { static cron = '0 3 * * *' }`),
 * checked when the app loads it.
 */
export interface ScheduleStatics {
  /** The schedule's name. @default its file name without `-schedule` (`log-partition-schedule.ts` → `log-partition`) */
  readonly scheduleName?: string
  /** Cron expression: 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first. */
  readonly cron: string
  /** IANA time zone the expression is read in. @default 'UTC' */
  readonly timezone?: string
  /** Whether a tick may start while the previous run of this schedule is still going (on any process). @default false */
  readonly overlap?: boolean
  /** What happens to missed ticks (see {@link MISSED_TICK_POLICIES}). @default 'skip' */
  readonly missedTicks?: MissedTickPolicy
}

/**
 * The base class of every schedule in `apps/<app>/schedules/*-schedule.ts`: declare the statics of
 * {@link ScheduleStatics} and `run(ctx)`. One instance serves every tick. Or use
 * {@link defineSchedule}, which returns such a class.
 *
 * @example
 * export default class ReportSchedule extends MegaSchedule {
 *   static cron = '0 6 * * 1' // Mondays at 06:00
 *   static timezone = 'Europe/Paris'
 *   async run(ctx: ScheduleContext) {
 *     await ctx.services.reports.weekly(ctx.scheduledAt)
 *   }
 * }
 */
export abstract class MegaSchedule {
  /** Runs one tick. A throw or rejection is logged and counted; the next tick runs as usual. */
  abstract run(ctx: ScheduleContext): unknown
}

/** A schedule class, as `apps/<app>/schedules/*-schedule.ts` default-exports it. */
export type ScheduleClass = (new () => MegaSchedule) & ScheduleStatics
