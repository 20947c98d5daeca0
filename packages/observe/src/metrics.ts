import type { Meter, MetricOptions, ObservableResult } from '@opentelemetry/api'
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus'
import { MeterProvider } from '@opentelemetry/sdk-metrics'
import { z } from 'zod'
import { type MegaError, OBSERVE_ERRORS } from './errors.js'
import { parseOptions, zodIssues } from './internal/zod-issues.js'
import { buildOtelResource } from './otel-resource.js'

/** The instrumentation scope of Mega's meter (rendered as `otel_scope_name`). */
export const DEFAULT_METER_NAME = '@mega/observe'

/** Histogram bucket upper bounds, in seconds (the Prometheus client default). */
export const DEFAULT_HISTOGRAM_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const

/** Label values of one measurement (`{ method: 'GET', status_code: 200 }`). */
export type MetricLabels = Readonly<Record<string, string | number | boolean>>

const METRIC_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]{0,254}$/
const LABEL_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]*$/
const RESERVED_LABELS: ReadonlySet<string> = new Set(['le', 'quantile', 'worker'])

const attributeValue = z.union([z.string(), z.number(), z.boolean()])

const metricsOptionsSchema = z.strictObject({
  serviceName: z
    .string({ error: 'set serviceName, the name of the service these metrics describe' })
    .min(1, 'serviceName must not be empty'),
  version: z.string().optional(),
  environment: z.string().optional(),
  attributes: z.record(z.string(), attributeValue).optional(),
  meterName: z.string().min(1).default(DEFAULT_METER_NAME),
  onCollectError: z
    .custom<(error: unknown) => void>((v) => typeof v === 'function', 'must be a function')
    .default(() => emitCollectWarning),
})

/** Options of {@link createMetrics} and {@link initMetrics}. */
export interface MetricsOptions {
  /** `service.name` of the resource (rendered in `target_info`). Required. */
  readonly serviceName: string
  /** `service.version`. @default undefined (omitted) */
  readonly version?: string
  /** `deployment.environment.name`. @default undefined (omitted) */
  readonly environment?: string
  /** Extra resource attributes; they override the standard ones. @default undefined (none) */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>
  /** The meter's instrumentation scope name. @default DEFAULT_METER_NAME ('@mega/observe') */
  readonly meterName?: string
  /**
   * Called with each error a scrape met (an observable gauge's `observe` threw); the scrape still
   * renders the rest.
   * @default process.emitWarning
   */
  readonly onCollectError?: (error: unknown) => void
}

function emitCollectWarning(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error)
  process.emitWarning(`A metrics collection callback failed: ${message}`, 'MegaMetricsWarning')
}

const labelName = z
  .string()
  .regex(LABEL_NAME_PATTERN, 'a label name is letters, digits and _, starting with a letter')
  .refine((name) => !RESERVED_LABELS.has(name), 'le, quantile and worker are reserved label names')

const instrumentSchema = z.strictObject({
  description: z.string().optional(),
  unit: z.string().optional(),
  labels: z.array(labelName).optional(),
})

const histogramSchema = instrumentSchema.extend({
  buckets: z
    .array(z.number().finite())
    .min(1)
    .refine((b) => b.every((v, i) => i === 0 || v > (b[i - 1] ?? v)), 'buckets must increase')
    .optional(),
})

const observableGaugeSchema = instrumentSchema.extend({
  observe: z.custom<GaugeObserver>((v) => typeof v === 'function', 'observe must be a function'),
})

/** Options shared by every instrument. */
export interface InstrumentOptions {
  /** Rendered as `# HELP`. @default '' (the exporter writes "description missing") */
  readonly description?: string
  /** UCUM unit such as `s`, `By` or `{request}`; rendered as `# UNIT`. @default undefined */
  readonly unit?: string
  /**
   * The label names a measurement may carry. When given, any other label is a
   * `MEGA_METRICS_INVALID` error at record time; `le`, `quantile` and `worker` are reserved.
   * @default undefined (labels not checked)
   */
  readonly labels?: readonly string[]
}

/** Options of {@link MegaMetrics.histogram}. */
export interface HistogramOptions extends InstrumentOptions {
  /** Increasing bucket upper bounds. @default DEFAULT_HISTOGRAM_BUCKETS (seconds) */
  readonly buckets?: readonly number[]
}

/** One observation of an observable gauge. */
export interface GaugeObservation {
  readonly value: number
  readonly labels?: MetricLabels
}

/** Reads a gauge's current value(s) at scrape time. */
export type GaugeObserver = () =>
  number | readonly GaugeObservation[] | Promise<number | readonly GaugeObservation[]>

/** Options of {@link MegaMetrics.observableGauge}. */
export interface ObservableGaugeOptions extends InstrumentOptions {
  /** Called at each scrape; returns one value or one value per label set. */
  readonly observe: GaugeObserver
}

/** A monotonic counter (Prometheus `counter`). */
export interface CounterHandle {
  /** Adds `value` (default 1, never negative). */
  add(value?: number, labels?: MetricLabels): void
}

/** A counter that goes up and down (rendered as a Prometheus `gauge`). */
export interface UpDownCounterHandle {
  /** Adds `delta`, which may be negative. */
  add(delta: number, labels?: MetricLabels): void
}

/** A histogram (Prometheus `histogram`). */
export interface HistogramHandle {
  /** Records one value, in the instrument's unit. */
  record(value: number, labels?: MetricLabels): void
}

/** A synchronous gauge: the last value set wins. */
export interface GaugeHandle {
  /** Sets the current value. */
  set(value: number, labels?: MetricLabels): void
}

/** An observable gauge's registration. */
export interface ObservableGaugeHandle {
  /** Stops calling this observer. */
  remove(): void
}

type InstrumentKind = 'counter' | 'upDownCounter' | 'histogram' | 'gauge' | 'observableGauge'

function metricsError(message: string, details?: Record<string, unknown>): MegaError {
  return OBSERVE_ERRORS.create(
    'MEGA_METRICS_INVALID',
    [message],
    details === undefined ? {} : { details },
  )
}

function checkMetricName(name: unknown): asserts name is string {
  if (typeof name === 'string' && METRIC_NAME_PATTERN.test(name)) return
  throw metricsError(
    `Invalid metric name ${JSON.stringify(name)}: use letters, digits and _, starting with a letter ` +
      '(at most 255 characters), e.g. mega_http_requests_total.',
    { name },
  )
}

function parseInstrument<S extends z.ZodType>(
  schema: S,
  name: string,
  input: unknown,
): z.output<S> {
  const result = schema.safeParse(input ?? {})
  if (result.success) return result.data
  const issues = zodIssues(result.error, name)
  const list = issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')
  throw OBSERVE_ERRORS.create(
    'MEGA_METRICS_INVALID',
    [`Invalid options of metric ${name}:\n${list}`],
    {
      issues,
    },
  )
}

function labelChecker(name: string, declared: readonly string[] | undefined) {
  if (declared === undefined) return (labels: MetricLabels) => labels
  const allowed = new Set(declared)
  return (labels: MetricLabels): MetricLabels => {
    for (const key in labels) {
      if (!allowed.has(key)) {
        throw metricsError(
          `Metric ${name} got label "${key}"; declared labels: ${declared.join(', ') || '(none)'}. ` +
            'Declare it in the labels option or drop it.',
          { name, label: key },
        )
      }
    }
    return labels
  }
}

const NO_LABELS: MetricLabels = Object.freeze({})

function otelOptions(opts: { description?: string; unit?: string }): MetricOptions {
  return {
    ...(opts.description === undefined ? {} : { description: opts.description }),
    ...(opts.unit === undefined ? {} : { unit: opts.unit }),
  }
}

/**
 * OpenTelemetry metrics rendered as Prometheus text. The exporter never opens a port: the app
 * serves {@link MegaMetrics.renderPrometheus} on its own port. Create it with {@link createMetrics}.
 */
export class MegaMetrics {
  readonly #provider: MeterProvider
  readonly #exporter: PrometheusExporter
  readonly #serializer = new PrometheusSerializer()
  readonly #meter: Meter
  readonly #onCollectError: (error: unknown) => void
  readonly #instruments = new Map<string, { kind: InstrumentKind; handle: unknown }>()
  #closed = false

  /** Validates `options` (`MEGA_CONFIG_INVALID` listing every problem) and builds the provider. */
  constructor(options: MetricsOptions) {
    const config = parseOptions(metricsOptionsSchema, options, 'metrics')
    this.#exporter = new PrometheusExporter({ preventServerStart: true })
    this.#provider = new MeterProvider({
      resource: buildOtelResource(config),
      readers: [this.#exporter],
    })
    this.#meter = this.#provider.getMeter(config.meterName)
    this.#onCollectError = config.onCollectError
  }

  /** A monotonic counter; counter names should end in `_total`. */
  counter(name: string, options?: InstrumentOptions): CounterHandle {
    return this.#define(name, 'counter', () => {
      const opts = parseInstrument(instrumentSchema, name, options)
      const check = labelChecker(name, opts.labels)
      const counter = this.#meter.createCounter(name, otelOptions(opts))
      return {
        add(value = 1, labels = NO_LABELS) {
          if (!(value >= 0)) throw metricsError(`Counter ${name} got ${value}: add 0 or more.`)
          counter.add(value, check(labels))
        },
      }
    })
  }

  /** A counter that may go down, such as open connections. */
  upDownCounter(name: string, options?: InstrumentOptions): UpDownCounterHandle {
    return this.#define(name, 'upDownCounter', () => {
      const opts = parseInstrument(instrumentSchema, name, options)
      const check = labelChecker(name, opts.labels)
      const counter = this.#meter.createUpDownCounter(name, otelOptions(opts))
      return { add: (delta: number, labels = NO_LABELS) => counter.add(delta, check(labels)) }
    })
  }

  /** A histogram with explicit bucket bounds (default {@link DEFAULT_HISTOGRAM_BUCKETS}). */
  histogram(name: string, options?: HistogramOptions): HistogramHandle {
    return this.#define(name, 'histogram', () => {
      const { buckets, ...opts } = parseInstrument(histogramSchema, name, options)
      const check = labelChecker(name, opts.labels)
      const explicitBucketBoundaries = [...(buckets ?? DEFAULT_HISTOGRAM_BUCKETS)]
      const histogram = this.#meter.createHistogram(name, {
        ...otelOptions(opts),
        advice: { explicitBucketBoundaries },
      })
      return {
        record: (value: number, labels = NO_LABELS) => histogram.record(value, check(labels)),
      }
    })
  }

  /** A synchronous gauge: `set` the current value, the last one is rendered. */
  gauge(name: string, options?: InstrumentOptions): GaugeHandle {
    return this.#define(name, 'gauge', () => {
      const opts = parseInstrument(instrumentSchema, name, options)
      const check = labelChecker(name, opts.labels)
      const gauge = this.#meter.createGauge(name, otelOptions(opts))
      return { set: (value: number, labels = NO_LABELS) => gauge.record(value, check(labels)) }
    })
  }

  /** A gauge read at scrape time by `observe`. Each call adds one observer. */
  observableGauge(name: string, options: ObservableGaugeOptions): ObservableGaugeHandle {
    const { observe, ...opts } = parseInstrument(observableGaugeSchema, name, options)
    const gauge = this.#define(name, 'observableGauge', () =>
      this.#meter.createObservableGauge(name, otelOptions(opts)),
    )
    const check = labelChecker(name, opts.labels)
    const callback = async (result: ObservableResult) => {
      const observed = await observe()
      const list = typeof observed === 'number' ? [{ value: observed }] : observed
      for (const o of list) result.observe(o.value, check(o.labels ?? NO_LABELS))
    }
    gauge.addCallback(callback)
    return { remove: () => gauge.removeCallback(callback) }
  }

  /** Collects every instrument and returns Prometheus text exposition (ends with a newline). */
  async renderPrometheus(): Promise<string> {
    this.#assertOpen()
    const { resourceMetrics, errors } = await this.#exporter.collect()
    for (const error of errors) this.#onCollectError(error)
    const text = this.#serializer.serialize(resourceMetrics)
    return text.endsWith('\n') ? text : `${text}\n`
  }

  /** Shuts the provider down; later calls throw `MEGA_METRICS_SHUT_DOWN`. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#provider.shutdown()
  }

  #define<T>(name: string, kind: InstrumentKind, create: () => T): T {
    this.#assertOpen()
    checkMetricName(name)
    const existing = this.#instruments.get(name)
    if (existing?.kind === kind) return existing.handle as T
    if (existing !== undefined) {
      throw metricsError(
        `Metric ${name} is already a ${existing.kind}; it cannot also be a ${kind}.`,
        {
          name,
        },
      )
    }
    const handle = create()
    this.#instruments.set(name, { kind, handle })
    return handle
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw OBSERVE_ERRORS.create('MEGA_METRICS_SHUT_DOWN', [])
    }
  }
}

/**
 * Creates an independent metrics instance (its own meter provider and Prometheus reader).
 *
 * @example
 * const metrics = createMetrics({ serviceName: 'shop-api', version: '1.4.0' })
 * const requests = metrics.counter(METRIC_NAMES.httpRequests, { labels: ['method', 'route', 'status_code'] })
 * requests.add(1, { method: 'GET', route: '/users', status_code: 200 })
 * const text = await metrics.renderPrometheus()
 */
export function createMetrics(options: MetricsOptions): MegaMetrics {
  return new MegaMetrics(options)
}

let defaultMetrics: MegaMetrics | undefined

/**
 * Creates the process-wide metrics instance used by {@link getMetrics} and
 * {@link renderPrometheus}. Calling it twice without {@link shutdownMetrics} is `MEGA_METRICS_INVALID`.
 *
 * @example
 * initMetrics({ serviceName: 'shop-api', environment: 'production' })
 * getMetrics().counter(METRIC_NAMES.jobsStarted, { labels: ['queue'] }).add(1, { queue: 'mail' })
 */
export function initMetrics(options: MetricsOptions): MegaMetrics {
  if (defaultMetrics !== undefined) {
    throw metricsError(
      'initMetrics() was already called: call shutdownMetrics() first to replace it.',
    )
  }
  defaultMetrics = createMetrics(options)
  return defaultMetrics
}

/**
 * The process-wide instance; throws `MEGA_METRICS_NOT_INITIALIZED` before {@link initMetrics}.
 *
 * @example
 * getMetrics().histogram(METRIC_NAMES.dbQueryDuration, { unit: 's' }).record(0.012)
 */
export function getMetrics(): MegaMetrics {
  if (defaultMetrics !== undefined) return defaultMetrics
  throw OBSERVE_ERRORS.create('MEGA_METRICS_NOT_INITIALIZED', [])
}

/**
 * Prometheus text of the process-wide instance, for the app's own `/metrics` route. Rejects with
 * `MEGA_METRICS_NOT_INITIALIZED` before {@link initMetrics}.
 *
 * @example
 * const body = await renderPrometheus() // serve with content-type text/plain; version=0.0.4
 */
export async function renderPrometheus(): Promise<string> {
  return getMetrics().renderPrometheus()
}

/**
 * Shuts the process-wide instance down so {@link initMetrics} may run again. No-op when none.
 *
 * @example
 * await shutdownMetrics()
 */
export async function shutdownMetrics(): Promise<void> {
  const metrics = defaultMetrics
  defaultMetrics = undefined
  await metrics?.shutdown()
}
