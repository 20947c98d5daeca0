import { getMetrics, MegaError } from '@mega/observe'

/** How a tick ended on this process (the `outcome` of logs, metrics and `onTick`). */
export const SCHEDULE_OUTCOMES = [
  /** This process ran the tick and `run` resolved. */
  'ran',
  /** This process ran the tick and `run` threw, or the lock store failed: logged; the next tick runs. */
  'failed',
  /** Another process holds the tick: it runs (or ran) there. */
  'locked',
  /** Not run: `overlap` is false and the previous run is still going (here or on another process). */
  'overlap',
  /** Not run: the tick passed while the process was down or blocked (`missedTicks: 'skip'`). */
  'missed',
] as const

/** One of {@link SCHEDULE_OUTCOMES}. */
export type ScheduleOutcome = (typeof SCHEDULE_OUTCOMES)[number]

/** The counter of schedule ticks by schedule and outcome. */
export const SCHEDULE_TICKS_METRIC = 'mega_schedule_ticks_total'

/** What the scheduler records. */
export interface ScheduleMetrics {
  tick(schedule: string, outcome: ScheduleOutcome, count?: number): void
}

const none: ScheduleMetrics = Object.freeze({ tick: () => undefined })

/** The process metrics' tick counter, or nothing when the app did not turn metrics on. */
export function scheduleMetrics(): ScheduleMetrics {
  let metrics
  try {
    metrics = getMetrics()
  } catch (err) {
    if (MegaError.is(err, 'MEGA_METRICS_NOT_INITIALIZED')) return none
    throw err
  }
  const ticks = metrics.counter(SCHEDULE_TICKS_METRIC, {
    description: 'Schedule ticks by schedule and outcome (ran, failed, locked, overlap, missed)',
    labels: ['schedule', 'outcome'],
  })
  return { tick: (schedule, outcome, count = 1) => ticks.add(count, { schedule, outcome }) }
}
