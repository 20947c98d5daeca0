/** The states of a circuit breaker. */
export const CIRCUIT_STATES = ['closed', 'open', 'half-open'] as const

/** One of {@link CIRCUIT_STATES}. */
export type CircuitState = (typeof CIRCUIT_STATES)[number]

/** Every event a {@link MegaCircuitBreaker} emits, in a named list. */
export const CIRCUIT_EVENTS = [
  'open',
  'half-open',
  'close',
  'success',
  'failure',
  'reject',
  'timeout',
] as const

/** One of {@link CIRCUIT_EVENTS}. */
export type CircuitEvent = (typeof CIRCUIT_EVENTS)[number]

/** Why the breaker opened. */
export type CircuitOpenReason = 'consecutive-failures' | 'failure-rate' | 'half-open-failure'

/** The payload of each {@link CircuitEvent}. */
export interface CircuitEventMap {
  /** The breaker opened: calls are rejected for `retryAfterMs`. */
  readonly open: { readonly reason: CircuitOpenReason; readonly retryAfterMs: number }
  /** `resetTimeoutMs` passed: trial calls may go through. */
  readonly 'half-open': { readonly openForMs: number }
  /** Enough trial calls succeeded: calls flow again. */
  readonly close: { readonly successes: number }
  /** A call ended well (or with an error `isFailure` does not count; it is in `error`). */
  readonly success: { readonly durationMs: number; readonly error?: unknown }
  /** A call failed (timeouts included). */
  readonly failure: { readonly durationMs: number; readonly error: unknown }
  /** A call was refused without running (`MEGA_CIRCUIT_OPEN`). */
  readonly reject: { readonly state: CircuitState; readonly retryAfterMs: number }
  /** A call ran over `timeoutMs`; it also counts as a failure. */
  readonly timeout: { readonly timeoutMs: number }
}

/** A listener of event `K`. */
export type CircuitListener<K extends CircuitEvent> = (payload: CircuitEventMap[K]) => void
