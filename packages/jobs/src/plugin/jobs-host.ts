import type { PluginApi } from '@mega/core'
import type { Scheduler } from '../schedule/scheduler.js'

type FastifyInstance = PluginApi['fastify']
type FastifyBaseLogger = PluginApi['log']

const HOST = Symbol.for('mega.jobs.host')
type WithHost = FastifyInstance & { [HOST]?: JobsHost }

/**
 * What the jobs() plugin runs in one server: the schedulers of its apps (the JetStream consumers
 * join here). `runWorkers` finds it on the booted server and starts it.
 */
export class JobsHost {
  readonly #schedulers: readonly Scheduler[]
  readonly #log: FastifyBaseLogger
  #started = false

  constructor(schedulers: readonly Scheduler[], log: FastifyBaseLogger) {
    this.#schedulers = schedulers
    this.#log = log
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

  /** Stops the schedules, letting running ticks finish within their bound. */
  async stop(): Promise<void> {
    await Promise.all(this.#schedulers.map((s) => s.stop()))
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
