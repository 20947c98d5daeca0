import { hostname } from 'node:os'
import type { FastifyBaseLogger } from 'fastify'
import { z } from 'zod'
import { wsError } from '../errors.js'
import { generateMessageId } from '../protocol/ulid.js'
import { HUB_PROTOCOL_VERSION } from './hub-protocol.js'

/** The first reconnect waits up to this long; each next one up to twice as long. */
export const DEFAULT_HUB_RECONNECT_MIN_MS = 500
/** The longest a reconnect waits. */
export const DEFAULT_HUB_RECONNECT_MAX_MS = 30_000
/** How long `list()` waits for the hub's `presence_result` before listing local members only. */
export const DEFAULT_HUB_PRESENCE_TIMEOUT_MS = 1_000
/** How many outgoing frames are kept while the hub is away (the oldest go first). */
export const DEFAULT_HUB_MAX_BUFFERED_FRAMES = 1_000
/** How long the opening handshake and the hub's `register_ok` may take together. */
export const DEFAULT_HUB_CONNECT_TIMEOUT_MS = 10_000
/** What the bridge tells the hub it can do (what it handles of the hub's frames). */
export const DEFAULT_HUB_CAPABILITIES: readonly string[] = Object.freeze([
  'deliver',
  'presence',
  'kick',
  'drain',
])

/** Where a bridge logs (the app's logger when `ws({ hub })` creates the link). */
export type HubLinkLogger = Pick<FastifyBaseLogger, 'debug' | 'info' | 'warn' | 'error'>

/** The reconnect backoff of {@link HubLinkConfig}. */
export interface HubReconnectConfig {
  /**
   * The backoff's base: the first reconnect waits a random 0…`minDelayMs`, each next one a random
   * 0…twice the previous ceiling (full jitter), capped at `maxDelayMs`. @default 500
   */
  readonly minDelayMs?: number
  /** The ceiling of every reconnect delay. @default 30000 */
  readonly maxDelayMs?: number
}

/** What `new MegaHubLink(peer, config)` takes. */
export interface HubLinkConfig {
  /** The hub's WebSocket URL (`ws://` or `wss://`). */
  readonly url: string
  /** The token the hub checks in `register` (a refused one closes with 4401: no reconnect). */
  readonly token: string
  /**
   * This bridge's id at the hub, stable across reconnects (a newer bridge with the same id replaces
   * this one: 4409). @default generated once per process (`<host>-<pid>-<ULID>`, `-2`, `-3`… for
   * further links of the same process)
   */
  readonly instanceId?: string
  /** What the bridge tells the hub it handles. @default DEFAULT_HUB_CAPABILITIES */
  readonly capabilities?: readonly string[]
  /**
   * The highest hub protocol version to offer; `false` sends none, as a legacy (pre-versioning)
   * bridge does, and the session speaks v1. @default HUB_PROTOCOL_VERSION
   */
  readonly protocolVersion?: number | false
  /** Reconnect delays (full jitter). @default { minDelayMs: 500, maxDelayMs: 30000 } */
  readonly reconnect?: HubReconnectConfig
  /** How long a `list()` waits for the hub's answer before listing local members only. @default 1000 */
  readonly presenceTimeoutMs?: number
  /** Outgoing `publish`/`kick` frames kept while the hub is away; `0` keeps none. @default 1000 */
  readonly maxBufferedFrames?: number
  /** How long the handshake and `register_ok` may take before the attempt is given up. @default 10000 */
  readonly connectTimeoutMs?: number
  /** Where connects, registrations, disconnects and reconnects are logged. @default silent */
  readonly log?: HubLinkLogger
  /** The jitter's random source (a test seam). @default Math.random */
  readonly random?: () => number
}

/** {@link HubLinkConfig} with every default filled in, frozen. */
export interface ResolvedHubLinkConfig {
  readonly url: string
  readonly token: string
  readonly instanceId: string
  readonly capabilities: readonly string[]
  readonly protocolVersion: number | false
  readonly minDelayMs: number
  readonly maxDelayMs: number
  readonly presenceTimeoutMs: number
  readonly maxBufferedFrames: number
  readonly connectTimeoutMs: number
  readonly log: HubLinkLogger
  readonly random: () => number
}

/** The fields `ws({ hub })` passes on to the link (everything but the test seams and the logger). */
export const hubLinkFields = {
  url: z.url({ protocol: /^wss?$/, error: 'a ws:// or wss:// URL' }),
  token: z.string().min(1).max(4096),
  instanceId: z.string().min(1).max(128).optional(),
  capabilities: z.array(z.string().min(1).max(64)).max(64).readonly().optional(),
  reconnect: z
    .strictObject({
      minDelayMs: z.number().int().min(1).optional(),
      maxDelayMs: z.number().int().min(1).optional(),
    })
    .refine(
      (r) =>
        (r.minDelayMs ?? DEFAULT_HUB_RECONNECT_MIN_MS) <=
        (r.maxDelayMs ?? DEFAULT_HUB_RECONNECT_MAX_MS),
      { message: 'minDelayMs must not exceed maxDelayMs' },
    )
    .optional(),
  presenceTimeoutMs: z.number().int().min(1).optional(),
  maxBufferedFrames: z.number().int().min(0).optional(),
  connectTimeoutMs: z.number().int().min(1).optional(),
}

const logSchema = z.custom<HubLinkLogger>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    ['debug', 'info', 'warn', 'error'].every(
      (m) => typeof (v as Record<string, unknown>)[m] === 'function',
    ),
  { message: 'a logger with debug, info, warn and error' },
)

const configSchema = z.strictObject({
  ...hubLinkFields,
  protocolVersion: z
    .union([z.literal(false), z.number().int().min(1).max(HUB_PROTOCOL_VERSION)])
    .optional(),
  log: logSchema.optional(),
  random: z.custom<() => number>((v) => typeof v === 'function', 'a function').optional(),
})

const silent: HubLinkLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
}

const processInstanceId = `${hostname().slice(0, 60)}-${process.pid}-${generateMessageId()}`
let linksMade = 0

/** The default instance id: one per process, then `-2`, `-3`… for further links in it. */
function nextInstanceId(): string {
  linksMade += 1
  return linksMade === 1 ? processInstanceId : `${processInstanceId}-${linksMade}`
}

/** Checks a config (`MEGA_WS_OPTIONS_INVALID` with every issue) and fills in the defaults. */
export function resolveHubLinkConfig(config: HubLinkConfig): ResolvedHubLinkConfig {
  const parsed = configSchema.safeParse(config)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    throw wsError(
      'MEGA_WS_OPTIONS_INVALID',
      `MegaHubLink: ${first?.path.join('.') || 'config'}: ${first?.message ?? 'invalid'}.`,
      { details: { issues: parsed.error.issues } },
    )
  }
  const c = parsed.data
  return Object.freeze({
    url: c.url,
    token: c.token,
    instanceId: c.instanceId ?? nextInstanceId(),
    capabilities: Object.freeze([...(c.capabilities ?? DEFAULT_HUB_CAPABILITIES)]),
    protocolVersion: c.protocolVersion ?? HUB_PROTOCOL_VERSION,
    minDelayMs: c.reconnect?.minDelayMs ?? DEFAULT_HUB_RECONNECT_MIN_MS,
    maxDelayMs: c.reconnect?.maxDelayMs ?? DEFAULT_HUB_RECONNECT_MAX_MS,
    presenceTimeoutMs: c.presenceTimeoutMs ?? DEFAULT_HUB_PRESENCE_TIMEOUT_MS,
    maxBufferedFrames: c.maxBufferedFrames ?? DEFAULT_HUB_MAX_BUFFERED_FRAMES,
    connectTimeoutMs: c.connectTimeoutMs ?? DEFAULT_HUB_CONNECT_TIMEOUT_MS,
    log: c.log ?? silent,
    random: c.random ?? Math.random,
  })
}

/**
 * A reconnect delay with full jitter: a random 0…min(maxDelayMs, minDelayMs × 2^attempt)
 * (`attempt` counts from 0 since the last registration).
 */
export function hubBackoffDelay(config: ResolvedHubLinkConfig, attempt: number): number {
  const ceiling = Math.min(config.maxDelayMs, config.minDelayMs * 2 ** Math.min(attempt, 30))
  return Math.round(config.random() * ceiling)
}

/** The hub part of `ws({ hub })`: the link's settings, and a shared history. */
export interface WsHubConfig extends Omit<HubLinkConfig, 'log' | 'random' | 'protocolVersion'> {
  /**
   * The cache adapter (its alias) that keeps the namespaces' histories for every process, exactly
   * as `cluster.history`: a client resuming on another process after a requeue gets what it
   * missed. Its driver must keep capped logs (`redis` does). @default none (per-process histories)
   */
  readonly history?: string
}

/** The schema of {@link WsHubConfig} (what `ws()` checks). */
export const wsHubConfigSchema = z.strictObject({
  ...hubLinkFields,
  history: z.string().min(1).optional(),
})
