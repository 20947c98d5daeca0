import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { hubError } from './errors.js'

/** The period of the hub's `heartbeat` frames, sent to bridges in `register_ok` (ms). */
export const DEFAULT_HEARTBEAT_MS = 10_000
/** How long a new socket has to send a valid `register` before it is closed 4408 (ms). */
export const DEFAULT_REGISTER_TIMEOUT_MS = 5_000
/** The WebSocket path bridges connect to. */
export const DEFAULT_HUB_PATH = '/hub'
/** The port the hub listens on when none is given. */
export const DEFAULT_HUB_PORT = 7070
/** The address the hub listens on when none is given (every interface, like a Mega app). */
export const DEFAULT_HUB_HOST = '0.0.0.0'

const secret = z.string().min(16, 'at least 16 characters: use a long random secret').max(4096)

/** Who may read `/metrics` and the health details (as `metrics`/`health` in a Mega app's config). */
export interface HubEndpointAccess {
  /** A bearer token that opens the endpoint (at least 16 characters). */
  readonly token?: string
  /** Addresses or CIDR ranges let in without a token. */
  readonly allow?: readonly string[]
}

/** The options of {@link MegaWsHub}: validated (zod) and frozen at construction. */
export interface MegaWsHubConfig {
  /**
   * The tokens a bridge may register with (at least one, each at least 16 characters). Several are
   * accepted at once so a token can be rotated: add the new one, move the bridges, drop the old one.
   */
  readonly tokens: readonly string[]
  /** The admin API's bearer token (at least 16 characters). @default none: the admin API is off (404) */
  readonly adminToken?: string
  /** @default DEFAULT_HUB_PORT (7070); 0 picks a free port */
  readonly port?: number
  /** @default DEFAULT_HUB_HOST ('0.0.0.0') */
  readonly host?: string
  /** The WebSocket path bridges connect to. @default DEFAULT_HUB_PATH ('/hub') */
  readonly path?: string
  /** The heartbeat period told to bridges; silence for 3 periods is death. @default DEFAULT_HEARTBEAT_MS */
  readonly heartbeatMs?: number
  /** How long a new socket may take to register. @default DEFAULT_REGISTER_TIMEOUT_MS */
  readonly registerTimeoutMs?: number
  /** This hub's id in `register_ok`. @default a random UUID */
  readonly hubId?: string
  /** The process logger (pino, as a Mega app's `logger` config). @default { level: 'info' } */
  readonly logger?:
    false | { readonly level?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' }
  /** Production access rules for `/metrics` and the health details. @default NODE_ENV === 'production' */
  readonly production?: boolean
  /** Who may read `/metrics` (see @mega/core's README). @default the core rules */
  readonly metrics?: HubEndpointAccess
  /** Who may read the health details (see @mega/core's README). @default the core rules */
  readonly health?: HubEndpointAccess
  /** The clock (a seam for tests). @default Date.now */
  readonly now?: () => number
}

const accessSchema = z.strictObject({
  token: secret.optional(),
  allow: z.array(z.string().min(1)).optional(),
})

const configSchema = z.strictObject({
  tokens: z.array(secret).min(1, 'give at least one bridge token'),
  adminToken: secret.optional(),
  port: z.number().int().min(0).max(65535).default(DEFAULT_HUB_PORT),
  host: z.string().min(1).default(DEFAULT_HUB_HOST),
  path: z
    .string()
    .regex(/^\/[^?#\s]*$/, 'start with "/", no query or spaces')
    .default(DEFAULT_HUB_PATH),
  heartbeatMs: z.number().int().min(10).max(3_600_000).default(DEFAULT_HEARTBEAT_MS),
  registerTimeoutMs: z.number().int().min(10).max(600_000).default(DEFAULT_REGISTER_TIMEOUT_MS),
  hubId: z.string().min(1).max(128).optional(),
  logger: z
    .union([
      z.literal(false),
      z.strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).optional(),
      }),
    ])
    .optional(),
  production: z.boolean().optional(),
  metrics: accessSchema.optional(),
  health: accessSchema.optional(),
  now: z.custom<() => number>((v) => typeof v === 'function', 'must be a function').optional(),
})

/** The validated options, every default filled in. */
export interface ResolvedHubConfig {
  readonly tokens: readonly string[]
  readonly adminToken: string | undefined
  readonly port: number
  readonly host: string
  readonly path: string
  readonly heartbeatMs: number
  readonly registerTimeoutMs: number
  readonly hubId: string
  readonly logger: MegaWsHubConfig['logger']
  readonly production: boolean | undefined
  readonly metrics: HubEndpointAccess | undefined
  readonly health: HubEndpointAccess | undefined
  readonly now: () => number
}

/** Validates `config` once: one `MEGA_WS_HUB_OPTIONS_INVALID` with every issue, or the frozen result. */
export function resolveHubConfig(config: MegaWsHubConfig): ResolvedHubConfig {
  const parsed = configSchema.safeParse(config)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.') || '(options)',
      message: i.message,
    }))
    const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ')
    throw hubError(
      'MEGA_WS_HUB_OPTIONS_INVALID',
      `Invalid MegaWsHub options: ${list}. Fix them and start again.`,
      { issues },
    )
  }
  const o = parsed.data
  return Object.freeze({
    tokens: Object.freeze([...o.tokens]),
    adminToken: o.adminToken,
    port: o.port,
    host: o.host,
    path: o.path,
    heartbeatMs: o.heartbeatMs,
    registerTimeoutMs: o.registerTimeoutMs,
    hubId: o.hubId ?? randomUUID(),
    logger: o.logger,
    production: o.production,
    metrics: o.metrics,
    health: o.health,
    now: o.now ?? Date.now,
  })
}
