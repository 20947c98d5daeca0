import type { AppScope } from '@mega/core'
import {
  DEFAULT_MONTHS_AHEAD,
  DEFAULT_RETENTION_MONTHS,
  type EnsureResult,
  type PruneResult,
} from '../services/log-partition-service.js'

/**
 * A schedule as this app declares it, ready for `@mega/jobs` (which does not exist yet) to pick up
 * from `apps/<app>/schedules/*-schedule.ts`: a name, a cron expression (minute hour day-of-month
 * month day-of-week, UTC) and a handler that gets the app scope. Until then nothing runs it on a
 * timer; the app calls `ensure()` once at boot (LogPartitionService.start) and every write makes
 * sure its own month exists, so logs keep working without it.
 */
export interface ScheduleDefinition<T> {
  readonly name: string
  readonly cron: string
  readonly timezone: 'UTC'
  /** Whether a run may start while the previous one is still going. */
  readonly overlap: boolean
  readonly handler: (app: Pick<AppScope, 'services'>) => Promise<T>
}

/** At 03:00 UTC on the 1st of each month: create the coming months' partitions, drop expired ones. */
const logPartitionSchedule: ScheduleDefinition<{ ensured: EnsureResult; pruned: PruneResult }> = {
  name: 'log-partitions',
  cron: '0 3 1 * *',
  timezone: 'UTC',
  overlap: false,
  async handler(app) {
    const service = app.services.logPartition
    const now = new Date()
    const ensured = await service.ensure(now, DEFAULT_MONTHS_AHEAD)
    const pruned = await service.prune(now, DEFAULT_RETENTION_MONTHS)
    return { ensured, pruned }
  },
}

export default logPartitionSchedule
