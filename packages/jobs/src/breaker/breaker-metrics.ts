import type { MetricsSink } from '../metrics-sink.js'
import type { CircuitState } from './breaker-events.js'

/** Metric names of the circuit breaker (Prometheus-style, valid OpenTelemetry names). */
export const CIRCUIT_METRIC_NAMES = {
  state: 'mega_circuit_state',
  calls: 'mega_circuit_calls_total',
} as const

/** The `outcome` label of `mega_circuit_calls_total`. */
export type CircuitCallOutcome = 'success' | 'failure' | 'timeout' | 'rejected'

const STATE_VALUE: Readonly<Record<CircuitState, number>> = { closed: 0, 'half-open': 1, open: 2 }

/** What a breaker records. */
export interface CircuitMetrics {
  state(state: CircuitState): void
  call(outcome: CircuitCallOutcome): void
}

const none: CircuitMetrics = Object.freeze({ state: () => undefined, call: () => undefined })

/** The breaker's instruments on `sink` (state gauge: 0 closed, 1 half-open, 2 open), or nothing. */
export function circuitMetrics(sink: MetricsSink | undefined, circuit: string): CircuitMetrics {
  if (sink === undefined) return none
  const state = sink.gauge(CIRCUIT_METRIC_NAMES.state, {
    description: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
    labels: ['circuit'],
  })
  const calls = sink.counter(CIRCUIT_METRIC_NAMES.calls, {
    description: 'Circuit breaker calls by outcome',
    labels: ['circuit', 'outcome'],
  })
  return {
    state: (s) => state.set(STATE_VALUE[s], { circuit }),
    call: (outcome) => calls.add(1, { circuit, outcome }),
  }
}
