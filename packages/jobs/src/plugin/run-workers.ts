import { boot, type BootOptions, type MegaRuntime } from '@mega/core'
import { jobsError } from '../errors.js'
import { JobsHost } from './jobs-host.js'

/** Options of {@link runWorkers}. */
export interface RunWorkersOptions {
  /** The project root (mega.config, `.env`, `apps/`). */
  readonly root: string
  /** Close on SIGTERM/SIGINT through the shutdown coordinator, then exit. @default true */
  readonly signals?: boolean
  /** Load `.ts` app files (`mega worker` runs under a TypeScript loader). @default true */
  readonly typescript?: boolean
  /** Other boot options (a config in code, extra plugins, drivers, a shutdown coordinator...). */
  readonly boot?: Omit<BootOptions, 'root' | 'listen' | 'signals' | 'typescript'>
}

/** A running worker process: what {@link runWorkers} resolves. */
export interface MegaWorkers {
  /** The booted app (no HTTP listener). */
  readonly runtime: MegaRuntime
  /** `<schedule>` names of every app's schedules running here. */
  readonly schedules: readonly string[]
  /** `<app>:<subject>` of every job consumed here. */
  readonly jobs: readonly string[]
  /** Stops schedules (running ticks finish within their bound), services, then adapters. */
  close(): Promise<void>
}

/**
 * What `mega worker` runs: boots the app at `root` without listening on HTTP, starts a consumer for
 * each of its `apps/<app>/jobs/*-job.ts` and its schedules (the jobs() plugin must be in its plugins)
 * and, with `signals`, stops gracefully on SIGTERM or SIGINT (running jobs and ticks finish within
 * their bounds).
 *
 * @example
 * const workers = await runWorkers({ root: process.cwd() })
 */
export async function runWorkers(options: RunWorkersOptions): Promise<MegaWorkers> {
  const runtime = await boot({
    ...options.boot,
    root: options.root,
    listen: false,
    signals: options.signals ?? true,
    typescript: options.typescript ?? true,
  })
  const host = JobsHost.of(runtime.server.fastify)
  if (host === undefined) {
    await runtime.close()
    throw jobsError(
      'MEGA_JOBS_NOT_INSTALLED',
      'mega worker runs what the jobs() plugin loads: add jobs() from @mega/jobs to plugins in mega.config.ts.',
    )
  }
  try {
    await host.startJobs()
  } catch (err) {
    await runtime.close()
    throw err
  }
  host.startSchedules()
  runtime.log.info({ schedules: host.schedules, jobs: host.jobs }, 'mega worker started')
  return { runtime, schedules: host.schedules, jobs: host.jobs, close: () => runtime.close() }
}
