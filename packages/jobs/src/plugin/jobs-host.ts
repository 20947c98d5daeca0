import type { AppScope, PluginApi } from '@mega/core'
import type { JobProcessor } from '../queue/job-processor.js'
import type { JobQueue } from '../queue/job-queue-types.js'
import type { Scheduler } from '../schedule/scheduler.js'
import type { LoadedJob } from './load-jobs.js'

type FastifyInstance = PluginApi['fastify']
type FastifyBaseLogger = PluginApi['log']

const HOST = Symbol.for('mega.jobs.host')
type WithHost = FastifyInstance & { [HOST]?: JobsHost }

/** The jobs of one app: what its worker consumes, run with the app's scope as `ctx`. */
export interface AppJobs {
  readonly app: string
  readonly scope: AppScope
  readonly jobs: readonly LoadedJob[]
}

/** The queue the host consumes from; `inProcess` when it lives in this process only (memory). */
export interface HostQueue {
  /** The queue, made on first call. */
  readonly queue: () => JobQueue
  readonly inProcess: boolean
}

/**
 * What the jobs() plugin runs in one server: the schedulers and the job consumers of its apps.
 * `runWorkers` finds it on the booted server and starts both.
 */
export class JobsHost {
  readonly #schedulers: readonly Scheduler[]
  readonly #log: FastifyBaseLogger
  readonly #apps: readonly AppJobs[]
  readonly #queue: HostQueue | undefined
  readonly #processors: JobProcessor[] = []
  #started = false
  #jobsStarted: Promise<void> | undefined

  constructor(
    schedulers: readonly Scheduler[],
    log: FastifyBaseLogger,
    apps: readonly AppJobs[] = [],
    queue?: HostQueue,
  ) {
    this.#schedulers = schedulers
    this.#log = log
    this.#apps = apps
    this.#queue = queue
  }

  /** `<app>:<subject>` of every loaded job. */
  get jobs(): string[] {
    return this.#apps.flatMap((a) => a.jobs.map((j) => `${a.app}:${j.subject}`))
  }

  /**
   * Starts a consumer for every app's jobs (once), each `run` getting the app's scope as `ctx`
   * (services, log, adapters).
   */
  startJobs(): Promise<void> {
    this.#jobsStarted ??= this.#startJobs()
    return this.#jobsStarted
  }

  async #startJobs(): Promise<void> {
    if (this.jobs.length === 0 || this.#queue === undefined) return
    const queue = this.#queue.queue()
    for (const { scope, jobs } of this.#apps)
      for (const { JobClass } of jobs)
        this.#processors.push(await queue.process(JobClass, undefined, scope))
    this.#log.info({ jobs: this.jobs }, 'job consumers started')
  }

  /** The job subjects this process consumes (once `startJobs` started them). */
  get consumers(): string[] {
    return this.#processors.map((p) => p.subject)
  }

  /** `<app>:<schedule>` of every loaded schedule. */
  get schedules(): string[] {
    return this.#schedulers.flatMap((s) => s.names)
  }

  /** Starts every app's schedules (once). */
  startSchedules(): void {
    if (this.#started) return
    this.#started = true
    for (const scheduler of this.#schedulers) scheduler.start()
    if (this.#schedulers.length > 0)
      this.#log.info({ schedules: this.schedules }, 'schedules started')
  }

  /** Stops the schedules and the job consumers, letting running ticks and jobs finish within their bounds. */
  async stop(): Promise<void> {
    await this.#jobsStarted?.catch(() => undefined)
    await Promise.all([
      ...this.#schedulers.map((s) => s.stop()),
      ...this.#processors.splice(0).map((p) => p.stop()),
    ])
  }

  /** Puts the host on the server, for {@link JobsHost.of}. */
  attach(fastify: FastifyInstance): void {
    ;(fastify as WithHost)[HOST] = this
  }

  /** The host the jobs() plugin put on this server, if any. */
  static of(fastify: FastifyInstance): JobsHost | undefined {
    return (fastify as WithHost)[HOST]
  }
}
