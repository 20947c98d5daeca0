import { definePlugin, type MegaPlugin, type PluginApi } from '@mega/core'
import { jobsError } from '../errors.js'
import { MegaJobQueue } from '../queue/job-queue.js'
import { MemoryJobQueue } from '../queue/memory-job-queue.js'
import { Scheduler } from '../schedule/scheduler.js'
import { scheduleMetrics } from '../schedule/schedule-metrics.js'
import { realScheduleTimers } from '../schedule/schedule-timers.js'
import { JOBS_PLUGIN_OPTIONS } from './connect-job-queue.js'
import { provideJobsClient } from './jobs-client.js'
import { JOBS_HEALTH_CHECK, jobsHealthCheck, type JobsHealthBus } from './jobs-health.js'
import { jobMetrics, type JobMetrics, type JobMetricsSink } from './job-metrics.js'
import { resolveMetricsSink } from '../metrics-sink.js'
import { DEFAULT_JOBS_BUS, resolveJobsOptions, type JobsOptions } from './jobs-options.js'
import { JobsHost, type AppJobs, type HostQueue } from './jobs-host.js'
import { loadJobs } from './load-jobs.js'
import { loadSchedules, scheduleLockOf } from './load-schedules.js'
import { setupOutbox, type PluginOutbox } from './jobs-outbox.js'

/** Options only the JetStream queue understands (refused when the queue is the in-process one). */
const MEMORY_QUEUE_KEYS = new Set(['runTimeoutMs', 'duplicateWindowMs', 'stopTimeoutMs'])

/**
 * The JetStream queue on the app's `nats` bus adapter; without one (no adapter under that alias, or a
 * `memory` bus), the in-process {@link MemoryJobQueue}: jobs then run in the process that enqueued
 * them, lost at exit (a warning says so under NODE_ENV=production), made on first use: an app that
 * never enqueues gets neither the queue nor the warning.
 */
function queueOf(
  api: PluginApi,
  options: JobsOptions['queue'],
  metricsOf: (queue: string) => JobMetrics,
): HostQueue & {
  readonly nats?: { readonly bus: JobsHealthBus; readonly stream: string }
  readonly metrics: JobMetrics
} {
  const { bus: alias = DEFAULT_JOBS_BUS, ...config } = options ?? {}
  let bus: unknown
  try {
    bus = api.adapter<unknown>(alias)
  } catch {
    bus = undefined
  }
  if (typeof bus === 'object' && bus !== null && 'native' in bus) {
    const queue = new MegaJobQueue({ ...config, nc: (bus as { native: never }).native })
    const metrics = metricsOf(queue.config.streamPrefix)
    metrics.watch(queue)
    const nats = { bus: bus as JobsHealthBus, stream: queue.config.streamPrefix }
    return { queue: () => queue, inProcess: false, nats, metrics }
  }
  const natsOnly = Object.keys(config).filter((key) => !MEMORY_QUEUE_KEYS.has(key))
  if (natsOnly.length > 0)
    throw jobsError(
      'MEGA_JOBS_OPTIONS_INVALID',
      `jobs({ queue }): ${natsOnly.join(', ')} ${natsOnly.length === 1 ? 'is an option' : 'are options'} of the JetStream queue, and there is no nats bus "${alias}" (jobs run in process): add adapters.${alias} = { driver: 'nats', url: env('NATS_URL') }, or remove ${natsOnly.length === 1 ? 'it' : 'them'}.`,
    )
  let memory: MemoryJobQueue | undefined
  const metrics = metricsOf('memory')
  const make = () => {
    const made = new MemoryJobQueue(config)
    metrics.watch(made)
    return made
  }
  return { queue: () => (memory ??= make()), inProcess: true, metrics }
}

/**
 * Jobs for Mega apps. Loads each app's `apps/<app>/jobs/*-job.ts` (`MegaJob` classes) and
 * `apps/<app>/schedules/*-schedule.ts` at boot (a bad one fails the boot with `MEGA_JOB_INVALID` or
 * `MEGA_SCHEDULE_INVALID`); gives every request `ctx.jobs.enqueue(Job, payload)` on a JetStream
 * queue over the app's `nats` bus adapter, where `mega worker` consumes the jobs (without one, on an
 * in-process queue the same process consumes); `mega worker` also runs the schedules (or,
 * with `schedules.runIn: 'all'`, web processes run schedules too), each tick once across every
 * process through the lock adapter. Stops them at close, after HTTP and WebSockets, before the
 * adapters disconnect.
 *
 * @example
 * // mega.config.ts
 * export default defineConfig({
 *   adapters: {
 *     bus: { driver: 'nats', url: env('NATS_URL') },
 *     lock: { driver: 'redis', url: env('REDIS_URL') },
 *   },
 *   plugins: [jobs()],
 * })
 */
export function jobs(options: JobsOptions = {}): MegaPlugin {
  const o = resolveJobsOptions(options)
  let host: JobsHost | undefined
  let outbox: PluginOutbox | undefined
  let unregister = (): void => undefined
  const plugin: MegaPlugin & { readonly [JOBS_PLUGIN_OPTIONS]: JobsOptions } = {
    [JOBS_PLUGIN_OPTIONS]: options,
    name: 'jobs',
    async setup(api) {
      const metrics = scheduleMetrics()
      const schedulers: Scheduler[] = []
      const appJobs: AppJobs[] = []
      for (const app of api.apps) {
        const jobs = await loadJobs(app)
        if (jobs.length > 0) appJobs.push({ app: app.name, scope: app.scope, jobs })
      }
      const sink = api.metrics ?? (resolveMetricsSink(undefined) as JobMetricsSink | undefined)
      const queue = queueOf(api, options.queue, (name) => jobMetrics(sink, name))
      if (options.outbox !== undefined) outbox = await setupOutbox(api, options.outbox, queue.queue)
      provideJobsClient(api, queue.queue, outbox?.writerFor, (r) => queue.metrics.enqueued(r))
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
      const created = new JobsHost(schedulers, api.log, appJobs, queue)
      host = created
      created.attach(api.fastify)
      const { nats } = queue
      if (nats !== undefined) {
        api.health.register(
          JOBS_HEALTH_CHECK,
          jobsHealthCheck(nats.bus, nats.stream, () => created.consumers),
        )
        unregister = () => api.health.unregister(JOBS_HEALTH_CHECK)
      }
      if (o.runIn === 'all') api.fastify.addHook('onListen', async () => created.startSchedules())
      // An in-process queue's jobs run where they are enqueued: every process consumes its own.
      if (queue.inProcess) api.fastify.addHook('onReady', () => created.startJobs())
    },
    teardown: async () => {
      unregister()
      await outbox?.stop()
      await host?.stop()
    },
  }
  return definePlugin(plugin)
}
