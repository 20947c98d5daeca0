import { getMetrics, MegaError, type MegaMetrics } from '@mega/observe'

/**
 * The slice of `@mega/observe`'s {@link MegaMetrics} the worker pool and the circuit breaker record
 * through: a `createMetrics()` instance fits, and so does a test double.
 */
export type MetricsSink = Pick<MegaMetrics, 'counter' | 'gauge' | 'observableGauge'>

/** `given` when set, `undefined` for `false`, else the process metrics if `initMetrics()` ran. */
export function resolveMetricsSink(
  given: MetricsSink | false | undefined,
): MetricsSink | undefined {
  if (given === false) return undefined
  if (given !== undefined) return given
  try {
    return getMetrics()
  } catch (err) {
    if (MegaError.is(err, 'MEGA_METRICS_NOT_INITIALIZED')) return undefined
    throw err
  }
}
