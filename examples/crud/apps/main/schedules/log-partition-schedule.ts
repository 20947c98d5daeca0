import { defineSchedule } from '@mega/jobs'
import {
  DEFAULT_MONTHS_AHEAD,
  DEFAULT_RETENTION_MONTHS,
} from '../services/log-partition-service.js'

/**
 * At 03:00 UTC on the 1st of each month: create the coming months' partitions of `logs`, then drop
 * the expired ones. `mega worker` runs it (the jobs() plugin in mega.config.ts), once across every
 * process; the month is the tick's (`ctx.scheduledAt`), so a late run still prunes the right month.
 */
export default defineSchedule({
  name: 'log-partitions',
  cron: '0 3 1 * *',
  timezone: 'UTC',
  overlap: false,
  // A month's run missed while no worker was up runs once when one starts.
  missedTicks: 'run-once',
  async run(ctx) {
    const service = ctx.services.logPartition
    const ensured = await service.ensure(ctx.scheduledAt, DEFAULT_MONTHS_AHEAD)
    const pruned = await service.prune(ctx.scheduledAt, DEFAULT_RETENTION_MONTHS)
    ctx.log.info(
      { created: ensured.created, dropped: pruned.dropped, deletedRows: pruned.deletedRows },
      'log partitions kept',
    )
  },
})
