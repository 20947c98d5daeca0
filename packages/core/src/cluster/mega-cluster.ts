import nodeCluster from 'node:cluster'
import { availableParallelism } from 'node:os'
import { type MegaError } from '@mega/observe'
import { parseOptions } from '@mega/observe/internal'
import { z } from 'zod'
import { CORE_ERRORS } from '../errors.js'

/** How long workers may take to exit after a shutdown signal before they get SIGKILL. */
export const DEFAULT_CLUSTER_GRACE_PERIOD_MS = 30_000
/** How many rapid crashes inside the sliding window make the primary give up. */
export const DEFAULT_MAX_RAPID_RESPAWN = 5
/** A worker that dies younger than this (ms) counts as a rapid crash. */
export const DEFAULT_MIN_RESPAWN_INTERVAL_MS = 1000
/** How long a rolling restart waits for a new worker to listen or report ready. */
export const DEFAULT_WORKER_READY_TIMEOUT_MS = 30_000
/** The message every worker receives when it must shut down gracefully. */
export const CLUSTER_SHUTDOWN_MESSAGE = Object.freeze({ type: 'mega:cluster:shutdown' } as const)
/** The message a worker may send to report it is ready (besides its first `listening` event). */
export const CLUSTER_READY_MESSAGE = Object.freeze({ type: 'mega:cluster:ready' } as const)
/** How each worker's turn of a rolling restart ended. */
export const ROLLING_RESTART_STATUSES = [
  'replaced',
  'ready-timeout',
  'exited-before-ready',
  'gone',
  'skipped',
] as const
/** One of {@link ROLLING_RESTART_STATUSES}. */
export type RollingRestartStatus = (typeof ROLLING_RESTART_STATUSES)[number]

/** A worker as the primary handles it: the slice of `node:cluster`'s `Worker` the cluster calls. */
export interface ClusterWorker {
  readonly process: { readonly pid?: number | undefined }
  send(message: unknown): unknown
  kill(signal?: string): unknown
  disconnect(): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
}

/** The slice of `node:cluster` the cluster calls. */
export interface ClusterModule {
  readonly isPrimary: boolean
  fork(env?: Readonly<Record<string, string>>): ClusterWorker
  on(
    event: 'exit' | 'listening' | 'message',
    listener: (worker: ClusterWorker, ...args: unknown[]) => void,
  ): unknown
}

/** The slice of `process` the primary uses. */
export interface ClusterProcess {
  readonly pid: number
  on(event: 'SIGTERM' | 'SIGINT', listener: (signal: string) => void): unknown
  exit(code: number): void
}

/** Timers for the grace period and readiness waits (a test passes fake ones). */
export interface ClusterTimers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** Where the primary writes; every message already starts with `[mega-cluster]`. */
export interface ClusterLogger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

/** Configuration of {@link MegaCluster}. */
export interface MegaClusterConfig {
  /**
   * How many workers to run; `'auto'` means `availableParallelism()`.
   * @default 'auto'
   */
  readonly workers?: number | 'auto'
  /**
   * Replace a worker that exits outside shutdown (with crash-loop detection).
   * @default true
   */
  readonly respawn?: boolean
  /**
   * How long workers may take to exit after a shutdown before they get SIGKILL (ms).
   * @default 30000
   */
  readonly gracePeriodMs?: number
  /**
   * Rapid crashes inside the window that make the primary exit 1.
   * @default 5
   */
  readonly maxRapidRespawn?: number
  /**
   * A worker dying younger than this (ms) is a rapid crash; the window is this × maxRapidRespawn × 2.
   * @default 1000
   */
  readonly minRespawnIntervalMs?: number
  /**
   * Extra environment variables for every worker.
   * @default {}
   */
  readonly env?: Readonly<Record<string, string>>
  /**
   * The cluster module.
   * @default node:cluster
   */
  readonly cluster?: ClusterModule
  /**
   * The primary's process (signals, exit).
   * @default globalThis.process
   */
  readonly process?: ClusterProcess
  /**
   * The clock for worker lifetimes.
   * @default Date
   */
  readonly clock?: { now(): number }
  /**
   * Timers for the grace period and readiness waits.
   * @default the global setTimeout / clearTimeout
   */
  readonly timers?: ClusterTimers
  /**
   * Where the primary logs.
   * @default console
   */
  readonly logger?: ClusterLogger
  /**
   * What `workers: 'auto'` resolves to.
   * @default os.availableParallelism
   */
  readonly availableParallelism?: () => number
}

/** Options of {@link MegaCluster.rollingRestart}. */
export interface RollingRestartOptions {
  /**
   * How long a new worker may take to listen (or send {@link CLUSTER_READY_MESSAGE}) (ms).
   * @default 30000
   */
  readonly readyTimeoutMs?: number
}

/** How one worker's turn of a rolling restart ended. */
export interface RollingRestartResult {
  /** The pid of the worker to replace. */
  readonly oldPid: number | undefined
  /** The pid of its replacement, when one was forked. */
  readonly newPid?: number | undefined
  readonly status: RollingRestartStatus
}

type Role = 'serving' | 'candidate' | 'retiring'
type ReadyOutcome = 'ready' | 'ready-timeout' | 'exited-before-ready' | 'shutdown'
interface WorkerState {
  readonly birthAt: number
  role: Role
  onReady?: () => void
  onExit?: () => void
}

const MAX_TIMER_MS = 2_147_483_647
const ms = z.number().int().positive().max(MAX_TIMER_MS)
const hasMethods = (value: unknown, names: readonly string[]): boolean =>
  typeof value === 'object' &&
  value !== null &&
  names.every((n) => typeof (value as Record<string, unknown>)[n] === 'function')
const seam = <T>(names: readonly string[]) =>
  z.custom<T>((v) => hasMethods(v, names), `expected an object with ${names.join(', ')}`).optional()

const configSchema = z.strictObject({
  workers: z.union([z.number().int().positive(), z.literal('auto')]).default('auto'),
  respawn: z.boolean().default(true),
  gracePeriodMs: ms.default(DEFAULT_CLUSTER_GRACE_PERIOD_MS),
  maxRapidRespawn: z.number().int().positive().default(DEFAULT_MAX_RAPID_RESPAWN),
  minRespawnIntervalMs: ms.default(DEFAULT_MIN_RESPAWN_INTERVAL_MS),
  env: z.record(z.string(), z.string()).default({}),
  cluster: seam<ClusterModule>(['fork', 'on']),
  process: seam<ClusterProcess>(['on', 'exit']),
  clock: seam<{ now(): number }>(['now']),
  timers: seam<ClusterTimers>(['setTimeout', 'clearTimeout']),
  logger: seam<ClusterLogger>(['info', 'warn', 'error']),
  availableParallelism: z.custom<() => number>((v) => typeof v === 'function').optional(),
})
const restartSchema = z.strictObject({
  readyTimeoutMs: ms.default(DEFAULT_WORKER_READY_TIMEOUT_MS),
})

const REAL_TIMERS: ClusterTimers = {
  setTimeout: (callback, delay) => setTimeout(callback, delay),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}
const PREFIX = '[mega-cluster]'

function isMessage(message: unknown, type: string): boolean {
  return (
    typeof message === 'object' && message !== null && 'type' in message && message.type === type
  )
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
    this.#cluster.on('message', (worker, message) => {
      if (isMessage(message, CLUSTER_READY_MESSAGE.type)) this.#workers.get(worker)?.onReady?.()
    })
    for (const signal of ['SIGTERM', 'SIGINT'] as const)
      this.#process.on(signal, () => this.#onSignal(signal))
    this.#info(`primary ${this.#process.pid} starting ${this.#size} worker(s)`)
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
    const worker = this.#cluster.fork(this.#config.env)
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

/** The slice of a worker's `process` that {@link onClusterShutdown} uses. */
export interface ClusterWorkerProcess {
  on(event: 'message', listener: (message: unknown) => void): unknown
  removeListener(event: 'message', listener: (message: unknown) => void): unknown
}

/**
 * In a worker, runs `fn` once when the primary broadcasts {@link CLUSTER_SHUTDOWN_MESSAGE}. A
 * rejection of `fn` is left unhandled (the process's own handler reports it). Returns a function
 * that removes the listener.
 *
 * @example
 * const runtime = await boot({ root: import.meta.dirname })
 * onClusterShutdown(process, () => runtime.close())
 */
export function onClusterShutdown(proc: ClusterWorkerProcess, fn: () => unknown): () => void {
  const listener = (message: unknown) => {
    if (!isMessage(message, CLUSTER_SHUTDOWN_MESSAGE.type)) return
    proc.removeListener('message', listener)
    void Promise.resolve().then(fn)
  }
  proc.on('message', listener)
  return () => void proc.removeListener('message', listener)
}
