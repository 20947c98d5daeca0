import {
  context,
  isSpanContextValid,
  propagation,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  type TracerProvider,
} from '@opentelemetry/api'
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core'
import type { NodeSDK } from '@opentelemetry/sdk-node'
import type { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import type * as TraceBaseModule from '@opentelemetry/sdk-trace-base'
import type { Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { z } from 'zod'
import { MegaError, OBSERVE_ERRORS } from './errors.js'
import { parseOptions } from './internal/zod-issues.js'
import { buildOtelResource } from './otel-resource.js'
import {
  readTracingEnv,
  TRACING_SAMPLERS,
  type TracingEnv,
  type TracingEnvSettings,
  type TracingEnvWarning,
  type TracingPropagator,
  type TracingSampler,
} from './tracing-env.js'

/** Where finished spans go: nowhere (ids and propagation only), stdout, or an OTLP/HTTP collector. */
export const TRACING_EXPORTERS = ['none', 'console', 'otlp'] as const

/** One of {@link TRACING_EXPORTERS}. */
export type TracingExporter = (typeof TRACING_EXPORTERS)[number]

/** The instrumentation scope of Mega's tracer. */
export const DEFAULT_TRACER_NAME = '@mega/observe'

/** Options of {@link initTracing}. */
export interface TracingOptions {
  /** `service.name` of the resource. @default OTEL_SERVICE_NAME (one of the two is required) */
  readonly serviceName?: string
  /** `service.version`. @default undefined (omitted) */
  readonly version?: string
  /** `deployment.environment.name`. @default undefined (omitted) */
  readonly environment?: string
  /** Extra resource attributes; they override the standard ones. @default undefined (none) */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>
  /**
   * `none` records spans (trace ids in logs, propagation) but exports nothing; `console` prints
   * each span; `otlp` batches spans to an OTLP/HTTP collector.
   * @default OTEL_TRACES_EXPORTER, else 'otlp' when an OTLP endpoint variable is set, else 'none'
   */
  readonly exporter?: TracingExporter
  /**
   * Collector URL, only with `exporter: 'otlp'`.
   * @default undefined (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else http://localhost:4318/v1/traces)
   */
  readonly otlpUrl?: string
  /**
   * Which traces are kept (the spec's sampler names). The `parentbased_*` ones follow a caller's
   * `traceparent` sampled flag and apply their rule to new root traces only.
   * @default OTEL_TRACES_SAMPLER, else 'parentbased_traceidratio'
   */
  readonly sampler?: TracingSampler
  /** Share of traces a ratio sampler keeps, 0 to 1. @default OTEL_TRACES_SAMPLER_ARG, else 1 */
  readonly sampleRatio?: number
  /**
   * A client span around each outgoing `fetch` (undici) with `traceparent`/`tracestate` set on the
   * request, so the called service continues the trace. @default true
   */
  readonly instrumentFetch?: boolean
  /** Where the `OTEL_*` variables are read. @default process.env */
  readonly env?: TracingEnv
  /**
   * Told once per variable that was (partly) ignored: a malformed `OTEL_RESOURCE_ATTRIBUTES`, a
   * propagator in `OTEL_PROPAGATORS` that Mega lacks. Boot logs it at warn level.
   * @default process.emitWarning (with the warning's code)
   */
  readonly onWarning?: (warning: TracingEnvWarning) => void
  /** Extra span processors (tests pass an in-memory exporter here). @default [] */
  readonly spanProcessors?: readonly SpanProcessor[]
}

const tracingOptionsSchema = z
  .strictObject({
    serviceName: z
      .string({
        error:
          'set serviceName (or OTEL_SERVICE_NAME), the name of the service these spans come from',
      })
      .min(1, 'serviceName must not be empty'),
    version: z.string().optional(),
    environment: z.string().optional(),
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    exporter: z.enum(TRACING_EXPORTERS).default('none'),
    otlpUrl: z.url().optional(),
    sampler: z.enum(TRACING_SAMPLERS).default('parentbased_traceidratio'),
    sampleRatio: z.number().min(0).max(1).default(1),
    instrumentFetch: z.boolean().default(true),
    spanProcessors: z
      .array(z.custom<SpanProcessor>((v) => typeof v === 'object' && v !== null))
      .default([]),
  })
  .refine((o) => o.otlpUrl === undefined || o.exporter === 'otlp', {
    path: ['otlpUrl'],
    message: "otlpUrl is only used with exporter: 'otlp'; set that exporter or remove otlpUrl",
  })

type TracingConfig = z.output<typeof tracingOptionsSchema>

function buildPropagator(names: readonly TracingPropagator[]): TextMapPropagator {
  return new CompositePropagator({
    propagators: names.map((name) =>
      name === 'tracecontext' ? new W3CTraceContextPropagator() : new W3CBaggagePropagator(),
    ),
  })
}

const W3C_PROPAGATOR = buildPropagator(['tracecontext', 'baggage'])
// What injectTraceContext and extractTraceContext use: OTEL_PROPAGATORS while tracing runs.
let activePropagator: TextMapPropagator = W3C_PROPAGATOR

let sdk: NodeSDK | 'starting' | undefined
// NodeSDK.shutdown() leaves instrumentations enabled: each initTracing would add one more fetch hook
// (and one more traceparent per request). shutdownTracing disables the ones this module made.
let instrumentations: UndiciInstrumentation[] = []

async function exporterProcessor(config: TracingConfig): Promise<SpanProcessor> {
  const base = await import('@opentelemetry/sdk-trace-base')
  if (config.exporter === 'console')
    return new base.SimpleSpanProcessor(new base.ConsoleSpanExporter())
  if (config.exporter === 'none') return new base.NoopSpanProcessor()
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http')
  const url = config.otlpUrl === undefined ? {} : { url: config.otlpUrl }
  return new base.BatchSpanProcessor(new OTLPTraceExporter(url))
}

type TraceBase = typeof TraceBaseModule

function buildSampler(base: TraceBase, name: TracingSampler, ratio: number): Sampler {
  const root = name.endsWith('always_on')
    ? new base.AlwaysOnSampler()
    : name.endsWith('always_off')
      ? new base.AlwaysOffSampler()
      : new base.TraceIdRatioBasedSampler(ratio)
  return name.startsWith('parentbased_') ? new base.ParentBasedSampler({ root }) : root
}

async function undiciInstrumentation(): Promise<UndiciInstrumentation> {
  const undici = await import('@opentelemetry/instrumentation-undici')
  return new undici.UndiciInstrumentation()
}

/** Options first, then the `OTEL_*` variables, then the defaults of the schema. */
function withEnv(given: Omit<TracingOptions, 'env' | 'onWarning'>, fromEnv: TracingEnvSettings) {
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined))
  const {
    enabled: _enabled,
    resourceAttributes: _attributes,
    propagators: _propagators,
    warnings: _warnings,
    ...settings
  } = fromEnv
  return { ...settings, ...defined }
}

function emitTracingWarning(warning: TracingEnvWarning): void {
  process.emitWarning(warning.message, { type: 'MegaTracingWarning', code: warning.code })
}

function disableInstrumentations(): void {
  for (const instrumentation of instrumentations.splice(0)) instrumentation.disable()
}

async function createSdk(
  config: TracingConfig,
  fromEnv: TracingEnvSettings,
  propagator: TextMapPropagator,
): Promise<NodeSDK> {
  instrumentations = config.instrumentFetch ? [await undiciInstrumentation()] : []
  const [{ NodeSDK }, base] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/sdk-trace-base'),
  ])
  return new NodeSDK({
    resource: buildOtelResource({ ...config, baseAttributes: fromEnv.resourceAttributes }),
    autoDetectResources: false,
    instrumentations,
    sampler: buildSampler(base, config.sampler, config.sampleRatio),
    spanProcessors: [await exporterProcessor(config), ...config.spanProcessors],
    textMapPropagator: propagator,
    metricReaders: [],
    logRecordProcessors: [],
  })
}

/**
 * Starts OpenTelemetry tracing through `NodeSDK`: the shared resource (plus
 * `OTEL_RESOURCE_ATTRIBUTES`), the W3C trace-context and baggage propagators (or what
 * `OTEL_PROPAGATORS` picks), an AsyncLocalStorage context manager and the chosen exporter. Tracing is off until
 * this runs; nothing touches the network unless `exporter: 'otlp'`. Options not given come from the
 * standard `OTEL_*` variables ({@link readTracingEnv}). Outgoing `fetch` calls get a client span
 * and a `traceparent` header (`instrumentFetch`). A second call before
 * {@link shutdownTracing} is `MEGA_TRACING_INVALID`.
 *
 * @example
 * await initTracing({ serviceName: 'shop-api', exporter: 'otlp', otlpUrl: 'http://otel:4318/v1/traces' })
 */
export async function initTracing(options: TracingOptions): Promise<void> {
  const { env, onWarning = emitTracingWarning, ...given } = options
  const fromEnv = readTracingEnv(env ?? process.env)
  const config = parseOptions(tracingOptionsSchema, withEnv(given, fromEnv), 'tracing')
  if (sdk !== undefined) {
    throw OBSERVE_ERRORS.create('MEGA_TRACING_INVALID')
  }
  sdk = 'starting'
  try {
    for (const warning of fromEnv.warnings) onWarning(warning)
    const propagator =
      fromEnv.propagators === undefined ? W3C_PROPAGATOR : buildPropagator(fromEnv.propagators)
    const started = await createSdk(config, fromEnv, propagator)
    started.start()
    sdk = started
    activePropagator = propagator
  } catch (err) {
    sdk = undefined
    disableInstrumentations()
    throw err
  }
}

/**
 * Flushes and stops tracing and unregisters the global tracer provider, propagator and context
 * manager, so {@link initTracing} may run again. No-op when tracing is off.
 *
 * @example
 * await shutdownTracing()
 */
export async function shutdownTracing(): Promise<void> {
  const current = sdk
  if (current === undefined || current === 'starting') return
  sdk = undefined
  try {
    await current.shutdown()
  } finally {
    activePropagator = W3C_PROPAGATOR
    disableInstrumentations()
    trace.disable()
    propagation.disable()
    context.disable()
  }
}

/** Creates spans around functions; see {@link MegaTracer.span}. */
export interface MegaTracer {
  /**
   * Runs `fn` inside a new active span and ends the span when `fn` returns (or its promise
   * settles). A throw or rejection is recorded on the span (exception, status ERROR, `error.type`)
   * and rethrown. A sync `fn` returns its value; an async one returns its promise.
   */
  span<T>(name: string, fn: (span: Span) => T, options?: SpanOptions): T
}

/** Options of {@link createTracer}. */
export interface TracerOptions {
  /** Instrumentation scope name. @default DEFAULT_TRACER_NAME ('@mega/observe') */
  readonly name?: string
  /** Where tracers come from. @default the global provider that initTracing registers */
  readonly provider?: TracerProvider
}

function errorType(err: unknown): string {
  if (MegaError.is(err)) return err.code
  return err instanceof Error ? err.name : typeof err
}

function recordFailure(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err))
  span.setAttribute('error.type', errorType(err))
  const message = err instanceof Error ? err.message : String(err)
  span.setStatus({ code: SpanStatusCode.ERROR, message })
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

function runInSpan<T>(span: Span, fn: (span: Span) => T): T {
  let result: T
  try {
    result = fn(span)
  } catch (err) {
    recordFailure(span, err)
    span.end()
    throw err
  }
  if (!isPromiseLike(result)) {
    span.end()
    return result
  }
  const settle = (value: unknown) => (span.end(), value)
  const fail = (err: unknown) => {
    recordFailure(span, err)
    span.end()
    throw err
  }
  return Promise.resolve(result).then(settle, fail) as T
}

/**
 * A {@link MegaTracer} over `provider` (default: the global one, so it follows initTracing and
 * shutdownTracing). Without initTracing its spans are no-ops.
 *
 * @example
 * const t = createTracer({ name: 'billing' })
 * const total = t.span('invoice.total', (span) => { span.setAttribute('items', 3); return 42 })
 */
export function createTracer(options: TracerOptions = {}): MegaTracer {
  const name = options.name ?? DEFAULT_TRACER_NAME
  const provider = options.provider
  return {
    span<T>(spanName: string, fn: (span: Span) => T, spanOptions: SpanOptions = {}): T {
      const otel = provider === undefined ? trace.getTracer(name) : provider.getTracer(name)
      return otel.startActiveSpan(spanName, spanOptions, (span) => runInSpan(span, fn))
    },
  }
}

/**
 * The process-wide tracer (`ctx.tracer` in handlers).
 *
 * @example
 * const user = await tracer.span('db.loadUser', async (span) => {
 *   span.setAttribute('user.id', id)
 *   return db.users.find(id)
 * })
 */
export const tracer: MegaTracer = createTracer()

/** Plain header objects: NATS message headers, WebSocket envelope metadata, HTTP headers. */
export type TraceHeaders = Readonly<Record<string, string | undefined>>

const headerGetter: TextMapGetter<TraceHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    if (carrier[key] !== undefined) return carrier[key]
    const found = Object.keys(carrier).find((k) => k.toLowerCase() === key)
    return found === undefined ? undefined : carrier[found]
  },
}

const headerSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => void (carrier[key] = value),
}

/**
 * Returns a copy of `headers` with the W3C `traceparent` (and `tracestate`, `baggage`) of
 * `ctx` added, or what `OTEL_PROPAGATORS` picks while tracing runs (nothing for `none`). Nothing is
 * added when no span is active.
 *
 * @example
 * nats.publish(subject, data, { headers: toNatsHeaders(injectTraceContext()) })
 */
export function injectTraceContext(
  headers: Readonly<Record<string, string>> = {},
  ctx: Context = context.active(),
): Record<string, string> {
  const carrier: Record<string, string> = { ...headers }
  activePropagator.inject(ctx, carrier, headerSetter)
  return carrier
}

/**
 * The context carried by `headers` (a remote parent span), on top of `ctx`. Header names are
 * matched case-insensitively.
 *
 * @example
 * const parent = extractTraceContext(message.headers)
 */
export function extractTraceContext(
  headers: TraceHeaders,
  ctx: Context = context.active(),
): Context {
  return activePropagator.extract(ctx, headers, headerGetter)
}

/**
 * Runs `fn` with the context carried by `headers` active, so spans it starts continue the remote
 * trace.
 *
 * @example
 * withExtractedContext(envelope.meta, () => tracer.span('ws.message', () => handle(envelope)))
 */
export function withExtractedContext<T>(headers: TraceHeaders, fn: () => T): T {
  return context.with(extractTraceContext(headers), fn)
}

/** The log fields {@link logMixin} adds: both ids, or none. */
export type TraceLogFields =
  { readonly trace_id: string; readonly span_id: string } | Readonly<Record<string, never>>

/**
 * A pino `mixin`: `{ trace_id, span_id }` of the active span, or an empty object when there is none
 * (one lookup and no work beyond it). The object is always new: pino merges the line's fields into
 * what a mixin returns, so a shared or frozen object would break logging.
 *
 * @example
 * const logger = pino({ mixin: logMixin })
 */
export function logMixin(): TraceLogFields {
  const span = trace.getActiveSpan()
  if (span === undefined) return {}
  const spanContext = span.spanContext()
  if (!isSpanContextValid(spanContext)) return {}
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId }
}
