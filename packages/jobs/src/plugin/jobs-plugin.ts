import { definePlugin, type MegaPlugin } from '@mega/core'
import { Scheduler } from '../schedule/scheduler.js'
import { scheduleMetrics } from '../schedule/schedule-metrics.js'
import { realScheduleTimers } from '../schedule/schedule-timers.js'
import { resolveJobsOptions, type JobsOptions } from './jobs-options.js'
import { JobsHost } from './jobs-host.js'
import { loadSchedules, scheduleLockOf } from './load-schedules.js'

/**
 * Jobs for Mega apps: loads each app's `apps/<app>/schedules/*-schedule.ts` at boot (a bad one
 * fails the boot with `MEGA_SCHEDULE_INVALID`) and runs them in `mega worker` (or, with
 * `schedules.runIn: 'all'`, also in web processes once they listen), each tick once across every
 * process through the lock adapter. Stops them at close, after HTTP and WebSockets, before the
 * adapters disconnect.
 *
 * @example
 * // mega.config.ts
 * export default defineConfig({
 *   adapters: { lock: { driver: 'redis', url: env('REDIS_URL') } },
 *   plugins: [jobs()],
 * })
 */
export function jobs(options: JobsOptions = {}): MegaPlugin {
  const o = resolveJobsOptions(options)
  let host: JobsHost | undefined
  return definePlugin({
    name: 'jobs',
    async setup(api) {
      const metrics = scheduleMetrics()
      const schedulers: Scheduler[] = []
      for (const app of api.apps) {
        const schedules = await loadSchedules(app)
        if (schedules.length === 0) continue
        schedulers.push(
          new Scheduler({
            app: app.scope,
            schedules,
            lock: scheduleLockOf(app, o.lock),
            keyPrefix: o.keyPrefix,
            graceMs: o.graceMs,
            lockTtlMs: o.lockTtlMs,
            stopTimeoutMs: o.stopTimeoutMs,
            timers: o.timers ?? realScheduleTimers,
            metrics,
            ...(o.onTick === undefined ? {} : { onTick: o.onTick }),
          }),
        )
      }
      const created = new JobsHost(schedulers, api.log)
      host = created
      created.attach(api.fastify)
      if (o.runIn === 'all') api.fastify.addHook('onListen', async () => created.startSchedules())
    },
    teardown: () => host?.stop(),
  })
}
