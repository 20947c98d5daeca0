import { parseArgs } from 'node:util'
import { LOGGER_LEVELS, type MegaLogLevel } from '@mega/observe'
import { hubError } from '../errors.js'
import {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_HUB_HOST,
  DEFAULT_HUB_PATH,
  DEFAULT_HUB_PORT,
  type MegaWsHubConfig,
} from '../hub-options.js'

/** One flag of `mega-ws-hub`: the one table `--help` and the README are written from. */
interface FlagSpec {
  readonly type: 'string' | 'boolean'
  readonly description: string
  readonly env?: string
  readonly valueName?: string
  readonly multiple?: boolean
  readonly short?: string
  readonly default?: string
}

/** Every flag of `mega-ws-hub`, with its environment variable. */
export const HUB_CLI_FLAGS = {
  port: {
    type: 'string',
    valueName: 'n',
    env: 'MEGA_HUB_PORT',
    default: String(DEFAULT_HUB_PORT),
    description: 'the port to listen on (0: a free one)',
  },
  host: {
    type: 'string',
    valueName: 'addr',
    env: 'MEGA_HUB_HOST',
    default: DEFAULT_HUB_HOST,
    description: 'the address to listen on',
  },
  token: {
    type: 'string',
    valueName: 'secret',
    multiple: true,
    env: 'MEGA_HUB_TOKENS',
    description: 'a token bridges may register with (repeat it to rotate; env: comma list)',
  },
  'admin-token': {
    type: 'string',
    valueName: 'secret',
    env: 'MEGA_HUB_ADMIN_TOKEN',
    description: 'the admin API bearer token (without it the admin API is off)',
  },
  'heartbeat-ms': {
    type: 'string',
    valueName: 'ms',
    env: 'MEGA_HUB_HEARTBEAT_MS',
    default: String(DEFAULT_HEARTBEAT_MS),
    description: 'the heartbeat period told to bridges; 3 silent periods close a bridge',
  },
  path: {
    type: 'string',
    valueName: 'path',
    env: 'MEGA_HUB_PATH',
    default: DEFAULT_HUB_PATH,
    description: 'the WebSocket path bridges connect to',
  },
  'log-level': {
    type: 'string',
    valueName: 'level',
    env: 'MEGA_HUB_LOG_LEVEL',
    default: 'info',
    description: `the log level: ${LOGGER_LEVELS.join(', ')}`,
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies Record<string, FlagSpec>

/** The table as `parseArgs` takes it (defaults are applied after the environment, not by it). */
const PARSE_OPTIONS = Object.fromEntries(
  Object.entries(HUB_CLI_FLAGS).map(([name, spec]: [string, FlagSpec]) => [
    name,
    {
      type: spec.type,
      ...(spec.short === undefined ? {} : { short: spec.short }),
      ...(spec.multiple === true ? { multiple: true } : {}),
    },
  ]),
) as Record<
  keyof typeof HUB_CLI_FLAGS,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean }
>

/** `--help` of `mega-ws-hub`, written from {@link HUB_CLI_FLAGS}. */
export function hubCliHelp(): string {
  const rows = Object.entries(HUB_CLI_FLAGS).map(([name, spec]: [string, FlagSpec]) => {
    const flag = `${spec.short === undefined ? '' : `-${spec.short}, `}--${name}${spec.valueName === undefined ? '' : ` <${spec.valueName}>`}`
    const extra = [
      spec.env === undefined ? '' : `env ${spec.env}`,
      spec.default === undefined ? '' : `default ${spec.default}`,
    ]
      .filter(Boolean)
      .join(', ')
    return `  ${flag.padEnd(28)}${spec.description}${extra === '' ? '' : ` (${extra})`}`
  })
  return [
    'mega-ws-hub: the central WebSocket hub Mega app processes (bridges) link through.',
    '',
    'Usage: mega-ws-hub --token <secret> [options]',
    '',
    'Options:',
    ...rows,
    '',
    'Bridges connect to ws://<host>:<port><path>; /metrics, /health/live, /health/ready and the',
    'admin API (/admin/*) share the port. SIGTERM or SIGINT drains the bridges (4503), then stops.',
    '',
    'Example: mega-ws-hub --port 7070 --token "$HUB_TOKEN" --admin-token "$HUB_ADMIN_TOKEN"',
    '',
  ].join('\n')
}

/** What the command line asks for: help, or a hub configuration. */
export type HubCliRequest =
  { readonly help: true } | { readonly help: false; readonly config: MegaWsHubConfig }

function cliInvalid(message: string): Error {
  return hubError('MEGA_WS_HUB_CLI_INVALID', `${message} Run mega-ws-hub --help for the options.`)
}

function integer(name: string, raw: string, env: string | undefined): number {
  if (!/^\d+$/.test(raw.trim()))
    throw cliInvalid(
      `--${name}${env === undefined ? '' : ` (${env})`} must be a whole number, got "${raw}".`,
    )
  return Number(raw)
}

/**
 * Reads flags over environment variables (a flag wins; `--token` given replaces `MEGA_HUB_TOKENS`).
 * A bad flag is `MEGA_WS_HUB_CLI_INVALID` naming it; the values' own rules (token length, ranges)
 * are checked by `MegaWsHub`.
 */
export function parseHubCli(argv: readonly string[], env: NodeJS.ProcessEnv): HubCliRequest {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>
  try {
    values = parseArgs({ args: [...argv], options: PARSE_OPTIONS, strict: true }).values
  } catch (err) {
    throw cliInvalid(`${(err as Error).message}.`)
  }
  if (values.help === true) return { help: true }
  const pick = (name: keyof typeof HUB_CLI_FLAGS): string | undefined => {
    const flag = values[name]
    if (typeof flag === 'string') return flag
    const spec: FlagSpec = HUB_CLI_FLAGS[name]
    return spec.env === undefined ? undefined : env[spec.env] || undefined
  }
  const flagTokens = Array.isArray(values.token) ? values.token.map(String) : undefined
  const tokens =
    flagTokens ??
    (env.MEGA_HUB_TOKENS ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '')
  if (tokens.length === 0)
    throw cliInvalid('Give at least one bridge token: --token <secret> or MEGA_HUB_TOKENS.')
  const port = pick('port')
  const heartbeat = pick('heartbeat-ms')
  const host = pick('host')
  const adminToken = pick('admin-token')
  const path = pick('path')
  const level = pick('log-level')
  if (level !== undefined && !(LOGGER_LEVELS as readonly string[]).includes(level))
    throw cliInvalid(
      `--log-level (MEGA_HUB_LOG_LEVEL) must be one of ${LOGGER_LEVELS.join(', ')}, got "${level}".`,
    )
  return {
    help: false,
    config: {
      tokens,
      ...(port === undefined ? {} : { port: integer('port', port, 'MEGA_HUB_PORT') }),
      ...(heartbeat === undefined
        ? {}
        : { heartbeatMs: integer('heartbeat-ms', heartbeat, 'MEGA_HUB_HEARTBEAT_MS') }),
      ...(host === undefined ? {} : { host }),
      ...(adminToken === undefined ? {} : { adminToken }),
      ...(path === undefined ? {} : { path }),
      ...(level === undefined ? {} : { logger: logLevel(level as MegaLogLevel) }),
    },
  }
}

function logLevel(level: MegaLogLevel): MegaWsHubConfig['logger'] {
  return level === 'silent' ? false : { level }
}
