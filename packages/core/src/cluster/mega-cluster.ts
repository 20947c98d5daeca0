import nodeCluster from 'node:cluster'
import { availableParallelism } from 'node:os'
import { type MegaError } from '@mega/observe'
import { parseOptions } from '@mega/observe/internal'
import type { z } from 'zod'
import { CORE_ERRORS } from '../errors.js'
import {
  CLUSTER_READY_MESSAGE,
  CLUSTER_SHUTDOWN_MESSAGE,
  CLUSTER_WORKER_ENV,
  PREFIX,
  REAL_TIMERS,
  configSchema,
  isMessage,
  restartSchema,
  type ClusterLogger,
  type ClusterModule,
  type ClusterProcess,
  type ClusterTimers,
  type ClusterWorker,
  type MegaClusterConfig,
  type RollingRestartOptions,
  type RollingRestartResult,
} from './cluster-config.js'
import { STOPPED_ACCEPTING, STOPPED_ACCEPTING_ACK } from './cluster-messages.js'
import { ClusterQueries } from './cluster-queries.js'

// The int-test fixture loads this one transpiled module: it needs the worker side too.
export { onClusterShutdown, type ClusterWorkerProcess } from './cluster-worker.js'

type Role = 'serving' | 'candidate' | 'retiring'
type ReadyOutcome = 'ready' | 'ready-timeout' | 'exited-before-ready' | 'shutdown'
interface WorkerState {
  readonly birthAt: number
  role: Role
  onReady?: () => void
  onExit?: () => void
}

/**
 * A primary/worker process cluster on `node:cluster`: forks the workers, replaces crashed ones
 * (exiting 1 on a crash loop), fans a graceful shutdown out to every worker on SIGTERM/SIGINT,
 * and replaces workers one at a time without losing capacity ({@link MegaCluster.rollingRestart}).
 */
export class MegaCluster {
  readonly #config: Readonly<z.output<typeof configSchema>>
  readonly #cluster: ClusterModule
  readonly #process: ClusterProcess
  readonly #clock: { now(): number }
  readonly #timers: ClusterTimers
  readonly #logger: ClusterLogger
  readonly #size: number
  readonly #workers = new Map<ClusterWorker, WorkerState>()
  #rapidCrashTimes: number[] = []
  #graceTimer: unknown
  #started = false
  #shuttingDown = false
  #rolling = false
  #exited = false
  #abortReadyWait: (() => void) | undefined
  readonly #queries = new ClusterQueries(
    () => this.#withRole('serving'),
    () => this.#shuttingDown,
  )

  constructor(config: MegaClusterConfig = {}) {
    const parsed = parseOptions(configSchema, config, 'cluster config')
    this.#config = parsed
    this.#cluster = parsed.cluster ?? nodeCluster
    this.#process = parsed.process ?? process
    this.#clock = parsed.clock ?? Date
    this.#timers = parsed.timers ?? REAL_TIMERS
    this.#logger = parsed.logger ?? console
    const auto = parsed.availableParallelism ?? availableParallelism
    this.#size = parsed.workers === 'auto' ? Math.max(1, auto()) : parsed.workers
  }

  /** How many workers the primary keeps running (`workers`, with `'auto'` resolved). */
  get size(): number {
    return this.#size
  }

  /** The workers alive now, including ones being started or retired by a rolling restart. */
  get workers(): readonly ClusterWorker[] {
    return [...this.#workers.keys()]
  }

  /** Whether a SIGTERM/SIGINT shutdown has begun. */
  get shuttingDown(): boolean {
    return this.#shuttingDown
  }

  /**
   * On the primary, forks the workers and installs the SIGTERM/SIGINT handlers; in a worker, runs
   * `workerFn` (the app boot) and resolves with it.
   *
   * @throws MegaError `MEGA_CLUSTER_INVALID_STATE` when called twice.
   * @example
   * await createCluster({ workers: 'auto' }).start(() => boot({ root: import.meta.dirname }))
   */
  async start(workerFn: () => unknown): Promise<void> {
    if (this.#started)
      throw stateError('start() was already called: create one cluster per process.')
    this.#started = true
    if (!this.#cluster.isPrimary) {
      await workerFn()
      return
    }
    this.#cluster.on('exit', (worker, code, signal) =>
      this.#onExit(worker, code as number | null, signal as string | null),
    )
    this.#cluster.on('listening', (worker) => this.#workers.get(worker)?.onReady?.())
    this.#cluster.on('message', (worker, message) => this.#onMessage(worker, message))
    for (const signal of ['SIGTERM', 'SIGINT'] as const)
      this.#process.on(signal, () => this.#onSignal(signal))
    if (this.#config.restartOnSighup) this.#process.on('SIGHUP', () => this.#onSighup())
    this.#applyScheduling()
    this.#info(
      `primary ${this.#process.pid} starting ${this.#size} worker(s), scheduling ${this.#config.scheduling}`,
    )
    for (let i = 0; i < this.#size; i += 1) this.#forkWorker('serving')
  }

  /**
   * Replaces every worker, one at a time: forks a new worker, waits until it listens (or sends
   * {@link CLUSTER_READY_MESSAGE}), then shuts the old one down gracefully and waits for its exit
   * before the next. Capacity never drops below `size`. When a new worker is not ready in time it
   * is killed, the old one is kept, and the rollout stops (the rest are `skipped`).
   *
   * @throws MegaError `MEGA_CLUSTER_INVALID_STATE` outside a started primary, during shutdown, or
   * while another rolling restart runs.
   * @example
   * const results = await cluster.rollingRestart({ readyTimeoutMs: 10_000 })
   * if (results.some((r) => r.status !== 'replaced')) console.warn(results)
   */
  async rollingRestart(options: RollingRestartOptions = {}): Promise<RollingRestartResult[]> {
    const { readyTimeoutMs } = parseOptions(restartSchema, options, 'rollingRestart options')
    this.#assertCanRoll()
    this.#rolling = true
    try {
      const results: RollingRestartResult[] = []
      for (const old of [...this.#workers.keys()]) {
        const stop = results.some((r) => r.status !== 'replaced' && r.status !== 'gone')
        results.push(
          stop || this.#shuttingDown ? skipped(old) : await this.#replace(old, readyTimeoutMs),
        )
      }
      return results
    } finally {
      this.#rolling = false
    }
  }

  #onMessage(worker: ClusterWorker, message: unknown): void {
    if (isMessage(message, CLUSTER_READY_MESSAGE.type)) this.#workers.get(worker)?.onReady?.()
    // Node's own `close` of the worker's listening handle was sent before this message on the same
    // channel: once it is handled, every connection handed to the worker before it has been sent.
    else if (isMessage(message, STOPPED_ACCEPTING))
      this.#send(worker, { type: STOPPED_ACCEPTING_ACK })
    else this.#queries.handle(worker, message)
  }

  /** Sets node:cluster's policy before the first fork (Node freezes it then). */
  #applyScheduling(): void {
    const { SCHED_NONE, SCHED_RR } = this.#cluster
    const policy = this.#config.scheduling === 'os' ? SCHED_NONE : SCHED_RR
    if (policy !== undefined) this.#cluster.schedulingPolicy = policy
  }

  #onSighup(): void {
    if (this.#shuttingDown) return this.#info('SIGHUP received: shutting down, no restart')
    if (this.#rolling) return this.#info('SIGHUP received: a rolling restart is already running')
    this.#info(`SIGHUP received: rolling restart of ${this.#size} worker(s)`)
    this.rollingRestart().then(
      (results) => this.#info(`rolling restart done: ${JSON.stringify(results)}`),
      (error: unknown) => this.#warn(`rolling restart failed: ${describe(error)}`),
    )
  }

  #withRole(role: Role): ClusterWorker[] {
    return [...this.#workers].filter(([, state]) => state.role === role).map(([worker]) => worker)
  }

  #send(worker: ClusterWorker, message: unknown): void {
    try {
      worker.send(message)
    } catch (error) {
      this.#warn(`could not message worker ${worker.process.pid}: ${describe(error)}`)
    }
  }

  #assertCanRoll(): void {
    if (!this.#started || !this.#cluster.isPrimary)
      throw stateError('rollingRestart() runs on a started primary: call start() first.')
    if (this.#shuttingDown) throw stateError('The cluster is shutting down: nothing to restart.')
    if (this.#rolling) throw stateError('A rolling restart is already running: await it first.')
  }

  async #replace(old: ClusterWorker, readyTimeoutMs: number): Promise<RollingRestartResult> {
    const oldPid = old.process.pid
    if (this.#workers.get(old)?.role !== 'serving') return { oldPid, status: 'gone' }
    const fresh = this.#forkWorker('candidate')
    const newPid = fresh.process.pid
    const outcome = await this.#waitReady(fresh, readyTimeoutMs)
    if (outcome === 'shutdown' || this.#shuttingDown) return { oldPid, newPid, status: 'skipped' }
    if (outcome !== 'ready') {
      this.#warn(`worker ${newPid} did not become ready (${outcome}): keeping worker ${oldPid}`)
      if (outcome === 'ready-timeout') this.#kill(fresh, 'SIGKILL')
      return { oldPid, newPid, status: outcome }
    }
    if (!this.#workers.has(old)) {
      await this.#retire(fresh) // the old one crashed meanwhile and was respawned: one too many
      return { oldPid, newPid, status: 'gone' }
    }
    const state = this.#workers.get(fresh)
    if (state) state.role = 'serving'
    await this.#retire(old)
    this.#info(`worker ${oldPid} replaced by worker ${newPid}`)
    return { oldPid, newPid, status: 'replaced' }
  }

  #waitReady(worker: ClusterWorker, timeoutMs: number): Promise<ReadyOutcome> {
    return new Promise((resolve) => {
      const state = this.#workers.get(worker)
      if (!state) return resolve('exited-before-ready')
      const settle = (outcome: ReadyOutcome) => {
        this.#timers.clearTimeout(timer)
        state.onReady = state.onExit = this.#abortReadyWait = undefined
        resolve(outcome)
      }
      const timer = this.#unrefTimer(() => settle('ready-timeout'), timeoutMs)
      state.onReady = () => settle('ready')
      state.onExit = () => settle('exited-before-ready')
      this.#abortReadyWait = () => settle('shutdown')
    })
  }

  /** Shuts a worker down gracefully and resolves when it has exited (SIGKILL after the grace). */
  async #retire(worker: ClusterWorker): Promise<void> {
    const state = this.#workers.get(worker)
    if (!state) return
    state.role = 'retiring'
    await new Promise<void>((resolve) => {
      const timer = this.#unrefTimer(
        () => this.#kill(worker, 'SIGKILL'),
        this.#config.gracePeriodMs,
      )
      state.onExit = () => {
        this.#timers.clearTimeout(timer)
        resolve()
      }
      this.#sendShutdown(worker, false)
    })
  }

  #forkWorker(role: Role): ClusterWorker {
    const worker = this.#cluster.fork({ ...this.#config.env, [CLUSTER_WORKER_ENV]: '1' })
    this.#workers.set(worker, { birthAt: this.#clock.now(), role })
    worker.on('error', (error) => this.#warn(`worker ${worker.process.pid}: ${error.message}`))
    this.#info(`forked worker ${worker.process.pid}`)
    return worker
  }

  #onSignal(signal: string): void {
    if (this.#shuttingDown) return this.#info(`${signal} received: already shutting down`)
    this.#shuttingDown = true
    const { gracePeriodMs } = this.#config
    this.#info(
      `${signal} received: shutting down ${this.#workers.size} worker(s), grace period ${gracePeriodMs} ms`,
    )
    this.#broadcastShutdown()
    this.#abortReadyWait?.()
    if (this.#workers.size === 0) return this.#exit(0)
    this.#graceTimer = this.#unrefTimer(() => this.#onGraceExpired(), gracePeriodMs)
  }

  #broadcastShutdown(): void {
    for (const worker of this.#workers.keys()) this.#sendShutdown(worker, true)
  }

  /**
   * Sends the shutdown message; on a full shutdown also `disconnect()`s, which makes Node close the
   * worker's servers (and their idle keep-alive connections) at once. A rolling restart only sends
   * the message, so the worker can finish its keep-alive connections without racing its clients.
   */
  #sendShutdown(worker: ClusterWorker, disconnect: boolean): void {
    try {
      worker.send(CLUSTER_SHUTDOWN_MESSAGE)
      if (disconnect) worker.disconnect()
    } catch (error) {
      this.#warn(`could not tell worker ${worker.process.pid} to shut down: ${describe(error)}`)
    }
  }

  #onGraceExpired(): void {
    this.#error(
      `grace period of ${this.#config.gracePeriodMs} ms passed with ${this.#workers.size} worker(s) left: killing them`,
    )
    for (const worker of this.#workers.keys()) this.#kill(worker, 'SIGKILL')
    this.#exit(1)
  }

  #onExit(worker: ClusterWorker, code: number | null, signal: string | null): void {
    const state = this.#workers.get(worker)
    if (!state) return
    this.#workers.delete(worker)
    this.#queries.forget(worker)
    state.onExit?.()
    const pid = worker.process.pid
    if (this.#shuttingDown) return this.#onShutdownExit(pid)
    if (state.role !== 'serving') return this.#info(`worker ${pid} exited (${state.role})`)
    if (!this.#config.respawn) return this.#onExitNoRespawn(pid, code, signal)
    this.#onCrash(pid, this.#clock.now() - state.birthAt, code, signal)
  }

  #onShutdownExit(pid: number | undefined): void {
    this.#info(`worker ${pid} exited during shutdown, ${this.#workers.size} left`)
    if (this.#workers.size > 0) return
    this.#timers.clearTimeout(this.#graceTimer)
    this.#graceTimer = undefined
    this.#info('all workers exited: primary exiting 0')
    this.#exit(0)
  }

  #onExitNoRespawn(pid: number | undefined, code: number | null, signal: string | null): void {
    this.#warn(`worker ${pid} exited (code ${code}, signal ${signal}); respawn is off`)
    if (this.#workers.size > 0) return
    const abnormal = code !== 0 || signal !== null
    this.#info(`no workers left: primary exiting ${abnormal ? 1 : 0}`)
    this.#exit(abnormal ? 1 : 0)
  }

  #onCrash(pid: number | undefined, lifetime: number, code: number | null, signal: string | null) {
    const { minRespawnIntervalMs: minMs, maxRapidRespawn: max } = this.#config
    const now = this.#clock.now()
    const windowMs = minMs * max * 2
    this.#rapidCrashTimes = this.#rapidCrashTimes.filter((at) => now - at <= windowMs)
    if (lifetime < minMs) this.#rapidCrashTimes.push(now)
    const rapid = this.#rapidCrashTimes.length
    if (rapid >= max) {
      this.#error(
        `crash loop: ${rapid} workers died within ${minMs} ms of starting in the last ${windowMs} ms (last exit code ${code}, signal ${signal}): primary exiting 1`,
      )
      return this.#exit(1)
    }
    this.#warn(
      `worker ${pid} exited (code ${code}, signal ${signal}) after ${lifetime} ms; rapid crashes ${rapid}/${max} in ${windowMs} ms: forking a replacement`,
    )
    this.#forkWorker('serving')
  }

  #kill(worker: ClusterWorker, signal: string): void {
    try {
      worker.kill(signal)
    } catch (error) {
      this.#warn(`could not ${signal} worker ${worker.process.pid}: ${describe(error)}`)
    }
  }

  #unrefTimer(callback: () => void, delayMs: number): unknown {
    const handle = this.#timers.setTimeout(callback, delayMs)
    ;(handle as { unref?: () => unknown } | undefined)?.unref?.()
    return handle
  }

  #exit(code: number): void {
    if (this.#exited) return
    this.#exited = true
    this.#process.exit(code)
  }

  #info(message: string): void {
    this.#logger.info(`${PREFIX} ${message}`)
  }

  #warn(message: string): void {
    this.#logger.warn(`${PREFIX} ${message}`)
  }

  #error(message: string): void {
    this.#logger.error(`${PREFIX} ${message}`)
  }
}

function skipped(worker: ClusterWorker): RollingRestartResult {
  return { oldPid: worker.process.pid, status: 'skipped' }
}

function stateError(message: string): MegaError {
  return CORE_ERRORS.create('MEGA_CLUSTER_INVALID_STATE', [message])
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Creates a {@link MegaCluster}.
 *
 * @throws MegaConfigError when an option is invalid (every problem listed).
 * @example
 * const cluster = createCluster({ workers: 4, gracePeriodMs: 10_000 })
 * await cluster.start(() => boot({ root: import.meta.dirname }))
 */
export function createCluster(config: MegaClusterConfig = {}): MegaCluster {
  return new MegaCluster(config)
}
