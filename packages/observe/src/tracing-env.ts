import { MegaConfigError, type MegaIssue } from './errors.js'

/** The samplers of the OpenTelemetry spec (`OTEL_TRACES_SAMPLER`), by their spec names. */
export const TRACING_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const

/** One of {@link TRACING_SAMPLERS}. */
export type TracingSampler = (typeof TRACING_SAMPLERS)[number]

/**
 * The `OTEL_PROPAGATORS` names Mega supports with the packages it ships: W3C trace context and W3C
 * baggage (`none`, the third, is an empty list).
 */
export const TRACING_PROPAGATORS = ['tracecontext', 'baggage'] as const

/** One of {@link TRACING_PROPAGATORS}. */
export type TracingPropagator = (typeof TRACING_PROPAGATORS)[number]

/** The code of every {@link TracingEnvWarning}. */
export const TRACING_ENV_IGNORED = 'MEGA_TRACING_ENV_IGNORED'

/**
 * A standard variable (or part of one) that was ignored, with why and what to do. Tracing still
 * starts: the spec says a bad value is discarded with a warning, not a failure.
 */
export interface TracingEnvWarning {
  readonly code: typeof TRACING_ENV_IGNORED
  /** The variable that was (partly) ignored. */
  readonly variable: 'OTEL_RESOURCE_ATTRIBUTES' | 'OTEL_PROPAGATORS'
  readonly message: string
}

/** The environment variables {@link readTracingEnv} reads (a plain object, e.g. `process.env`). */
export type TracingEnv = Readonly<Record<string, string | undefined>>

/** What the standard `OTEL_*` variables ask for; a field is absent when its variable is unset. */
export interface TracingEnvSettings {
  /**
   * Whether the environment asks for tracing: `OTEL_TRACES_EXPORTER` other than `none`, or an OTLP
   * endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`). `false` when
   * `OTEL_SDK_DISABLED=true`.
   */
  readonly enabled: boolean
  /** `OTEL_SERVICE_NAME`. */
  readonly serviceName?: string
  /** `OTEL_TRACES_EXPORTER`, or `otlp` when only an OTLP endpoint is set (the spec's default). */
  readonly exporter?: 'none' | 'console' | 'otlp'
  /** `OTEL_TRACES_SAMPLER`. */
  readonly sampler?: TracingSampler
  /** `OTEL_TRACES_SAMPLER_ARG` of a ratio sampler, 0 to 1. */
  readonly sampleRatio?: number
  /**
   * `OTEL_RESOURCE_ATTRIBUTES`, percent-decoded; absent when unset, blank or malformed (the whole
   * variable is discarded then, with a warning).
   */
  readonly resourceAttributes?: Readonly<Record<string, string>>
  /** `OTEL_PROPAGATORS` that Mega supports, in order; empty for `none`. Absent when unset. */
  readonly propagators?: readonly TracingPropagator[]
  /** What was ignored; {@link initTracing} reports each one through its `onWarning`. */
  readonly warnings: readonly TracingEnvWarning[]
}

const EXPORTERS = ['none', 'console', 'otlp'] as const

function set(env: TracingEnv, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

function readExporter(env: TracingEnv, issues: MegaIssue[]): TracingEnvSettings['exporter'] {
  const raw = set(env, 'OTEL_TRACES_EXPORTER')
  const endpoint =
    set(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? set(env, 'OTEL_EXPORTER_OTLP_ENDPOINT')
  if (raw === undefined) return endpoint === undefined ? undefined : 'otlp'
  const names = raw.split(',').map((name) => name.trim().toLowerCase())
  const [name] = names
  if (names.length === 1 && EXPORTERS.some((e) => e === name)) return name as 'none'
  issues.push({
    path: 'OTEL_TRACES_EXPORTER',
    message: `"${raw}" is not supported: set one of ${EXPORTERS.join(', ')}`,
  })
  return undefined
}

function readSampler(env: TracingEnv, issues: MegaIssue[]): TracingSampler | undefined {
  const raw = set(env, 'OTEL_TRACES_SAMPLER')?.toLowerCase()
  if (raw === undefined) return undefined
  const found = TRACING_SAMPLERS.find((s) => s === raw)
  if (found === undefined)
    issues.push({
      path: 'OTEL_TRACES_SAMPLER',
      message: `"${raw}" is not supported: set one of ${TRACING_SAMPLERS.join(', ')}`,
    })
  return found
}

function readRatio(env: TracingEnv, issues: MegaIssue[]): number | undefined {
  const raw = set(env, 'OTEL_TRACES_SAMPLER_ARG')
  if (raw === undefined) return undefined
  const ratio = Number(raw)
  if (Number.isFinite(ratio) && ratio >= 0 && ratio <= 1) return ratio
  issues.push({
    path: 'OTEL_TRACES_SAMPLER_ARG',
    message: `"${raw}" is not a ratio: set a number from 0 to 1 (0.1 keeps one trace in ten)`,
  })
  return undefined
}

// The rules of @opentelemetry/resources' envDetector (OTEL_RESOURCE_ATTRIBUTES per the SDK spec).
// Its parser is private and reports a failure at diag debug level only, so it is mirrored here to
// say which entry is wrong.
const MAX_ATTRIBUTE_LENGTH = 255

function parseAttribute(entry: string): [string, string] | string {
  const parts = entry.split('=')
  if (parts.length !== 2)
    return `"${entry.trim()}" is not key=value (a ',' or '=' inside a key or value must be percent-encoded: %2C, %3D)`
  const [rawKey = '', rawValue = ''] = parts.map((part) => part.trim())
  if (rawKey === '') return `"${entry.trim()}" has an empty key`
  let key: string
  let value: string
  try {
    key = decodeURIComponent(rawKey)
    value = decodeURIComponent(rawValue)
  } catch {
    return `"${entry.trim()}" is not valid percent-encoding (write a literal % as %25)`
  }
  if (key.length > MAX_ATTRIBUTE_LENGTH || value.length > MAX_ATTRIBUTE_LENGTH)
    return `"${key}" has a key or value longer than ${MAX_ATTRIBUTE_LENGTH} characters`
  return [key, value]
}

function readResourceAttributes(
  env: TracingEnv,
  warnings: TracingEnvWarning[],
): Record<string, string> | undefined {
  const raw = set(env, 'OTEL_RESOURCE_ATTRIBUTES')
  if (raw === undefined) return undefined
  const attributes: Record<string, string> = {}
  for (const entry of raw.split(',').filter((e) => e.trim() !== '')) {
    const parsed = parseAttribute(entry)
    if (typeof parsed === 'string') {
      warnings.push({
        code: TRACING_ENV_IGNORED,
        variable: 'OTEL_RESOURCE_ATTRIBUTES',
        message: `OTEL_RESOURCE_ATTRIBUTES is ignored (no attribute of it is used): ${parsed}. Write key=value pairs separated by commas, e.g. team=payments,region=eu-west-1.`,
      })
      return undefined
    }
    attributes[parsed[0]] = parsed[1]
  }
  return Object.keys(attributes).length === 0 ? undefined : attributes
}

// Spec names whose propagator lives in a package Mega does not ship.
const PROPAGATOR_PACKAGES: Readonly<Record<string, string>> = {
  b3: '@opentelemetry/propagator-b3',
  b3multi: '@opentelemetry/propagator-b3',
  jaeger: '@opentelemetry/propagator-jaeger',
  xray: '@opentelemetry/propagator-aws-xray',
  ottrace: '@opentelemetry/propagator-ot-trace',
}

function readPropagators(
  env: TracingEnv,
  warnings: TracingEnvWarning[],
): TracingPropagator[] | undefined {
  const raw = set(env, 'OTEL_PROPAGATORS')
  if (raw === undefined) return undefined
  const names = [...new Set(raw.split(',').map((n) => n.trim().toLowerCase()))].filter(Boolean)
  if (names.includes('none')) return []
  const supported = names.filter((n): n is TracingPropagator =>
    TRACING_PROPAGATORS.some((p) => p === n),
  )
  const ignored = names.filter((n) => !supported.includes(n as TracingPropagator))
  if (ignored.length > 0) {
    const why = ignored.map((n) =>
      PROPAGATOR_PACKAGES[n] === undefined
        ? `"${n}" is not a propagator name`
        : `${n} needs ${PROPAGATOR_PACKAGES[n]}, which Mega does not ship or load`,
    )
    warnings.push({
      code: TRACING_ENV_IGNORED,
      variable: 'OTEL_PROPAGATORS',
      message: `OTEL_PROPAGATORS: ${ignored.join(', ')} ignored (${why.join('; ')}). Mega supports ${TRACING_PROPAGATORS.join(', ')} and none; ${supported.length === 0 ? 'nothing is propagated now' : `propagating with ${supported.join(', ')}`}.`,
    })
  }
  return supported
}

/**
 * Reads the standard OpenTelemetry tracing variables: `OTEL_SDK_DISABLED`, `OTEL_SERVICE_NAME`,
 * `OTEL_TRACES_EXPORTER` (`otlp`, `console` or `none`), `OTEL_TRACES_SAMPLER` and
 * `OTEL_TRACES_SAMPLER_ARG`, `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_PROPAGATORS`. The OTLP exporter itself reads `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` and `OTEL_EXPORTER_OTLP_HEADERS`. A value it cannot use is
 * a `MEGA_CONFIG_INVALID` listing every bad variable, except in the last two: a malformed
 * `OTEL_RESOURCE_ATTRIBUTES` is discarded whole and a propagator Mega lacks (`b3`, `jaeger`,
 * `xray`...) is left out, each with one entry in `warnings` (the spec's rule). The service name is
 * `OTEL_SERVICE_NAME`, else the `service.name` of `OTEL_RESOURCE_ATTRIBUTES`.
 *
 * @example
 * const fromEnv = readTracingEnv(process.env) // { enabled: true, exporter: 'otlp', ... }
 */
export function readTracingEnv(env: TracingEnv = process.env): TracingEnvSettings {
  const issues: MegaIssue[] = []
  const exporter = readExporter(env, issues)
  const sampler = readSampler(env, issues)
  const sampleRatio = readRatio(env, issues)
  if (issues.length > 0) throw new MegaConfigError('tracing environment', issues)
  const warnings: TracingEnvWarning[] = []
  const resourceAttributes = readResourceAttributes(env, warnings)
  const propagators = readPropagators(env, warnings)
  const serviceName =
    set(env, 'OTEL_SERVICE_NAME') ?? (resourceAttributes?.['service.name'] || undefined)
  const disabled = set(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true'
  return {
    enabled: !disabled && exporter !== undefined && exporter !== 'none',
    ...(serviceName === undefined ? {} : { serviceName }),
    ...(exporter === undefined ? {} : { exporter }),
    ...(sampler === undefined ? {} : { sampler }),
    ...(sampleRatio === undefined ? {} : { sampleRatio }),
    ...(resourceAttributes === undefined ? {} : { resourceAttributes }),
    ...(propagators === undefined ? {} : { propagators }),
    warnings,
  }
}
