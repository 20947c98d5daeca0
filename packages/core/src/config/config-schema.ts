import { z } from 'zod'
import { LOGGER_LEVELS, TRACING_EXPORTERS, TRACING_SAMPLERS } from '@mega/observe'
import type { MegaPlugin } from '../plugins/define-plugin.js'
import { DEFAULT_MAX_JSON_DEPTH } from '../http/json-parser.js'
import { trustProxySchema } from '../http/trust-proxy.js'
import { ipRangeSchema } from '../http/ip-allow-list.js'

const NAME = /^[a-z][a-z0-9_-]*$/i
const ALIAS = /^[a-z][a-zA-Z0-9_-]*$/

const appSchema = z
  .object({
    name: z.string().regex(NAME, 'use letters, digits, "-" or "_", starting with a letter'),
    prefix: z.string().regex(/^\//, 'start with "/"').default('/'),
    dir: z.string().min(1).optional(),
  })
  .strict()

const serverSchema = z
  .object({
    host: z.string().min(1).default('0.0.0.0'),
    port: z.number().int().min(0).max(65535).default(3000),
    trustProxy: trustProxySchema.default(false),
    bodyLimit: z.number().int().positive().default(1_048_576),
    maxJsonDepth: z
      .number()
      .int()
      .min(1, 'allow at least 1 level')
      .max(1024, 'stay at or under 1024 levels: deeper documents overflow recursive code')
      .default(DEFAULT_MAX_JSON_DEPTH),
    workers: z.union([z.number().int().positive(), z.literal('auto')]).default(1),
  })
  .strict()

const adapterSchema = z
  .object({ driver: z.string().min(1, 'name the driver, e.g. "memory" or "postgres"') })
  .loose()

// `logger: false` is short for `{ enabled: false }`; one object schema keeps issue paths precise.
const loggerObject = z
  .object({ enabled: z.boolean().default(true), level: z.enum(LOGGER_LEVELS).default('info') })
  .loose()
const loggerSchema = z.preprocess(
  (value) => (value === false ? { enabled: false } : value),
  loggerObject,
) as unknown as z.ZodType<z.output<typeof loggerObject>, false | z.input<typeof loggerObject>>

// Who may read /metrics and the health details (see boot/endpoints.ts).
const endpointAccess = {
  token: z.string().min(16, 'at least 16 characters: use a long random secret').optional(),
  allow: z.array(ipRangeSchema).optional(),
}

const metricsSchema = z
  .object({
    ...endpointAccess,
    enabled: z.boolean().default(false),
    path: z.string().regex(/^\//, 'start with "/"').default('/metrics'),
    serviceName: z.string().min(1).optional(),
  })
  .loose()

// Every field left out comes from the standard OTEL_* variables (see boot and readTracingEnv).
const tracingSchema = z
  .object({
    /** @default true when OTEL_TRACES_EXPORTER (not none) or an OTLP endpoint variable is set */
    enabled: z.boolean().optional(),
    serviceName: z.string().min(1).optional(),
    exporter: z.enum(TRACING_EXPORTERS).optional(),
    otlpUrl: z.url().optional(),
    sampler: z.enum(TRACING_SAMPLERS).optional(),
    sampleRatio: z.number().min(0, 'from 0 to 1').max(1, 'from 0 to 1').optional(),
    instrumentFetch: z.boolean().optional(),
  })
  .loose()

const healthSchema = z
  .object({
    livePath: z.string().regex(/^\//, 'start with "/"').default('/health/live'),
    readyPath: z.string().regex(/^\//, 'start with "/"').default('/health/ready'),
    ...endpointAccess,
  })
  .strict()

const pluginSchema = z.custom<MegaPlugin>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as MegaPlugin).name === 'string' &&
    typeof (value as MegaPlugin).setup === 'function',
  'must be a plugin made with definePlugin({ name, setup })',
)

/** The zod schema of `mega.config.ts`: the single source of its types, defaults and messages. */
export const megaConfigSchema = z
  .object({
    name: z.string().min(1).default('mega'),
    production: z.boolean().optional(),
    apps: z
      .array(appSchema)
      .min(1)
      .default([{ name: 'main', prefix: '/' }]),
    server: serverSchema.default(serverSchema.parse({})),
    adapters: z
      .record(
        z.string().regex(ALIAS, 'aliases are identifiers such as "db" or "cache"'),
        adapterSchema,
      )
      .default({}),
    logger: loggerSchema.default({ enabled: true, level: 'info' }),
    metrics: metricsSchema.default(metricsSchema.parse({})),
    tracing: tracingSchema.default(tracingSchema.parse({})),
    health: healthSchema.default(healthSchema.parse({})),
    /** Plugins for every app of the process, set up in dependency order at start. */
    plugins: z.array(pluginSchema).default([]),
    /** The app's own settings, reachable as `this.settings` in services and `ctx.app.settings`. */
    settings: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>()
    config.apps.forEach((app, i) => {
      if (seen.has(app.name))
        ctx.addIssue({
          code: 'custom',
          path: ['apps', i, 'name'],
          message: `app "${app.name}" is declared twice`,
        })
      seen.add(app.name)
    })
  })

/** What you write in `mega.config.ts` (defaults may be left out). */
export type MegaConfigInput = z.input<typeof megaConfigSchema>

/** The validated, defaulted, frozen configuration. */
export type MegaConfig = z.output<typeof megaConfigSchema>
