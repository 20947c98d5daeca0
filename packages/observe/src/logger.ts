import { createRequire } from 'node:module'
import pino, { type DestinationStream, type Logger, type TransportTargetOptions } from 'pino'
import { z } from 'zod'
import { createLogMixin, type LogMixin } from './internal/log-context.js'
import { resolveRedact, type ResolvedRedact } from './internal/redact-paths.js'
import { parseOptions } from './internal/zod-issues.js'
import { logMixin } from './tracing.js'
import { LOG_LEVELS, type LogLevelName } from './log-levels.js'
import { telegramSinkSchema, type TelegramSinkConfig } from './telegram/telegram-core.js'

export { runWithLogContext, getLogContext } from './internal/log-context.js'
export type { LogContext, LogMixin } from './internal/log-context.js'

/**
 * Paths redacted in every log line, whatever the user configures (secrets never leave the process
 * in plaintext). The user's paths are added to these, never instead of them.
 */
export const DEFAULT_REDACT_PATHS: readonly string[] = Object.freeze([
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.token',
  '*.secret',
  '*.accessToken',
  '*.refreshToken',
  '*.apiKey',
])

/** The levels a logger can be set to (`silent` turns every line off). */
export const LOGGER_LEVELS = [...LOG_LEVELS, 'silent'] as const

/** One of {@link LOGGER_LEVELS}. */
export type MegaLogLevel = (typeof LOGGER_LEVELS)[number]

/** The pino module path of the Telegram transport (a `file:` URL next to this module). */
export const TELEGRAM_TRANSPORT_TARGET = new URL(
  './telegram/telegram-transport.js',
  import.meta.url,
).href

/** Where log lines go. At least one sink must be on. */
export interface MegaLoggerSinks {
  /**
   * Lines on stdout: JSON, or with `pretty` one coloured, human-readable line per record (pino-pretty;
   * for a person at a terminal, never for a log collector). `{ level }` raises its level.
   * @default true (JSON; pretty when the environment sets `MEGA_LOG_PRETTY=1`, as `mega dev` does
   * on a terminal)
   */
  readonly stdout?: boolean | { readonly level?: LogLevelName; readonly pretty?: boolean }
  /** JSON lines appended to a file. */
  readonly file?: {
    /** The file (its folder is created unless `mkdir` is false). */
    readonly path: string
    /** The lowest level written. @default the logger's level */
    readonly level?: LogLevelName
    /** Create the folder when missing. @default true */
    readonly mkdir?: boolean
  }
  /** Lines at `level` and above posted to a Telegram chat (throttled; failed posts retried). */
  readonly telegram?: TelegramSinkConfig
}

/** A censor function: receives the value and its path, returns the replacement. */
export type RedactCensor = (value: unknown, path: string[]) => unknown

/** The `logger` block of the Mega config. */
export interface MegaLoggerConfig {
  /** The lowest level logged. @default 'info' */
  readonly level?: MegaLogLevel
  /** Where lines go. @default { stdout: true } */
  readonly sinks?: MegaLoggerSinks
  /**
   * Extra paths to redact, added to {@link DEFAULT_REDACT_PATHS} (pino syntax: `a.b`,
   * `a["x-y"]`, `a[0]`, `*.b`), or `{ paths, censor, remove }` to also choose the replacement
   * (default `'[Redacted]'`) or remove the keys.
   * @default the default paths only
   */
  readonly redact?:
    | readonly string[]
    | {
        readonly paths: readonly string[]
        readonly censor?: string | RedactCensor
        readonly remove?: boolean
      }
  /** Add `requestId` from {@link runWithLogContext} to every line. @default true */
  readonly includeRequestId?: boolean
}

/** What {@link buildLoggerOptions} returns: pino options, also accepted by Fastify's `logger`. */
export interface MegaLoggerOptions {
  level: MegaLogLevel
  mixin: LogMixin
  redact: ResolvedRedact
  transport: { targets: TransportTargetOptions[] }
}

/** Seams of {@link buildLoggerOptions} and {@link createLogger}. */
export interface BuildLoggerSeams {
  /** Adds `trace_id` / `span_id` of the active span. @default logMixin (from tracing) */
  readonly traceMixin?: LogMixin
  /** Where `MEGA_LOG_PRETTY` is read. @default process.env */
  readonly env?: NodeJS.ProcessEnv
}

/** The environment variable that turns on pretty stdout lines when the config does not say. */
export const LOG_PRETTY_ENV = 'MEGA_LOG_PRETTY'

/** The pino-pretty transport module, resolved from this package (an app need not install it). */
const PINO_PRETTY_TARGET = createRequire(import.meta.url).resolve('pino-pretty')

/** Seams of {@link createLogger}. */
export interface CreateLoggerSeams extends BuildLoggerSeams {
  /** Write every line to this stream instead of the configured sinks (tests, custom streams). */
  readonly destination?: DestinationStream
}

const levelSchema = z.enum(LOG_LEVELS)

const sinksSchema = z.strictObject({
  stdout: z
    .union([
      z.boolean(),
      z.strictObject({ level: levelSchema.optional(), pretty: z.boolean().optional() }),
    ])
    .default(true),
  file: z
    .strictObject({
      path: z.string().min(1),
      level: levelSchema.optional(),
      mkdir: z.boolean().default(true),
    })
    .optional(),
  telegram: telegramSinkSchema.extend({ level: levelSchema.optional() }).optional(),
})

type ParsedSinks = z.output<typeof sinksSchema>

/** The zod schema of {@link MegaLoggerConfig} (`redact` is checked separately, see the README). */
export const megaLoggerConfigSchema = z
  .strictObject({
    level: z.enum(LOGGER_LEVELS).default('info'),
    sinks: sinksSchema.default({ stdout: true }),
    redact: z.unknown().optional(),
    includeRequestId: z.boolean().default(true),
  })
  .superRefine((config, ctx) => {
    if (targetsFrom(config.sinks, config.level).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['sinks'],
        message: 'turn on at least one sink, or set logger: false',
      })
    }
    for (const [name, level] of sinkLevels(config.sinks)) {
      if (config.level !== 'silent' && rank(level) < rank(config.level)) {
        const message = `"${level}" is below the logger level "${config.level}": the sink would never see those lines`
        ctx.addIssue({ code: 'custom', path: ['sinks', name, 'level'], message })
      }
    }
  })

function rank(level: LogLevelName): number {
  return LOG_LEVELS.indexOf(level)
}

function sinkLevels(sinks: ParsedSinks): [string, LogLevelName][] {
  const levels: [string, LogLevelName | undefined][] = [
    ['stdout', typeof sinks.stdout === 'object' ? sinks.stdout.level : undefined],
    ['file', sinks.file?.level],
    ['telegram', sinks.telegram?.level],
  ]
  return levels.filter((entry): entry is [string, LogLevelName] => entry[1] !== undefined)
}

function targetsFrom(
  sinks: ParsedSinks,
  level: MegaLogLevel,
  env: NodeJS.ProcessEnv = process.env,
): TransportTargetOptions[] {
  const targets: TransportTargetOptions[] = []
  if (sinks.stdout !== false) {
    const stdout = sinks.stdout === true ? {} : sinks.stdout
    const stdoutLevel = stdout.level ?? level
    const pretty = stdout.pretty ?? env[LOG_PRETTY_ENV] === '1'
    targets.push(
      pretty
        ? {
            target: PINO_PRETTY_TARGET,
            level: stdoutLevel,
            options: {
              destination: 1,
              colorize: process.stdout.isTTY === true,
              translateTime: 'SYS:HH:MM:ss.l',
              ignore: 'pid,hostname',
            },
          }
        : { target: 'pino/file', level: stdoutLevel, options: { destination: 1 } },
    )
  }
  if (sinks.file !== undefined) {
    const { path, mkdir } = sinks.file
    targets.push({
      target: 'pino/file',
      level: sinks.file.level ?? level,
      options: { destination: path, mkdir },
    })
  }
  if (sinks.telegram !== undefined) {
    const options = { ...sinks.telegram, level: sinks.telegram.level ?? 'error' }
    targets.push({ target: TELEGRAM_TRANSPORT_TARGET, level: options.level, options })
  }
  return targets
}

/**
 * The pino transport targets for `sinks`: stdout and file through `pino/file`, Telegram through
 * {@link TELEGRAM_TRANSPORT_TARGET} with every option resolved. Throws `MEGA_CONFIG_INVALID`.
 *
 * @example
 * buildTargets({ stdout: true, file: { path: './logs/app.log' } }, 'info')
 */
export function buildTargets(
  sinks: MegaLoggerSinks = {},
  level: MegaLogLevel = 'info',
): TransportTargetOptions[] {
  return targetsFrom(parseOptions(sinksSchema, sinks, 'logger.sinks'), level)
}

/**
 * Turns the `logger` config block into pino options (also accepted by Fastify's `logger` option):
 * level, the request-id and trace mixin, redact paths (defaults always included) and transport
 * targets. Returns `null` when `config` is not an object (`logger: false` turns logging off).
 * Throws `MEGA_CONFIG_INVALID` or `MEGA_LOGGER_REDACT_INVALID` listing every problem.
 *
 * @example
 * const app = Fastify({ logger: buildLoggerOptions({ level: 'debug', redact: ['*.cardNumber'] }) })
 */
export function buildLoggerOptions(
  config: unknown,
  seams: BuildLoggerSeams = {},
): MegaLoggerOptions | null {
  if (typeof config !== 'object' || config === null) return null
  const parsed = parseOptions(megaLoggerConfigSchema, config, 'logger')
  return {
    level: parsed.level,
    mixin: createLogMixin(parsed.includeRequestId, seams.traceMixin ?? logMixin),
    redact: resolveRedact(parsed.redact, DEFAULT_REDACT_PATHS, 'logger.redact'),
    transport: { targets: targetsFrom(parsed.sinks, parsed.level, seams.env) },
  }
}

/**
 * A pino logger built from the `logger` config block (see {@link buildLoggerOptions}); a disabled
 * logger when `config` is not an object.
 *
 * @example
 * const logger = createLogger({ level: 'info', sinks: { stdout: true, file: { path: './logs/app.log' } } })
 * logger.info({ user: { password: 'x' } }, 'signed in') // password: '[Redacted]'
 */
export function createLogger(config: unknown, seams: CreateLoggerSeams = {}): Logger {
  const options = buildLoggerOptions(config, seams)
  if (options === null) return pino({ enabled: false })
  if (seams.destination === undefined) return pino(options)
  const { transport: _sinks, ...rest } = options
  return pino(rest, seams.destination)
}
