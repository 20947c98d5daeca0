import { MegaConfigError } from '@mega/observe'
import { parseOptions } from '@mega/observe/internal'
import { jobsError } from '../errors.js'
import { TypedEvents } from '../internal/typed-events.js'
import { resolveMetricsSink } from '../metrics-sink.js'
import {
  CIRCUIT_EVENTS,
  type CircuitEvent,
  type CircuitEventMap,
  type CircuitListener,
  type CircuitOpenReason,
  type CircuitState,
} from './breaker-events.js'
import { circuitMetrics, type CircuitMetrics } from './breaker-metrics.js'
import {
  circuitBreakerConfigSchema,
  type CircuitBreakerConfig,
  type ResolvedCircuitConfig,
} from './breaker-options.js'
import { RollingWindow } from './rolling-window.js'

/** A breaker's counters since it was created, and its current state. */
export interface CircuitStats {
  readonly state: CircuitState
  /** Calls that ran (not rejected). */
  readonly calls: number
  readonly successes: number
  /** Failed calls, timeouts included. */
  readonly failures: number
  readonly timeouts: number
  readonly rejections: number
  readonly consecutiveFailures: number
  /** Calls and failures in the rolling window (zero without `failureRate`). */
  readonly window: { readonly calls: number; readonly failures: number }
  /** How long the breaker stays open from now; 0 unless open. */
  readonly retryAfterMs: number
}

/** What a call reports back: its phase when it started, so a late answer cannot move a newer phase. */
interface Ticket {
  readonly phase: number
  readonly halfOpen: boolean
  readonly started: number
}

/**
 * A circuit breaker for calls to a remote dependency: closed (calls flow), open (calls are rejected
 * at once with `MEGA_CIRCUIT_OPEN`) and half-open (a few trial calls decide whether to close again).
 * It opens on consecutive failures and/or a failure rate over a rolling window; it moves from open
 * to half-open when a call or a read of `state` finds `resetTimeoutMs` passed (no timer runs).
 *
 * @example
 * const breaker = new MegaCircuitBreaker({ name: 'payments', failureThreshold: 5, timeoutMs: 2000 })
 * breaker.on('open', ({ retryAfterMs }) => log.warn({ retryAfterMs }, 'payments circuit open'))
 * const charge = breaker.wrap((id: string) => payments.charge(id))
 * await charge('order-1') // rejects with MEGA_CIRCUIT_OPEN while the circuit is open
 */
export class MegaCircuitBreaker {
  readonly #config: ResolvedCircuitConfig
  readonly #events: TypedEvents<CircuitEventMap>
  readonly #metrics: CircuitMetrics
  readonly #window: RollingWindow | undefined
  #state: CircuitState = 'closed'
  #phase = 0
  #openedAt = 0
  #consecutiveFailures = 0
  #trialsInFlight = 0
  #trialSuccesses = 0
  #counts = { calls: 0, successes: 0, failures: 0, timeouts: 0, rejections: 0 }

  /** Validates `config` (`MEGA_CONFIG_INVALID` listing every problem). */
  constructor(config: CircuitBreakerConfig = {}) {
    this.#config = parseOptions(circuitBreakerConfigSchema, config, 'MegaCircuitBreaker')
    const rate = this.#config.failureRate
    this.#window = rate === undefined ? undefined : new RollingWindow(rate.windowMs)
    this.#events = new TypedEvents<CircuitEventMap>(
      CIRCUIT_EVENTS,
      (error, event) => this.#config.onListenerError(error, event),
      (event) =>
        new MegaConfigError('MegaCircuitBreaker.on', [
          {
            path: 'event',
            message: `unknown event "${event}"; events: ${CIRCUIT_EVENTS.join(', ')}`,
          },
        ]),
    )
    this.#metrics = circuitMetrics(resolveMetricsSink(this.#config.metrics), this.#config.name)
    this.#metrics.state('closed')
  }

  /** The breaker's name. */
  get name(): string {
    return this.#config.name
  }

  /** The current state (moving from open to half-open first when `resetTimeoutMs` has passed). */
  get state(): CircuitState {
    this.#checkReset()
    return this.#state
  }

  /** Counters and the current state. */
  get stats(): CircuitStats {
    const state = this.state
    const now = this.#config.clock.now()
    return {
      state,
      ...this.#counts,
      consecutiveFailures: this.#consecutiveFailures,
      window: this.#window?.totals(now) ?? { calls: 0, failures: 0 },
      retryAfterMs: state === 'open' ? this.#retryAfter(now) : 0,
    }
  }

  /** Adds a listener of `event` (one of {@link CIRCUIT_EVENTS}); returns a function that removes it. */
  on<K extends CircuitEvent>(event: K, listener: CircuitListener<K>): () => void {
    return this.#events.on(event, listener)
  }

  /** Removes a listener added with {@link MegaCircuitBreaker.on}. */
  off<K extends CircuitEvent>(event: K, listener: CircuitListener<K>): void {
    this.#events.off(event, listener)
  }

  /**
   * Runs `fn` through the breaker: rejects at once with `MEGA_CIRCUIT_OPEN` while open (or when the
   * half-open trial slots are taken), otherwise settles as `fn` does, or with `MEGA_CIRCUIT_TIMEOUT`
   * after `timeoutMs` (then `signal` aborts, so `fn` can stop its work).
   */
  async run<R>(fn: (signal: AbortSignal) => R | Promise<R>): Promise<Awaited<R>> {
    const ticket = this.#admit()
    const controller = new AbortController()
    const { timeoutMs, clock } = this.#config
    let timer: unknown
    let timeout: Error | undefined
    const timedOut = new Promise<never>((_, reject) => {
      if (timeoutMs <= 0) return
      timer = clock.setTimeout(() => {
        timeout = this.#timeoutError()
        controller.abort(timeout)
        reject(timeout)
      }, timeoutMs)
    })
    try {
      const call = Promise.resolve().then(() => fn(controller.signal))
      call.catch(() => undefined) // a call that fails after its timeout is already counted
      const result = await Promise.race([call, timedOut])
      this.#succeeded(ticket)
      return result
    } catch (error) {
      this.#failed(ticket, error, timeout !== undefined && error === timeout)
      throw error
    } finally {
      if (timer !== undefined) clock.clearTimeout(timer)
    }
  }

  /**
   * Wraps `fn` so that every call goes through {@link MegaCircuitBreaker.run}.
   *
   * @example
   * const getUser = breaker.wrap((id: string) => api.getUser(id))
   */
  wrap<A extends unknown[], R>(
    fn: (...args: A) => R | Promise<R>,
  ): (...args: A) => Promise<Awaited<R>> {
    return (...args: A) => this.run(() => fn(...args))
  }

  #timeoutError(): Error {
    const { timeoutMs } = this.#config
    return jobsError(
      'MEGA_CIRCUIT_TIMEOUT',
      `A call through circuit "${this.name}" ran over ${timeoutMs} ms; it counts as a failure: ` +
        'make the dependency answer faster or raise timeoutMs.',
      { details: { circuit: this.name, timeoutMs } },
    )
  }

  /** Lets a call in (returns its ticket) or throws `MEGA_CIRCUIT_OPEN`. */
  #admit(): Ticket {
    this.#checkReset()
    const now = this.#config.clock.now()
    if (this.#state === 'open') throw this.#reject(this.#retryAfter(now), 'the circuit is open')
    if (this.#state === 'half-open') {
      if (this.#trialsInFlight >= this.#config.halfOpenMaxCalls) {
        throw this.#reject(
          0,
          `${this.#trialsInFlight} trial calls are in flight (halfOpenMaxCalls)`,
        )
      }
      this.#trialsInFlight++
    }
    this.#counts.calls++
    return { phase: this.#phase, halfOpen: this.#state === 'half-open', started: now }
  }

  #reject(retryAfterMs: number, why: string): Error {
    this.#counts.rejections++
    this.#metrics.call('rejected')
    const state = this.#state
    const error = jobsError(
      'MEGA_CIRCUIT_OPEN',
      `Circuit "${this.name}" rejected the call: ${why}. Retry after ${retryAfterMs} ms or use a fallback.`,
      { details: { circuit: this.name, state, retryAfterMs } },
    )
    this.#events.emit('reject', { state, retryAfterMs })
    return error
  }

  #succeeded(ticket: Ticket, error?: unknown): void {
    const durationMs = this.#config.clock.now() - ticket.started
    this.#counts.successes++
    this.#metrics.call('success')
    let closed = false
    if (ticket.phase === this.#phase) {
      this.#window?.record(this.#config.clock.now(), false)
      this.#consecutiveFailures = 0
      if (ticket.halfOpen) {
        this.#trialsInFlight--
        if (++this.#trialSuccesses >= this.#config.successThreshold) closed = this.#close()
      }
    }
    this.#events.emit('success', error === undefined ? { durationMs } : { durationMs, error })
    if (closed) this.#events.emit('close', { successes: this.#config.successThreshold })
  }

  #failed(ticket: Ticket, error: unknown, timedOut: boolean): void {
    if (!timedOut && !this.#countsAsFailure(error)) return this.#succeeded(ticket, error)
    const now = this.#config.clock.now()
    this.#counts.failures++
    if (timedOut) this.#counts.timeouts++
    this.#metrics.call(timedOut ? 'timeout' : 'failure')
    let opened: CircuitOpenReason | undefined
    if (ticket.phase === this.#phase) {
      this.#consecutiveFailures++
      this.#window?.record(now, true)
      if (ticket.halfOpen) this.#trialsInFlight--
      opened = ticket.halfOpen ? 'half-open-failure' : this.#tripReason(now)
      if (opened !== undefined) this.#open(now)
    }
    if (timedOut) this.#events.emit('timeout', { timeoutMs: this.#config.timeoutMs })
    this.#events.emit('failure', { durationMs: now - ticket.started, error })
    if (opened !== undefined) {
      this.#events.emit('open', { reason: opened, retryAfterMs: this.#config.resetTimeoutMs })
    }
  }

  #countsAsFailure(error: unknown): boolean {
    try {
      return this.#config.isFailure(error) !== false
    } catch {
      return true
    }
  }

  #tripReason(now: number): CircuitOpenReason | undefined {
    const { failureThreshold, failureRate } = this.#config
    if (failureThreshold !== undefined && this.#consecutiveFailures >= failureThreshold) {
      return 'consecutive-failures'
    }
    if (failureRate === undefined || this.#window === undefined) return undefined
    const { calls, failures } = this.#window.totals(now)
    if (calls >= failureRate.minimumCalls && failures / calls >= failureRate.threshold)
      return 'failure-rate'
    return undefined
  }

  #retryAfter(now: number): number {
    return Math.max(0, this.#openedAt + this.#config.resetTimeoutMs - now)
  }

  #checkReset(): void {
    if (this.#state !== 'open') return
    const now = this.#config.clock.now()
    if (this.#retryAfter(now) > 0) return
    this.#enter('half-open')
    this.#trialsInFlight = 0
    this.#trialSuccesses = 0
    this.#events.emit('half-open', { openForMs: now - this.#openedAt })
  }

  #open(now: number): void {
    this.#openedAt = now
    this.#enter('open')
  }

  #close(): boolean {
    this.#enter('closed')
    this.#consecutiveFailures = 0
    this.#window?.reset()
    return true
  }

  #enter(state: CircuitState): void {
    this.#state = state
    this.#phase++
    this.#metrics.state(state)
  }
}
