import { performance } from 'node:perf_hooks'
import { createTracer, type MegaMetrics, type MegaTracer } from '@mega/observe'

/** The slice of `@mega/observe`'s `MegaMetrics` adapters record through (a `createMetrics()` fits). */
export type AdapterMetricsSink = Pick<MegaMetrics, 'counter' | 'histogram' | 'observableGauge'>

/** Options of {@link instrumentAdapter}. */
export interface AdapterInstrumentationOptions {
  /** Where the cache and lock metrics go (the app's `/metrics`). @default undefined (spans only) */
  readonly metrics?: AdapterMetricsSink
  /** Creates the spans. @default createTracer({ name: '@mega/core' }) (the global provider) */
  readonly tracer?: MegaTracer
  /** Monotonic clock in ms, for durations. @default performance.now */
  readonly now?: () => number
}

/** Resolved options shared by the cache and lock wrappers. */
export interface AdapterTelemetry {
  readonly metrics: AdapterMetricsSink | undefined
  readonly tracer: MegaTracer
  readonly now: () => number
  /** `{ adapter: alias, driver }`: the labels of every adapter metric. */
  readonly labels: { readonly adapter: string; readonly driver: string }
  /** Span attributes naming the adapter (never keys or values). */
  readonly attributes: Readonly<Record<string, string>>
}

const defaultTracer = createTracer({ name: '@mega/core' })

/** Resolves the options for one adapter. */
export function adapterTelemetry(
  adapter: { readonly alias: string; readonly driver: string },
  options: AdapterInstrumentationOptions,
): AdapterTelemetry {
  return {
    metrics: options.metrics,
    tracer: options.tracer ?? defaultTracer,
    now: options.now ?? (() => performance.now()),
    labels: { adapter: adapter.alias, driver: adapter.driver },
    attributes: { 'mega.adapter.alias': adapter.alias, 'mega.adapter.driver': adapter.driver },
  }
}
