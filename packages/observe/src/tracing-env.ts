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

/**
 * Reads the standard OpenTelemetry tracing variables: `OTEL_SDK_DISABLED`, `OTEL_SERVICE_NAME`,
 * `OTEL_TRACES_EXPORTER` (`otlp`, `console` or `none`), `OTEL_TRACES_SAMPLER` and
 * `OTEL_TRACES_SAMPLER_ARG`. The OTLP exporter itself reads `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` and `OTEL_EXPORTER_OTLP_HEADERS`. A value it cannot use is
 * a `MEGA_CONFIG_INVALID` listing every bad variable.
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
  const serviceName = set(env, 'OTEL_SERVICE_NAME')
  const disabled = set(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true'
  return {
    enabled: !disabled && exporter !== undefined && exporter !== 'none',
    ...(serviceName === undefined ? {} : { serviceName }),
    ...(exporter === undefined ? {} : { exporter }),
    ...(sampler === undefined ? {} : { sampler }),
    ...(sampleRatio === undefined ? {} : { sampleRatio }),
  }
}
