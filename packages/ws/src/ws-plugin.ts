import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import websocket from '@fastify/websocket'
import type { WebSocket } from 'ws'
import { z } from 'zod'
import {
  defineContextFeature,
  definePlugin,
  type AppScope,
  type CacheAdapter,
  type MegaPlugin,
  type RequestContext,
  type WsRouteDefinition,
  type WsRouteHooks,
} from '@mega/core'
import { type MegaError } from '@mega/observe'
import { checkChannelClass } from './channel/define-channel.js'
import { driveWsConnection } from './connection/drive-connection.js'
import { resolveWsHeartbeatMs } from './connection/heartbeat.js'
import {
  CLOSE_CODE_REQUEUE,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_WS_HEARTBEAT_MS,
} from './protocol/close-codes.js'
import { WS_PROTOCOL_VERSION } from './protocol/ws-message.js'
import { PresenceRegistry } from './presence/presence-registry.js'
import type { HistoryOptions } from './presence/ns-history.js'
import { wsMetrics, type WsMetrics } from './ws-metrics.js'
import { DEFAULT_CLUSTER_HEARTBEAT_MS, DEFAULT_ROSTER_TTL_MS } from './presence/ws-cluster.js'
import { linkProcesses, type ProcessLink } from './presence/process-link.js'
import { wsHubConfigSchema, type WsHubConfig } from './hub/hub-link-config.js'
import type { WsPresence } from './presence/presence-types.js'
import { wsError } from './errors.js'
import { normalizeAspConfig, type AspConfig } from './asp/asp-config.js'
import { aspFrameCodec } from './asp/asp-codec.js'
import { installAspHttp } from './asp/asp-http.js'
import { negotiateServerProtocol, protocolAdvice } from './asp/asp-protocol.js'
import { aspServerCodec } from './asp/asp-server.js'
import type { WsFrameCodec } from './connection/ws-connection.js'
import { perMessageDeflateOf, type CompressionConfig } from './compression/ws-compression.js'

declare module '@mega/core' {
  interface MegaContextFeatures {
    /** WebSocket presence and delivery: `ctx.presence.in('board').broadcast(...)` (`@mega/ws`). */
    presence: WsPresence
  }
}

const presenceFeature = defineContextFeature('presence', {
  plugin: 'ws',
  hint: 'add ws() from @mega/ws to plugins in mega.config.ts.',
})

/** How long a drain waits for clients to close after 4503 before cutting them off. */
export const DRAIN_CLOSE_WAIT_MS = 1000

/** Options of {@link ws}. */
export interface WsOptions {
  /** Ping period in ms (a peer that misses a whole period is terminated); `0` = no pings. @default 30000 */
  readonly heartbeatMs?: number
  /** A client whose send buffer holds more than this many bytes is closed with 1013. @default 16 MiB */
  readonly maxBufferedBytes?: number
  /** The largest frame a client may send; a larger one closes the socket with 1009. @default 1 MiB */
  readonly maxPayloadBytes?: number
  /**
   * Browser origins (`https://app.example.com`) allowed to connect besides the server's own; `'*'`
   * allows any. A request without `Origin` (a non-browser client) is always let through to the route's
   * `before` hooks. @default [] (same origin only)
   */
  readonly allowedOrigins?: readonly string[]
  /** Whether a handler's unexpected error message reaches the client. @default NODE_ENV !== 'production' */
  readonly exposeErrors?: boolean
  /**
   * Presence and delivery across processes: `true` uses the app's `bus` adapter (NATS in production,
   * `memory` in one process) for fan-out and its `cache` adapter (Redis) for the roster; or name
   * other aliases and timings. @default false (this process only)
   */
  readonly cluster?: boolean | WsClusterConfig
  /**
   * Presence and delivery across processes through a central hub (`@mega/ws-hub`) instead of a bus
   * and a roster: `{ url, token }` and the link's settings (see {@link WsHubConfig}). Not together
   * with `cluster`. @default none
   */
  readonly hub?: WsHubConfig
  /**
   * permessage-deflate for every WebSocket route of the server: `true` uses
   * {@link COMPRESSION_DEFAULTS}, or give the settings to change. Off by default: each compressing
   * socket holds zlib state (memory) and spends CPU per message. @default false
   */
  readonly compression?: boolean | CompressionConfig
  /**
   * Encrypted frames (ASP) on every WebSocket route of the server: keys and the nonce store. Clients
   * then offer `mega.v1+asp` and seal frames with `createAspCodec`. @default off
   */
  readonly encryption?: AspConfig
}

/** The cluster part of {@link WsOptions}. */
export interface WsClusterConfig {
  /** The bus adapter's alias. @default 'bus' */
  readonly bus?: string
  /** The cache adapter holding the roster. @default 'cache' */
  readonly roster?: string
  /** Heartbeat and roster renewal period. @default 5000 */
  readonly heartbeatMs?: number
  /** How long a crashed process's members stay listed (more than two heartbeats). @default 15000 */
  readonly rosterTtlMs?: number
  /**
   * The cache adapter (its alias) that keeps the namespaces' histories for every process: one
   * offset sequence and one epoch per namespace, so a client resuming on another process gets what
   * it missed. Its driver must keep capped logs (`redis` does). @default none (each process keeps
   * its own history in memory, and a client resuming on another process gets `mega.gap`)
   */
  readonly history?: string
}

const optionsSchema = z
  .object({
    heartbeatMs: z.number().int().min(0).optional(),
    maxBufferedBytes: z.number().int().positive().optional(),
    maxPayloadBytes: z.number().int().positive().optional(),
    allowedOrigins: z
      .array(z.union([z.literal('*'), z.url({ protocol: /^https?$/ })]))
      .readonly()
      .optional(),
    exposeErrors: z.boolean().optional(),
    cluster: z
      .union([
        z.boolean(),
        z
          .object({
            bus: z.string().min(1).optional(),
            roster: z.string().min(1).optional(),
            heartbeatMs: z.number().int().min(100).optional(),
            rosterTtlMs: z.number().int().min(300).optional(),
            history: z.string().min(1).optional(),
          })
          .strict()
          .refine(
            (c) =>
              (c.rosterTtlMs ?? DEFAULT_ROSTER_TTL_MS) >
              2 * (c.heartbeatMs ?? DEFAULT_CLUSTER_HEARTBEAT_MS),
            { message: 'rosterTtlMs must be more than two heartbeats (heartbeatMs)' },
          ),
      ])
      .optional(),
    hub: wsHubConfigSchema.optional(),
  })
  .strict()
  .refine((o) => o.hub === undefined || o.cluster === undefined || o.cluster === false, {
    message: 'give cluster or hub, not both (a hub replaces the bus and the roster)',
    path: ['hub'],
  }) satisfies z.ZodType<WsOptions>

/** Route options `r.ws(path, Channel, { ns, heartbeatMs })` understands. */
export interface WsRouteOptions {
  /** The connection's namespace: a name, or made from the upgrade request. @default the path with its params filled in */
  readonly ns?: string | ((ctx: RequestContext) => string)
  /** This route's ping period (see {@link WsOptions.heartbeatMs}); an invalid value is a warning and 30 s. */
  readonly heartbeatMs?: number
  /**
   * Keep the namespace's recent broadcasts, so a client that reconnects with `mega.resume` gets what
   * it missed (or `mega.gap`). `true` = 100 messages, 2 minutes. @default false
   */
  readonly history?: boolean | HistoryOptions
}

const historySchema = z.union([
  z.boolean(),
  z
    .object({
      size: z.number().int().min(1).max(100_000).optional(),
      ttlMs: z.number().int().min(1).optional(),
    })
    .strict(),
]) satisfies z.ZodType<boolean | HistoryOptions>

function historyOptionsOf(route: WsRouteDefinition): HistoryOptions | undefined {
  const parsed = historySchema.optional().safeParse((route.options as WsRouteOptions).history)
  if (!parsed.success)
    throw wsError(
      'MEGA_WS_OPTIONS_INVALID',
      `The WebSocket route ${route.path}: history is true or { size, ttlMs } (${parsed.error.issues[0]?.message ?? 'invalid'}).`,
    )
  return parsed.data === true ? {} : parsed.data === false ? undefined : parsed.data
}

function invalidOptions(error: z.ZodError): MegaError {
  const first = error.issues[0]
  return wsError(
    'MEGA_WS_OPTIONS_INVALID',
    `ws(): ${first?.path.join('.') || 'options'}: ${first?.message ?? 'invalid'}.`,
    { details: { issues: error.issues } },
  )
}

const REGISTRY = Symbol.for('mega.ws.registry')
type WithRegistry = FastifyInstance & { [REGISTRY]?: PresenceRegistry }

function nsOf(route: WsRouteDefinition, ctx: RequestContext): string {
  const option = (route.options as WsRouteOptions).ns
  if (typeof option === 'function') return option(ctx)
  if (typeof option === 'string') return option
  const params = ctx.params as Record<string, string | undefined>
  return route.path
    .split('/')
    .filter((part) => part.length > 0)
    .map((part) => (part.startsWith(':') ? String(params[part.slice(1)] ?? '') : part))
    .join('/')
}

function originAllowed(request: FastifyRequest, allowed: readonly string[]): boolean {
  const origin = request.headers.origin
  if (origin === undefined) return true
  if (allowed.includes('*') || allowed.includes(origin)) return true
  try {
    return new URL(origin).host === request.host
  } catch {
    return false
  }
}

function protocolVersionOf(socket: WebSocket): number {
  const match = /^mega\.v(\d+)(?:\+asp)?$/.exec(socket.protocol)
  return match === null ? WS_PROTOCOL_VERSION : Number(match[1])
}

/**
 * WebSockets for Mega apps: drives every `r.ws(path, Channel)` route. The upgrade request goes
 * through the route's `before` hooks (a session cookie or a bearer token becomes `ctx.identity`, the channel's `ctx.auth`; a
 * refusal is a plain HTTP 401/403, never an open socket), then the channel gets the connection.
 * Gives `ctx.presence` to HTTP handlers. On close, every socket is told 4503 (reconnect elsewhere)
 * before HTTP stops.
 *
 * @example
 * // mega.config.ts
 * export default defineConfig({ plugins: [ws()] })
 * // routes.ts
 * export default defineRoutes((r) => r.ws('/boards/:id/live', BoardChannel, { before: [signedIn] }))
 */
export function ws(options: WsOptions = {}): MegaPlugin {
  const { compression, encryption, ...rest } = options
  const parsed = optionsSchema.safeParse(rest)
  if (!parsed.success) throw invalidOptions(parsed.error)
  const o = parsed.data
  const perMessageDeflate = perMessageDeflateOf(compression)
  const asp = encryption === undefined ? undefined : normalizeAspConfig(encryption)
  const allowedOrigins = o.allowedOrigins ?? []
  const maxBufferedBytes = o.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES
  const exposeErrors = o.exposeErrors ?? process.env.NODE_ENV !== 'production'

  const mount = (
    fastify: FastifyInstance,
    route: WsRouteDefinition,
    hooks: WsRouteHooks,
    app: AppScope,
  ): void => {
    const Channel = checkChannelClass(route.channel, route.path)
    const history = historyOptionsOf(route)
    const schemas = new Map(Object.entries(Channel.messages))
    const registry = (fastify as WithRegistry)[REGISTRY]
    if (registry === undefined)
      throw wsError('MEGA_WS_NOT_SET_UP', 'The ws() plugin was not set up on this server.')
    const heartbeatMs = resolveWsHeartbeatMs(
      (route.options as WsRouteOptions).heartbeatMs ?? o.heartbeatMs ?? DEFAULT_WS_HEARTBEAT_MS,
      fastify.log,
    )
    const contexts = new WeakMap<FastifyRequest, RequestContext>()
    fastify.route({
      method: 'GET',
      url: route.path,
      // The route's app, for a context that a global hook (sessions, csrf, an onRequest hook)
      // creates before the route's own hooks: its `ctx.services` are the app's, as on HTTP routes.
      config: { megaRouteName: route.name, megaScope: app },
      onRequest: async (request: FastifyRequest) => {
        const offered = request.headers['sec-websocket-protocol']
        if (
          (offered !== undefined || asp !== undefined) &&
          negotiateServerProtocol(offered?.split(',') ?? [], asp !== undefined) === undefined
        )
          throw wsError('MEGA_WS_PROTOCOL_UNSUPPORTED', protocolAdvice(asp !== undefined))
        if (!originAllowed(request, allowedOrigins))
          throw wsError(
            'MEGA_WS_ORIGIN_REFUSED',
            'This origin may not open a WebSocket here: add it to ws({ allowedOrigins }).',
          )
      },
      preValidation: async (request: FastifyRequest, reply: FastifyReply) => {
        const answered = await hooks.preValidation?.(request, reply)
        if (reply.sent) return answered
        contexts.set(request, hooks.context(request, reply))
        return undefined
      },
      handler: () => {
        throw wsError(
          'MEGA_WS_UPGRADE_REQUIRED',
          `${route.path} is a WebSocket endpoint: connect with a WebSocket client.`,
        )
      },
      wsHandler: (socket: WebSocket, request: FastifyRequest) => {
        const ctx = contexts.get(request)
        if (ctx === undefined) return socket.terminate()
        const ns = nsOf(route, ctx)
        if (history !== undefined) registry.keepHistory(ns, history)
        driveWsConnection({
          raw: socket,
          request,
          path: route.path,
          ns,
          Channel,
          schemas,
          registry,
          app,
          auth: ctx.identity,
          log: request.log,
          protocolVersion: protocolVersionOf(socket),
          heartbeatMs,
          maxBufferedBytes,
          exposeErrors,
          ...(metrics === undefined ? {} : { metrics }),
          ...(codec === undefined ? {} : { codec }),
        })
        return undefined
      },
    })
  }

  const clusterConfig: WsClusterConfig | undefined =
    o.cluster === true ? {} : o.cluster === false ? undefined : o.cluster
  let link: ProcessLink | undefined
  let metrics: WsMetrics | undefined
  let codec: WsFrameCodec | undefined

  return definePlugin({
    name: 'ws',
    routeDrivers: { ws: mount },
    async setup(api) {
      metrics = wsMetrics(api.metrics)
      if (asp !== undefined && encryption !== undefined) {
        const sealer = aspServerCodec(encryption, asp, (alias) => api.adapter<CacheAdapter>(alias))
        codec = aspFrameCodec(sealer)
        if (asp.http) installAspHttp(api.fastify, sealer)
      }
      const registry = new PresenceRegistry(metrics)
      ;(api.fastify as WithRegistry)[REGISTRY] = registry
      presenceFeature.provide(api.fastify, () => registry)
      link = await linkProcesses(api, registry, clusterConfig, o.hub, metrics)
      const stopLink = () => link?.stop()
      await api.fastify.register(websocket, {
        options: {
          maxPayload: o.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
          perMessageDeflate,
          handleProtocols: (offered: Set<string>) =>
            negotiateServerProtocol(offered, asp !== undefined)?.protocol ?? false,
        },
        preClose: async function drain(this: FastifyInstance) {
          // The other processes stop listing this one's members at once (the hub link goes first),
          // before its sockets go.
          await stopLink()
          await drainConnections(registry)
          await new Promise<void>((resolve) => this.websocketServer.close(() => resolve()))
        },
      })
    },
    teardown: () => link?.stop(),
  })
}

/** Tells every client 4503 (reconnect elsewhere, keep the session), waits briefly, cuts off the rest. */
async function drainConnections(registry: PresenceRegistry): Promise<void> {
  const open = [...registry.all()]
  if (open.length === 0) return
  const closed = open.map(
    (conn) => new Promise<void>((resolve) => conn.raw.once('close', () => resolve())),
  )
  for (const conn of open) conn.close(CLOSE_CODE_REQUEUE, 'server draining')
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    Promise.all(closed),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_CLOSE_WAIT_MS))),
  ])
  clearTimeout(timer)
  for (const conn of registry.all()) conn.raw.terminate()
}
