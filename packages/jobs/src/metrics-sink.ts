import { getMetrics, MegaError, type MegaMetrics } from '@mega/observe'
import { z } from 'zod'

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

/** The `metrics` option of the pool and the breaker: a {@link MetricsSink}, or `false` for none. */
export const metricsOptionSchema = z
  .union([
    z.literal(false),
    z.custom<MetricsSink>(
      (v) => typeof v === 'object' && v !== null,
      'metrics is a MegaMetrics instance or false',
    ),
  ])
  .optional()
