import { z } from 'zod'
import { type MegaError, OBSERVE_ERRORS } from './errors.js'
import { parseOptions } from './internal/zod-issues.js'
import { describeValue } from './internal/describe-value.js'
import { REAL_TIMERS, settleWithin, type TimerSeam } from './internal/settle-within.js'

/** How long one shutdown hook may run before it is abandoned and the next one starts. */
export const DEFAULT_GRACE_PERIOD_MS = 30_000
/** How long the whole shutdown may take before the process exits regardless. */
export const DEFAULT_HARD_KILL_MS = 60_000
/** The signals {@link ShutdownCoordinator.setupSignals} listens to unless told otherwise. */
export const DEFAULT_SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const

/**
 * Exit codes the coordinator chooses itself: `hookFailed` replaces a requested 0 when a hook threw
 * or timed out; `hardKill` when the hard-kill bound ends shutdown (GNU `timeout`'s code, distinct
 * from a real SIGKILL's 137); `forced` when a second signal arrives during shutdown (128 + SIGINT).
 */
export const SHUTDOWN_EXIT_CODES = Object.freeze({
  hookFailed: 1,
  hardKill: 124,
  forced: 130,
} as const)

/** How one shutdown hook ended. */
export const SHUTDOWN_HOOK_STATUSES = ['ok', 'failed', 'timeout'] as const
/** One of {@link SHUTDOWN_HOOK_STATUSES}. */
export type ShutdownHookStatus = (typeof SHUTDOWN_HOOK_STATUSES)[number]

/** How a shutdown ended: every hook ran, the hard-kill bound fired, or a second signal forced it. */
export const SHUTDOWN_OUTCOMES = ['completed', 'hard-kill', 'forced'] as const
/** One of {@link SHUTDOWN_OUTCOMES}. */
export type ShutdownOutcome = (typeof SHUTDOWN_OUTCOMES)[number]

/** A process listener as the coordinator installs it. */
export type ProcessListener = (...args: unknown[]) => void

/** The slice of `process` the coordinator uses. */
export interface ShutdownProcess {
  on(event: string, listener: ProcessListener): unknown
  removeListener(event: string, listener: ProcessListener): unknown
  exit(code: number): void
}

/** Log levels the coordinator writes. */
export const SHUTDOWN_LOG_LEVELS = ['fatal', 'error', 'info'] as const
/** One of {@link SHUTDOWN_LOG_LEVELS}. */
export type ShutdownLogLevel = (typeof SHUTDOWN_LOG_LEVELS)[number]

/** A pino-style logger: `(fields, message)` per level. */
export type ShutdownLogger = Record<
  ShutdownLogLevel,
  (fields: Record<string, unknown>, message: string) => void
>

/** What a hook is told when it runs. */
export interface ShutdownHookContext {
  /** The signal or event that started shutdown (`SIGTERM`, `unhandledRejection`, `manual`). */
  readonly signal: string
}

/** A cleanup hook: may return a promise, which is awaited up to the grace period. */
export type ShutdownHook = (context: ShutdownHookContext) => unknown

/** How one hook ended. */
export interface ShutdownHookResult {
  readonly name: string
  readonly status: ShutdownHookStatus
  /** What the hook threw, or a `MEGA_SHUTDOWN_HOOK_TIMEOUT` MegaError. */
  readonly error?: unknown
}

/** What {@link ShutdownCoordinator.now} resolves with (just before the process exits). */
export interface ShutdownReport {
  readonly signal: string
  readonly outcome: ShutdownOutcome
  readonly exitCode: number
  /** The hooks that finished, in the order they ran. */
  readonly hooks: readonly ShutdownHookResult[]
}

/** Seams of {@link createShutdown}. */
export interface ShutdownConfig {
  /**
   * The process to listen on and exit.
   * @default globalThis.process
   */
  readonly process?: ShutdownProcess
  /**
   * Timers for the grace period and the hard-kill bound.
   * @default the global setTimeout / clearTimeout
   */
  readonly timers?: TimerSeam
  /**
   * Where failures and progress are logged.
   * @default `console.error`, prefixed `[mega-shutdown]`
   */
  readonly logger?: ShutdownLogger
}

/** Options of {@link ShutdownCoordinator.setupSignals}. */
export interface SetupSignalsOptions {
  /**
   * How long each hook may run before it is abandoned (positive integer, ms).
   * @default 30000
   */
  readonly gracePeriodMs?: number
  /**
   * How long the whole shutdown may run before the process exits with code 124 (positive integer, ms).
   * @default 60000
   */
  readonly hardKillMs?: number
  /**
   * Signals that start a graceful shutdown with exit code 0.
   * @default ['SIGTERM', 'SIGINT']
   */
  readonly signals?: readonly string[]
  /**
   * Also install the `unhandledRejection` / `uncaughtException` handlers.
   * @default true
   */
  readonly globalErrorHandlers?: boolean
}

/** Options of {@link ShutdownCoordinator.setupGlobalErrorHandlers}. */
export interface GlobalErrorHandlersOptions {
  /**
   * Exit code after an unhandled rejection or uncaught exception (0–255).
   * @default 1
   */
  readonly exitCode?: number
}

/** Options of {@link ShutdownCoordinator.now}. */
export interface ShutdownNowOptions {
  /**
   * What started shutdown, passed to hooks and logs.
   * @default 'manual'
   */
  readonly signal?: string
  /**
   * Exit code when every hook succeeds (0–255); a failed hook turns 0 into 1.
   * @default 0
   */
  readonly exitCode?: number
}

const MAX_TIMER_MS = 2_147_483_647
const ms = z.number().int().positive().max(MAX_TIMER_MS)
const exitCode = z.number().int().min(0).max(255)
const isFn = (value: unknown): boolean => typeof value === 'function'
const hasMethods = (value: unknown, names: readonly string[]): boolean =>
  typeof value === 'object' &&
  value !== null &&
  names.every((n) => isFn((value as Record<string, unknown>)[n]))

const configSchema = z.strictObject({
  process: z
    .custom<ShutdownProcess>(
      (v) => hasMethods(v, ['on', 'removeListener', 'exit']),
      'expected an object with on, removeListener and exit',
    )
    .optional(),
  timers: z
    .custom<TimerSeam>(
      (v) => hasMethods(v, ['setTimeout', 'clearTimeout']),
      'expected setTimeout and clearTimeout',
    )
    .optional(),
  logger: z
    .custom<ShutdownLogger>(
      (v) => hasMethods(v, SHUTDOWN_LOG_LEVELS),
      'expected fatal, error and info methods',
    )
    .optional(),
})

const signalsSchema = z.strictObject({
  gracePeriodMs: ms.default(DEFAULT_GRACE_PERIOD_MS),
  hardKillMs: ms.default(DEFAULT_HARD_KILL_MS),
  signals: z.array(z.string().min(1)).min(1).readonly().default(DEFAULT_SHUTDOWN_SIGNALS),
  globalErrorHandlers: z.boolean().default(true),
})

const errorHandlersSchema = z.strictObject({ exitCode: exitCode.default(1) })
const nowSchema = z.strictObject({
  signal: z.string().min(1).default('manual'),
  exitCode: exitCode.default(0),
})

interface ShutdownRun {
  readonly signal: string
  readonly results: ShutdownHookResult[]
  readonly done: Promise<ShutdownReport>
  readonly resolve: (report: ShutdownReport) => void
  hardKill: unknown
  exited: boolean
}

interface Settings {
  readonly gracePeriodMs: number
  readonly hardKillMs: number
}

const DEFAULT_SETTINGS: Settings = Object.freeze({
  gracePeriodMs: DEFAULT_GRACE_PERIOD_MS,
  hardKillMs: DEFAULT_HARD_KILL_MS,
})

/**
 * Coordinates graceful shutdown: named hooks run in reverse order of registration, each bounded by
 * the grace period, the whole bounded by the hard-kill time, then the process exits. Create one with
 * {@link createShutdown}; {@link MegaShutdown} is the process-wide instance.
 */
export class ShutdownCoordinator {
  readonly #process: ShutdownProcess
  readonly #timers: TimerSeam
  readonly #logger: ShutdownLogger | undefined
  readonly #hooks = new Map<string, ShutdownHook>()
  #listeners: (readonly [string, ProcessListener])[] = []
  #settings = DEFAULT_SETTINGS
  #signalsInstalled = false
  #errorHandlersInstalled = false
  #errorExitCode = 1
  #run: ShutdownRun | undefined

  constructor(config: ShutdownConfig = {}) {
    const parsed = parseOptions(configSchema, config, 'shutdown config')
    this.#process = parsed.process ?? process
    this.#timers = parsed.timers ?? REAL_TIMERS
    this.#logger = parsed.logger
  }

  /**
   * Adds a cleanup hook. Hooks run last-registered first. Registering an existing name replaces
   * that hook and moves it to the end, so it runs first (it was set up last).
   *
   * @throws MegaError `MEGA_SHUTDOWN_HOOK_INVALID` when `name` is empty or `hook` is not a function.
   */
  register(name: string, hook: ShutdownHook): void {
    if (typeof name !== 'string' || name === '')
      throw invalidHook('name must be a non-empty string')
    if (typeof hook !== 'function') throw invalidHook(`hook "${name}" must be a function`)
    this.#hooks.delete(name)
    this.#hooks.set(name, hook)
  }

  /** Removes a hook by name; `true` when one was registered. */
  unregister(name: string): boolean {
    return this.#hooks.delete(name)
  }

  /** How many hooks are registered. */
  registeredCount(): number {
    return this.#hooks.size
  }

  /** `true` once shutdown has started (until `_reset`). */
  isShuttingDown(): boolean {
    return this.#run !== undefined
  }

  /**
   * Listens for shutdown signals (each starts `now({ signal, exitCode: 0 })`; a second one during
   * shutdown exits at once with 130) and, unless `globalErrorHandlers` is false, installs the global
   * error handlers. Idempotent: a later call validates its options and then does nothing.
   *
   * @throws MegaConfigError when an option is invalid.
   */
  setupSignals(options: SetupSignalsOptions = {}): void {
    const parsed = parseOptions(signalsSchema, options, 'setupSignals options')
    if (this.#signalsInstalled) return
    this.#signalsInstalled = true
    this.#settings = Object.freeze({
      gracePeriodMs: parsed.gracePeriodMs,
      hardKillMs: parsed.hardKillMs,
    })
    for (const signal of new Set(parsed.signals)) this.#listen(signal, () => this.#onSignal(signal))
    if (parsed.globalErrorHandlers) this.setupGlobalErrorHandlers()
  }

  /**
   * Installs `unhandledRejection` and `uncaughtException` handlers: each logs at fatal level, then
   * shuts down with `exitCode`, since the process state can no longer be trusted. Idempotent.
   *
   * @throws MegaConfigError when `exitCode` is not an integer 0–255.
   */
  setupGlobalErrorHandlers(options: GlobalErrorHandlersOptions = {}): void {
    const parsed = parseOptions(errorHandlersSchema, options, 'setupGlobalErrorHandlers options')
    if (this.#errorHandlersInstalled) return
    this.#errorHandlersInstalled = true
    this.#errorExitCode = parsed.exitCode
    this.#listen('unhandledRejection', (reason: unknown) => this.#onRejection(reason))
    this.#listen('uncaughtException', (err: unknown, origin: unknown) =>
      this.#onException(err, origin),
    )
  }

  /**
   * Shuts down now: runs the hooks (last registered first, each up to the grace period, all within
   * the hard-kill time), then exits. A second call returns the first call's promise.
   *
   * @throws MegaConfigError when an option is invalid.
   * @example
   * await MegaShutdown.now({ signal: 'deploy', exitCode: 0 })
   */
  now(options: ShutdownNowOptions = {}): Promise<ShutdownReport> {
    const parsed = parseOptions(nowSchema, options, 'shutdown.now options')
    this.#run ??= this.#start(parsed.signal, parsed.exitCode)
    return this.#run.done
  }

  /**
   * Test helper: removes the listeners this instance installed, clears hooks and flags, restores
   * the default timings, and detaches an in-flight shutdown (it will not exit).
   */
  _reset(): void {
    for (const [event, listener] of this.#listeners) this.#process.removeListener(event, listener)
    this.#listeners = []
    if (this.#run !== undefined) this.#detach(this.#run)
    this.#run = undefined
    this.#hooks.clear()
    this.#settings = DEFAULT_SETTINGS
    this.#signalsInstalled = false
    this.#errorHandlersInstalled = false
    this.#errorExitCode = 1
  }

  #listen(event: string, listener: ProcessListener): void {
    this.#process.on(event, listener)
    this.#listeners.push([event, listener])
  }

  #onSignal(signal: string): void {
    if (this.#run === undefined) {
      void this.now({ signal, exitCode: 0 })
      return
    }
    this.#log('fatal', { signal }, `second ${signal} during shutdown: exiting now`)
    this.#finish(this.#run, 'forced', SHUTDOWN_EXIT_CODES.forced)
  }

  #onRejection(reason: unknown): void {
    const err =
      reason instanceof Error
        ? reason
        : new Error(`unhandledRejection: ${describeValue(reason)}`, { cause: reason })
    this.#log('fatal', { err }, 'unhandled promise rejection: shutting down')
    void this.now({ signal: 'unhandledRejection', exitCode: this.#errorExitCode })
  }

  #onException(err: unknown, origin: unknown): void {
    this.#log('fatal', { err, origin }, 'uncaught exception: shutting down')
    void this.now({ signal: 'uncaughtException', exitCode: this.#errorExitCode })
  }

  #start(signal: string, requested: number): ShutdownRun {
    let resolve: (report: ShutdownReport) => void = () => {}
    const done = new Promise<ShutdownReport>((r) => (resolve = r))
    const run: ShutdownRun = {
      signal,
      results: [],
      done,
      resolve,
      hardKill: undefined,
      exited: false,
    }
    this.#log('info', { signal, hooks: this.#hooks.size }, `shutting down (${signal})`)
    run.hardKill = this.#timers.setTimeout(() => this.#onHardKill(run), this.#settings.hardKillMs)
    void this.#runHooks(run).then(() => this.#complete(run, requested))
    return run
  }

  async #runHooks(run: ShutdownRun): Promise<void> {
    for (const [name, hook] of [...this.#hooks].reverse()) {
      if (run.exited) return
      run.results.push(await this.#runHook(name, hook, run.signal))
    }
  }

  async #runHook(name: string, hook: ShutdownHook, signal: string): Promise<ShutdownHookResult> {
    const { gracePeriodMs } = this.#settings
    const settled = await settleWithin(() => hook({ signal }), gracePeriodMs, this.#timers)
    if (settled.status === 'ok') return { name, status: 'ok' }
    const error = settled.status === 'timeout' ? hookTimeout(name, gracePeriodMs) : settled.error
    this.#log(
      'error',
      { err: error, hook: name },
      `shutdown hook "${name}" ${settled.status === 'timeout' ? 'timed out' : 'failed'}`,
    )
    return { name, status: settled.status, error }
  }

  #complete(run: ShutdownRun, requested: number): void {
    const failed = run.results.some((r) => r.status !== 'ok')
    const code = failed && requested === 0 ? SHUTDOWN_EXIT_CODES.hookFailed : requested
    if (!run.exited) this.#log('info', { signal: run.signal, exitCode: code }, 'shutdown complete')
    this.#finish(run, 'completed', code)
  }

  #onHardKill(run: ShutdownRun): void {
    const { hardKillMs } = this.#settings
    this.#log(
      'fatal',
      { signal: run.signal, hardKillMs },
      `shutdown exceeded ${hardKillMs}ms: exiting now`,
    )
    this.#finish(run, 'hard-kill', SHUTDOWN_EXIT_CODES.hardKill)
  }

  #finish(run: ShutdownRun, outcome: ShutdownOutcome, code: number): void {
    if (run.exited) return
    this.#detach(run)
    run.resolve({ signal: run.signal, outcome, exitCode: code, hooks: [...run.results] })
    this.#process.exit(code)
  }

  #detach(run: ShutdownRun): void {
    run.exited = true
    this.#timers.clearTimeout(run.hardKill)
  }

  #log(level: ShutdownLogLevel, fields: Record<string, unknown>, message: string): void {
    try {
      if (this.#logger !== undefined) return this.#logger[level](fields, message)
    } catch {
      // A broken logger must not stop shutdown: fall through to the console.
    }
    console.error(`[mega-shutdown] ${message}`, fields)
  }
}

function invalidHook(problem: string): MegaError {
  return OBSERVE_ERRORS.create('MEGA_SHUTDOWN_HOOK_INVALID', [problem])
}

function hookTimeout(name: string, gracePeriodMs: number): MegaError {
  return OBSERVE_ERRORS.create('MEGA_SHUTDOWN_HOOK_TIMEOUT', [name, gracePeriodMs], {
    details: { hook: name, gracePeriodMs },
  })
}

/**
 * Creates a shutdown coordinator over the given process, timers and logger. Tests pass fakes;
 * applications use {@link MegaShutdown}.
 *
 * @throws MegaConfigError when a seam lacks the methods the coordinator calls.
 * @example
 * const shutdown = createShutdown({ process: fakeProcess, timers: fakeTimers })
 * shutdown.register('db', () => pool.end())
 * shutdown.setupSignals({ gracePeriodMs: 10_000 })
 */
export function createShutdown(config: ShutdownConfig = {}): ShutdownCoordinator {
  return new ShutdownCoordinator(config)
}

/**
 * The process-wide shutdown coordinator over the real `process`. Creating it installs nothing:
 * call `setupSignals()` once at boot.
 *
 * @example
 * MegaShutdown.register('http', () => server.close())
 * MegaShutdown.setupSignals()
 */
export const MegaShutdown: ShutdownCoordinator = createShutdown()
