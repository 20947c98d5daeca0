import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { boot, type MegaConfigInput, type MegaRuntime } from '@mega/core'
import { createShutdown } from '@mega/observe'
import { HUB_CLOSE_CODES, HUB_HEARTBEAT_MISSES, type HubPayloads } from '@mega/ws/hub-protocol'
import { hubError } from './errors.js'
import { hubAdminRoutes } from './hub-admin-routes.js'
import { resolveHubConfig, type MegaWsHubConfig, type ResolvedHubConfig } from './hub-options.js'
import type {
  HubBridgeInfo,
  HubDisconnectOptions,
  HubDisconnectTarget,
  HubMemberFilter,
  HubMemberInfo,
} from './hub-types.js'
import type { BridgeSession } from './internal/bridge-session.js'
import {
  CLOSE_GRACE_MS,
  closeBridge,
  handleConnection,
  type ConnectionHost,
} from './internal/bridge-connection.js'
import { createHubMetrics, NO_HUB_METRICS, type HubMetrics } from './internal/hub-metrics.js'
import { HubRouter } from './internal/hub-router.js'
import { closeWithin } from './internal/socket-io.js'
import { tokenChecker } from './internal/token-check.js'

/** The largest frame a bridge may send (a presence snapshot of many members). */
const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024

type HubState = 'idle' | 'starting' | 'running' | 'closing' | 'closed'
type HubLog = Pick<MegaRuntime['log'], 'info' | 'warn'>

/**
 * The central WebSocket hub: app processes (bridges, running `MegaHubLink` of @mega/ws) register with
 * a token and the hub routes their cross-process traffic — broadcasts to a namespace, messages to a
 * user, kicks — keeps cluster-wide presence, and drops a bridge that falls silent. One port serves the
 * bridge socket (`path`), the admin API (`/admin/*`, its own token), `/metrics` and `/health/*`, built
 * on @mega/core's `boot()` like every Mega process. `close()` drains the bridges (4503) first.
 *
 * @example
 * const hub = new MegaWsHub({ tokens: [process.env.HUB_TOKEN!], port: 7070 })
 * const url = await hub.start() // bridges connect to ws://host:7070/hub
 * process.on('SIGTERM', () => void hub.close())
 */
export class MegaWsHub {
  readonly #config: ResolvedHubConfig
  readonly #router = new HubRouter(NO_HUB_METRICS)
  readonly #pending = new Set<WebSocket>()
  readonly #checkToken: (token: string) => boolean
  readonly #host: ConnectionHost
  #metrics: HubMetrics = NO_HUB_METRICS
  #log: HubLog | undefined
  #state: HubState = 'idle'
  #runtime: MegaRuntime | undefined
  #wss: WebSocketServer | undefined
  #heartbeat: NodeJS.Timeout | undefined
  #url: string | undefined
  #closed: Promise<void> | undefined

  /** Validates the options (`MEGA_WS_HUB_OPTIONS_INVALID` with every issue); starts nothing. */
  constructor(config: MegaWsHubConfig) {
    this.#config = resolveHubConfig(config)
    this.#checkToken = tokenChecker(this.#config.tokens)
    this.#host = this.#connectionHost()
  }

  /** This hub's id, sent to bridges in `register_ok`. */
  get hubId(): string {
    return this.#config.hubId
  }

  /** The HTTP base URL once started (`http://host:port`); bridges connect to it with `ws:` + `path`. */
  get url(): string | undefined {
    return this.#url
  }

  /** Boots the HTTP side, accepts bridges, starts the heartbeat; resolves the base URL. Once only. */
  async start(): Promise<string> {
    if (this.#state !== 'idle')
      throw hubError(
        'MEGA_WS_HUB_STATE_INVALID',
        `start() on a ${this.#state} hub: start a hub once.`,
      )
    this.#state = 'starting'
    try {
      return await this.#serve()
    } catch (err) {
      this.#state = 'closed'
      clearInterval(this.#heartbeat)
      await this.#runtime?.close()
      throw err
    }
  }

  async #serve(): Promise<string> {
    const runtime = await boot({
      root: import.meta.dirname,
      config: this.#bootConfig(),
      apps:
        this.#config.adminToken === undefined
          ? {}
          : { hub: { routes: hubAdminRoutes(this, this.#config.adminToken) } },
      listen: false,
      shutdown: createShutdown(),
      clusterWorker: false,
      typescript: false,
    })
    this.#runtime = runtime
    this.#log = runtime.log
    if (runtime.metrics !== undefined)
      this.#router.metrics = this.#metrics = createHubMetrics(
        runtime.metrics,
        () => this.#router.bridges.size,
      )
    runtime.health.register('ws-hub', () => ({
      ok: this.#state === 'running',
      bridges: this.#router.bridges.size,
    }))
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES })
    runtime.server.fastify.server.on(
      'upgrade',
      (req: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(req, socket, head),
    )
    this.#url = await runtime.server.listen({ port: this.#config.port, host: this.#config.host })
    this.#heartbeat = setInterval(() => this.#beat(), this.#config.heartbeatMs)
    this.#heartbeat.unref()
    this.#state = 'running'
    runtime.log.info(
      { url: this.#url, path: this.#config.path, hubId: this.hubId },
      'mega-ws-hub listening',
    )
    return this.#url
  }

  #bootConfig(): MegaConfigInput {
    const c = this.#config
    return {
      name: 'mega-ws-hub',
      apps: [{ name: 'hub', prefix: '/' }],
      server: { port: c.port, host: c.host },
      logger: c.logger === false ? false : { level: c.logger?.level ?? 'info' },
      metrics: {
        enabled: true,
        serviceName: 'mega-ws-hub',
        ...c.metrics,
        allow: c.metrics?.allow === undefined ? undefined : [...c.metrics.allow],
      },
      health: {
        ...c.health,
        allow: c.health?.allow === undefined ? undefined : [...c.health.allow],
      },
      ...(c.production === undefined ? {} : { production: c.production }),
    }
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://hub').pathname
    if (path !== this.#config.path || this.#state !== 'running' || this.#wss === undefined) {
      socket.end(
        `HTTP/1.1 ${path === this.#config.path ? '503 Service Unavailable' : '404 Not Found'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      )
      return
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.#pending.add(ws)
      ws.once('close', () => this.#pending.delete(ws))
      handleConnection(this.#host, ws, req)
    })
  }

  #connectionHost(): ConnectionHost {
    return {
      registerTimeoutMs: this.#config.registerTimeoutMs,
      router: this.#router,
      metrics: () => this.#metrics,
      now: () => this.#config.now(),
      checkToken: (token) => this.#checkToken(token),
      admit: (session, register) => this.#admit(session, register),
      forget: (session, code, reason) => this.#forget(session, code, reason),
      refused: (code, reason, instanceId) =>
        this.#log?.warn({ instanceId, code, reason }, 'bridge refused'),
    }
  }

  #admit(session: BridgeSession, register: HubPayloads['register']): void {
    this.#pending.delete(session.socket)
    const previous = this.#router.bridges.get(session.instanceId)
    if (previous !== undefined) {
      previous.send('error', {
        code: 'MEGA_WS_HUB_DUPLICATE_INSTANCE',
        message: 'A newer bridge registered with this instanceId: this one is replaced.',
      })
      void closeBridge(
        this.#host,
        previous,
        HUB_CLOSE_CODES.DUPLICATE_INSTANCE,
        'replaced by a newer bridge',
      )
    }
    this.#router.bridges.set(session.instanceId, session)
    session.send('register_ok', {
      hubId: this.hubId,
      acceptedAt: session.connectedAt,
      heartbeatMs: this.#config.heartbeatMs,
      ...(register.protocolVersion === undefined
        ? {}
        : { protocolVersion: session.protocolVersion }),
    })
    this.#log?.info(
      {
        instanceId: session.instanceId,
        protocolVersion: session.protocolVersion,
        remoteAddress: session.remoteAddress,
      },
      'bridge joined',
    )
  }

  #forget(session: BridgeSession, code: number, reason: string): void {
    if (session.gone) return
    session.gone = true
    if (this.#router.bridges.get(session.instanceId) === session)
      this.#router.bridges.delete(session.instanceId)
    this.#metrics.bridgeClosed(code)
    this.#log?.info(
      { instanceId: session.instanceId, protocolVersion: session.protocolVersion, code, reason },
      'bridge left',
    )
  }

  #beat(): void {
    const now = this.#config.now()
    const deadline = this.#config.heartbeatMs * HUB_HEARTBEAT_MISSES
    for (const session of [...this.#router.bridges.values()]) {
      if (now - session.lastSeen >= deadline)
        void closeBridge(
          this.#host,
          session,
          HUB_CLOSE_CODES.HEARTBEAT_TIMEOUT,
          `silent for ${HUB_HEARTBEAT_MISSES} heartbeats`,
        )
      else session.send('heartbeat', { at: now })
    }
  }

  /** The registered bridges, in registration order. */
  bridges(): HubBridgeInfo[] {
    return [...this.#router.bridges.values()].map((b) => ({
      instanceId: b.instanceId,
      protocolVersion: b.protocolVersion,
      capabilities: b.capabilities,
      connectedAt: b.connectedAt,
      lastSeen: b.lastSeen,
      remoteAddress: b.remoteAddress,
      interest: { namespaces: b.namespaces.size, users: b.users.size },
      members: b.memberCount(),
    }))
  }

  /** The presence members every bridge reported (its last `presence`), optionally filtered. */
  members(filter: HubMemberFilter = {}): HubMemberInfo[] {
    const out: HubMemberInfo[] = []
    for (const bridge of this.#router.bridges.values())
      for (const [ns, list] of Object.entries(bridge.members)) {
        if (filter.ns !== undefined && ns !== filter.ns) continue
        for (const m of list)
          if (filter.userId === undefined || m.userId === filter.userId)
            out.push({ instanceId: bridge.instanceId, ns, ...m })
      }
    return out
  }

  /**
   * Closes client connections wherever they are: sends `kick` to every bridge, which closes the
   * target's connections with 1008, or 4503 with `requeue` (they reconnect elsewhere and keep their
   * session). Returns how many bridges were told.
   */
  disconnect(target: HubDisconnectTarget, options: HubDisconnectOptions = {}): number {
    const kick: HubPayloads['kick'] = {
      target: 'connId' in target ? { connId: target.connId } : { userId: target.userId },
      ...(options.requeue === undefined ? {} : { requeue: options.requeue }),
      ...(options.reason === undefined ? {} : { reason: options.reason }),
    }
    return this.#router.broadcast('kick', kick)
  }

  /**
   * Sends `drain` to one bridge: it requeues every client connection (4503) so they move to the other
   * bridges. `MEGA_WS_HUB_BRIDGE_NOT_FOUND` when no bridge has that instance id.
   */
  drain(instanceId: string, reason?: string): void {
    const bridge = this.#router.bridges.get(instanceId)
    if (bridge === undefined)
      throw hubError(
        'MEGA_WS_HUB_BRIDGE_NOT_FOUND',
        `No bridge "${instanceId}" is registered: list them with GET /admin/bridges.`,
      )
    bridge.send('drain', reason === undefined ? {} : { reason })
  }

  /**
   * Stops the hub: no new bridges, every bridge closed with 4503 (drain: they reconnect to the next
   * hub at once and keep their clients), then the HTTP side (in-flight requests finish), metrics and
   * logs flushed. Idempotent; resolves when everything is closed.
   */
  close(): Promise<void> {
    this.#closed ??= this.#close()
    return this.#closed
  }

  async #close(): Promise<void> {
    const wasRunning = this.#state === 'running' || this.#state === 'starting'
    this.#state = 'closing'
    clearInterval(this.#heartbeat)
    const closing = [...this.#pending].map((ws) =>
      closeWithin(ws, HUB_CLOSE_CODES.SHUTDOWN, 'hub stopping', CLOSE_GRACE_MS),
    )
    for (const bridge of [...this.#router.bridges.values()])
      closing.push(closeBridge(this.#host, bridge, HUB_CLOSE_CODES.DRAIN, 'hub draining'))
    await Promise.all(closing)
    if (wasRunning) this.#log?.info({ hubId: this.hubId }, 'mega-ws-hub stopping')
    this.#wss?.close()
    await this.#runtime?.close()
    this.#state = 'closed'
  }
}
