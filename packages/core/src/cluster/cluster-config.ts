// The options, seams and wire messages of MegaCluster (mega-cluster.ts), shared with the worker side.
import { z } from 'zod'

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

/** Who accepts connections, `'os'` or `'primary'`: see {@link MegaClusterConfig.scheduling}. */
export const CLUSTER_SCHEDULINGS = ['os', 'primary'] as const
/** One of {@link CLUSTER_SCHEDULINGS}. */
export type ClusterScheduling = (typeof CLUSTER_SCHEDULINGS)[number]
/** Set in every worker's environment by {@link MegaCluster}: `boot()` then talks to the primary. */
export const CLUSTER_WORKER_ENV = 'MEGA_CLUSTER_WORKER'

/** A worker as the primary handles it: the slice of `node:cluster`'s `Worker` the cluster calls. */
export interface ClusterWorker {
  /** The cluster's id of the worker (`worker` in logs and metrics); the pid when absent. */
  readonly id?: number
  readonly process: { readonly pid?: number | undefined }
  send(message: unknown): unknown
  kill(signal?: string): unknown
  disconnect(): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
}

/** The slice of `node:cluster` the cluster calls. */
export interface ClusterModule {
  readonly isPrimary: boolean
  /** Who accepts connections (`node:cluster`'s policy, frozen at the first fork). */
  schedulingPolicy?: number
  readonly SCHED_NONE?: number
  readonly SCHED_RR?: number
  fork(env?: Readonly<Record<string, string>>): ClusterWorker
  on(
    event: 'exit' | 'listening' | 'message',
    listener: (worker: ClusterWorker, ...args: unknown[]) => void,
  ): unknown
}

/** The slice of `process` the primary uses. */
export interface ClusterProcess {
  readonly pid: number
  on(event: 'SIGTERM' | 'SIGINT' | 'SIGHUP', listener: (signal: string) => void): unknown
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
   * Who accepts connections: `'os'` — every worker accepts on the one shared listening socket, so a
   * connection waits in the kernel's queue until a live worker takes it (nothing is lost when a
   * worker exits or is killed); `'primary'` — Node's round-robin: the primary accepts and hands
   * each connection to a worker over IPC (even spread; a handoff to a worker that dies is lost, see
   * the README).
   * @default 'os'
   */
  readonly scheduling?: ClusterScheduling
  /**
   * Run a rolling restart when the primary receives SIGHUP.
   * @default false
   */
  readonly restartOnSighup?: boolean
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

const MAX_TIMER_MS = 2_147_483_647
const ms = z.number().int().positive().max(MAX_TIMER_MS)
const hasMethods = (value: unknown, names: readonly string[]): boolean =>
  typeof value === 'object' &&
  value !== null &&
  names.every((n) => typeof (value as Record<string, unknown>)[n] === 'function')
const seam = <T>(names: readonly string[]) =>
  z.custom<T>((v) => hasMethods(v, names), `expected an object with ${names.join(', ')}`).optional()

export const configSchema = z.strictObject({
  workers: z.union([z.number().int().positive(), z.literal('auto')]).default('auto'),
  respawn: z.boolean().default(true),
  scheduling: z.enum(CLUSTER_SCHEDULINGS).default('os'),
  restartOnSighup: z.boolean().default(false),
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
export const restartSchema = z.strictObject({
  readyTimeoutMs: ms.default(DEFAULT_WORKER_READY_TIMEOUT_MS),
})

export const REAL_TIMERS: ClusterTimers = {
  setTimeout: (callback, delay) => setTimeout(callback, delay),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}
export const PREFIX = '[mega-cluster]'

export function isMessage(message: unknown, type: string): boolean {
  return (
    typeof message === 'object' && message !== null && 'type' in message && message.type === type
  )
}
