import { z } from 'zod'
import { type MegaError, OBSERVE_ERRORS } from './errors.js'
import { parseOptions } from './internal/zod-issues.js'
import { describeValue } from './internal/describe-value.js'
import { REAL_TIMERS, settleWithin, type TimerSeam } from './internal/settle-within.js'
import { MegaShutdown } from './shutdown.js'

/** How long one health check may run before it is reported as failed. */
export const DEFAULT_CHECK_TIMEOUT_MS = 5000

/**
 * What a check answers: `liveness` (the process itself works; failing it means "restart me") or
 * `readiness` (the dependencies answer; failing it means "send no traffic").
 */
export const HEALTH_CHECK_KINDS = ['liveness', 'readiness'] as const
/** One of {@link HEALTH_CHECK_KINDS}. */
export type HealthCheckKind = (typeof HEALTH_CHECK_KINDS)[number]

/** Overall status of a {@link HealthReport}. */
export const HEALTH_STATUSES = ['ok', 'fail'] as const
/** One of {@link HEALTH_STATUSES}. */
export type HealthStatus = (typeof HEALTH_STATUSES)[number]

/** What a check returns: `{ ok: true }` when healthy, plus any facts worth reporting. */
export interface HealthCheckResult {
  readonly ok: boolean
  readonly error?: string
  readonly [key: string]: unknown
}

/** A health check: returns (or resolves) a {@link HealthCheckResult}; throwing reports a failure. */
export type HealthCheck = () => HealthCheckResult | PromiseLike<HealthCheckResult>

/** Options of {@link HealthRegistry.register}. */
export interface HealthCheckOptions {
  /**
   * How long the check may run before it is reported as timed out (positive integer, ms).
   * @default 5000
   */
  readonly timeoutMs?: number
  /**
   * Which probe runs the check.
   * @default 'readiness'
   */
  readonly kind?: HealthCheckKind
}

/** Result of a run of checks. */
export interface HealthReport {
  /** `ok` when every check's result has `ok: true` (also when there are none). */
  readonly status: HealthStatus
  /** Each check's result by name. */
  readonly checks: Readonly<Record<string, HealthCheckResult>>
  /** How long the run took, by the registry's clock. */
  readonly durationMs: number
}

/** Result of {@link HealthRegistry.readiness}. */
export interface ReadinessReport extends HealthReport {
  /** `true` when shutdown has started: readiness then fails without running checks. */
  readonly shuttingDown: boolean
}

/** Seams of {@link createHealth}. */
export interface HealthConfig {
  /**
   * Timers racing each check (their handles are `unref`'d when they support it).
   * @default the global setTimeout / clearTimeout
   */
  readonly timers?: TimerSeam
  /**
   * Clock measuring `durationMs`.
   * @default performance
   */
  readonly clock?: { now(): number }
  /**
   * Tells readiness that the process is shutting down.
   * @default () => MegaShutdown.isShuttingDown()
   */
  readonly isShuttingDown?: () => boolean
}

interface Entry {
  readonly check: HealthCheck
  readonly timeoutMs: number
  readonly kind: HealthCheckKind
}

const hasFn = (value: unknown, name: string): boolean =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Record<string, unknown>)[name] === 'function'

const configSchema = z.strictObject({
  timers: z
    .custom<TimerSeam>(
      (v) => hasFn(v, 'setTimeout') && hasFn(v, 'clearTimeout'),
      'expected setTimeout and clearTimeout',
    )
    .optional(),
  clock: z
    .custom<{ now(): number }>((v) => hasFn(v, 'now'), 'expected an object with now()')
    .optional(),
  isShuttingDown: z
    .custom<() => boolean>((v) => typeof v === 'function', 'expected a function')
    .optional(),
})

const optionsSchema = z.strictObject({
  timeoutMs: z.number().int().positive().max(2_147_483_647).default(DEFAULT_CHECK_TIMEOUT_MS),
  kind: z.enum(HEALTH_CHECK_KINDS).default('readiness'),
})

/**
 * A registry of health checks. Checks run in parallel, each bounded by its own timeout, so one
 * hanging dependency fails only its own entry and never hangs the probe. Create one with
 * {@link createHealth}; {@link MegaHealth} is the process-wide instance.
 */
export class HealthRegistry {
  readonly #checks = new Map<string, Entry>()
  readonly #timers: TimerSeam
  readonly #clock: { now(): number }
  readonly #isShuttingDown: () => boolean

  constructor(config: HealthConfig = {}) {
    const parsed = parseOptions(configSchema, config, 'health config')
    this.#timers = parsed.timers ?? REAL_TIMERS
    this.#clock = parsed.clock ?? performance
    this.#isShuttingDown = parsed.isShuttingDown ?? (() => MegaShutdown.isShuttingDown())
  }

  /**
   * Adds a check, or replaces the check of the same name.
   *
   * @throws MegaError `MEGA_HEALTH_CHECK_INVALID` when `name` is empty or `check` is not a function.
   * @throws MegaConfigError when `timeoutMs` or `kind` is invalid (an omitted `timeoutMs` means 5000).
   * @example
   * health.register('db', async () => ({ ok: (await pool.query('select 1')).rowCount === 1 }), { timeoutMs: 2000 })
   */
  register(name: string, check: HealthCheck, options: HealthCheckOptions = {}): void {
    if (typeof name !== 'string' || name === '')
      throw invalidCheck('name must be a non-empty string')
    if (typeof check !== 'function') throw invalidCheck(`check "${name}" must be a function`)
    const { timeoutMs, kind } = parseOptions(
      optionsSchema,
      options,
      `health check "${name}" options`,
    )
    this.#checks.set(name, Object.freeze({ check, timeoutMs, kind }))
  }

  /** Removes a check by name; `true` when one was registered. */
  unregister(name: string): boolean {
    return this.#checks.delete(name)
  }

  /** How many checks are registered. */
  registeredCount(): number {
    return this.#checks.size
  }

  /** Runs every check, liveness and readiness alike. */
  checkAll(): Promise<HealthReport> {
    return this.#runChecks(() => true)
  }

  /** Runs the liveness checks only: is the process itself working? */
  liveness(): Promise<HealthReport> {
    return this.#runChecks((entry) => entry.kind === 'liveness')
  }

  /** Runs the readiness checks; fails without running them once shutdown has started. */
  async readiness(): Promise<ReadinessReport> {
    if (this.#isShuttingDown())
      return { status: 'fail', checks: {}, durationMs: 0, shuttingDown: true }
    const report = await this.#runChecks((entry) => entry.kind === 'readiness')
    const shuttingDown = this.#isShuttingDown()
    return { ...report, status: shuttingDown ? 'fail' : report.status, shuttingDown }
  }

  async #runChecks(include: (entry: Entry) => boolean): Promise<HealthReport> {
    const started = this.#clock.now()
    const selected = [...this.#checks].filter(([, entry]) => include(entry))
    const results = await Promise.all(
      selected.map(async ([name, entry]) => [name, await this.#runOne(name, entry)] as const),
    )
    const status = results.every(([, result]) => result.ok === true) ? 'ok' : 'fail'
    return { status, checks: Object.fromEntries(results), durationMs: this.#clock.now() - started }
  }

  async #runOne(name: string, entry: Entry): Promise<HealthCheckResult> {
    const settled = await settleWithin(entry.check, entry.timeoutMs, this.#timers, true)
    switch (settled.status) {
      case 'ok':
        return normalizeResult(settled.value)
      case 'failed':
        return {
          ok: false,
          error:
            settled.error instanceof Error ? settled.error.message : describeValue(settled.error),
        }
      case 'timeout':
        return {
          ok: false,
          error: OBSERVE_ERRORS.message('MEGA_HEALTH_CHECK_TIMEOUT', name, entry.timeoutMs),
          code: 'MEGA_HEALTH_CHECK_TIMEOUT',
        }
    }
  }
}

/** `{ ok: true, ... }` unchanged; any other object with `ok` forced to false; anything else explained. */
function normalizeResult(value: unknown): HealthCheckResult {
  if (typeof value === 'object' && value !== null) {
    return (value as { ok?: unknown }).ok === true
      ? (value as HealthCheckResult)
      : { ...value, ok: false }
  }
  return {
    ok: false,
    error: `check returned ${describeValue(value)}; return { ok: true } when healthy`,
  }
}

function invalidCheck(problem: string): MegaError {
  return OBSERVE_ERRORS.create('MEGA_HEALTH_CHECK_INVALID', [problem])
}

/**
 * Creates a health-check registry. Tests pass fake timers, a clock and a shutdown flag.
 *
 * @throws MegaConfigError when a seam lacks the methods the registry calls.
 * @example
 * const health = createHealth()
 * health.register('process', () => ({ ok: true }), { kind: 'liveness' })
 * const report = await health.readiness()
 */
export function createHealth(config: HealthConfig = {}): HealthRegistry {
  return new HealthRegistry(config)
}

/**
 * The process-wide health registry; its readiness fails once {@link MegaShutdown} is shutting down.
 *
 * @example
 * MegaHealth.register('redis', async () => ({ ok: (await redis.ping()) === 'PONG' }))
 */
export const MegaHealth: HealthRegistry = createHealth()
