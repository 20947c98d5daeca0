import { Cron } from 'croner'

/** The ticks of one cron expression in one time zone, as epoch milliseconds. */
export interface CronTicks {
  /** The first tick strictly after `ms`; `undefined` when the expression has no more. */
  after(ms: number): number | undefined
  /** The last tick at or before `ms`; `undefined` when there is none. */
  atOrBefore(ms: number): number | undefined
}

/**
 * Compiles a cron expression (5 fields, or 6 with seconds first) in an IANA time zone through
 * croner. Throws croner's error for a bad expression or time zone (the caller names the schedule).
 */
export function cronTicks(expression: string, timezone: string): CronTicks {
  const cron = new Cron(expression, { paused: true, timezone, mode: '5-or-6-parts' })
  // A bad time zone only shows when a date is computed: compute one now.
  cron.nextRun(new Date(0))
  return {
    after: (ms) => cron.nextRun(new Date(ms))?.getTime(),
    // previousRuns excludes the reference itself but includes earlier runs of its second.
    atOrBefore: (ms) => cron.previousRuns(1, new Date(ms + 1))[0]?.getTime(),
  }
}
