import { z } from 'zod'
import { metricsOptionSchema, type MetricsSink } from '../metrics-sink.js'
import type { CircuitEvent } from './breaker-events.js'

/** Consecutive failures that open the breaker when neither threshold is given. */
export const DEFAULT_CIRCUIT_FAILURE_THRESHOLD = 5

/** How long the breaker stays open before it lets trial calls through, in ms. */
export const DEFAULT_CIRCUIT_RESET_TIMEOUT_MS = 30_000

/** Time and timers as the breaker uses them; inject one to drive the breaker in tests. */
export interface CircuitClock {
  /** Milliseconds, monotonic enough for intervals. */
  now(): number
  /** Calls `fn` once after `ms`; returns a handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** The real clock: `Date.now` and the global timers. */
export const systemClock: CircuitClock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
})

/** Opens the breaker when, over the last `windowMs`, at least `minimumCalls` ran and this share failed. */
export interface CircuitFailureRate {
  /** The failing share that opens the breaker, above 0 and at most 1 (`0.5` = half). */
  readonly threshold: number
  /** Calls the window must hold before the rate counts. @default 10 */
  readonly minimumCalls?: number
  /** The rolling window, in ms (counted in ten buckets). @default 10000 */
  readonly windowMs?: number
}

/** What `new MegaCircuitBreaker(config)` takes; every field is optional. */
export interface CircuitBreakerConfig {
  /** Names the breaker in messages and the `circuit` metric label. @default 'default' */
  readonly name?: string
  /**
   * Consecutive failures that open the breaker.
   * @default 5 when `failureRate` is not given, otherwise off
   */
  readonly failureThreshold?: number
  /** Failure rate over a rolling window that opens the breaker (with `failureThreshold`, either opens it). @default off */
  readonly failureRate?: CircuitFailureRate
  /** How long the breaker stays open before trial calls, in ms. @default 30000 */
  readonly resetTimeoutMs?: number
  /** Trial calls allowed at once while half-open; more are rejected. @default 1 */
  readonly halfOpenMaxCalls?: number
  /** Trial successes that close the breaker again. @default 1 */
  readonly successThreshold?: number
  /** A call's time limit in ms (its signal aborts, it counts as a failure); 0 means none. @default 0 */
  readonly timeoutMs?: number
  /**
   * Whether an error counts against the dependency; `false` counts the call as a success (the
   * dependency answered) and still rejects the caller with the error. @default every error counts
   */
  readonly isFailure?: (error: unknown) => boolean
  /** Time and timers. @default the system clock */
  readonly clock?: CircuitClock
  /** Where to record metrics; `false` for none. @default the process metrics when `initMetrics()` ran */
  readonly metrics?: MetricsSink | false
  /** Told about a listener that threw (the outcome is unchanged). @default process.emitWarning */
  readonly onListenerError?: (error: unknown, event: CircuitEvent) => void
}

const fn = <T>(what: string) => z.custom<T>((v) => typeof v === 'function', `${what} is a function`)

const clockSchema = z.custom<CircuitClock>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    ['now', 'setTimeout', 'clearTimeout'].every(
      (k) => typeof (v as Record<string, unknown>)[k] === 'function',
    ),
  'clock has now(), setTimeout() and clearTimeout()',
)

const failureRateSchema = z.strictObject({
  threshold: z.number().gt(0).max(1),
  minimumCalls: z.number().int().min(1).default(10),
  windowMs: z.number().int().positive().default(10_000),
})

function warnListenerError(error: unknown, event: CircuitEvent): void {
  const message = error instanceof Error ? error.message : String(error)
  process.emitWarning(
    `A circuit breaker "${event}" listener threw: ${message}`,
    'MegaCircuitWarning',
  )
}

/** The zod schema of {@link CircuitBreakerConfig}: validation and defaults in one place. */
export const circuitBreakerConfigSchema = z
  .strictObject({
    name: z.string().min(1).default('default'),
    failureThreshold: z.number().int().min(1).optional(),
    failureRate: failureRateSchema.optional(),
    resetTimeoutMs: z.number().int().min(0).default(DEFAULT_CIRCUIT_RESET_TIMEOUT_MS),
    halfOpenMaxCalls: z.number().int().min(1).default(1),
    successThreshold: z.number().int().min(1).default(1),
    timeoutMs: z.number().int().min(0).default(0),
    isFailure: fn<(error: unknown) => boolean>('isFailure').default(() => () => true),
    clock: clockSchema.default(systemClock),
    metrics: metricsOptionSchema,
    onListenerError: fn<(error: unknown, event: CircuitEvent) => void>('onListenerError').default(
      () => warnListenerError,
    ),
  })
  .transform((o) => ({
    ...o,
    failureThreshold:
      o.failureThreshold ??
      (o.failureRate === undefined ? DEFAULT_CIRCUIT_FAILURE_THRESHOLD : undefined),
  }))

/** The resolved, frozen options of one breaker. */
export type ResolvedCircuitConfig = z.output<typeof circuitBreakerConfigSchema>
