import { defineSchedule } from '@mega/jobs'

/**
 * The `{{name}}` schedule: `mega worker` runs it at every tick of `cron` (read in `timezone`), once
 * across all the app's processes. `ctx` is the app scope (`ctx.services`, `ctx.adapter()`, `ctx.log`)
 * plus the tick: `ctx.scheduledAt`.
 */
export default defineSchedule({
  cron: '0 * * * *', // every hour, on the hour; 6 fields put seconds first ('*/30 * * * * *')
  timezone: 'UTC',
  async run(ctx) {
    ctx.log.info({ at: ctx.scheduledAt.toISOString() }, '{{name}} ran')
  },
})
