import WebSocket from 'ws'
import type { ClusterPeer, ClusterTransport } from '../presence/ws-cluster.js'
import type { KickOptions, KickTarget, PresenceMember } from '../presence/presence-types.js'
import { PRESENCE_EVENTS } from '../presence/presence-registry.js'
import type { HistoryPosition } from '../presence/shared-history.js'
import {
  kickOptionsOf,
  kickPayload,
  nsFits,
  presencePayload,
  publishNsPayload,
} from './hub-frames.js'
import { generateMessageId } from '../protocol/ulid.js'
import {
  HUB_CLOSE_CODES,
  HUB_HEARTBEAT_MISSES,
  encodeHubMessage,
  hubCloseAction,
  parseHubMessage,
  type HubMessage,
  type HubMessageType,
  type HubPayloads,
} from './hub-protocol.js'
import {
  hubBackoffDelay,
  resolveHubLinkConfig,
  type HubLinkConfig,
  type HubLinkLogger,
  type ResolvedHubLinkConfig,
} from './hub-link-config.js'
import { HubLinkEmitter, type HubLinkEvent, type HubLinkListener } from './hub-link-events.js'
import { HubOutbox } from './hub-outbox.js'
import { HubInterest } from './hub-interest.js'
import { PresenceQueries } from './hub-presence-queries.js'
import { RemoteRoster, type CatchUp } from './hub-remote-roster.js'
import { closeSocket, frameText } from './hub-socket.js'

/** The close reason local clients get when the hub drains this bridge. */
export const HUB_DRAIN_REASON = 'reconnect to another process keeping the session'

/** Where a {@link MegaHubLink} stands. */
export type HubLinkState =
  'idle' | 'connecting' | 'registering' | 'registered' | 'waiting' | 'final' | 'stopped'

type Timer = ReturnType<typeof setTimeout>

/**
 * The bridge side of the hub protocol: links this process's connections to the other processes'
 * through a central hub (`MegaWsHub` of `@mega/ws-hub`) instead of a bus and a roster. It registers,
 * tells the hub which namespaces and users it has connections for and who is present, publishes
 * broadcasts, messages to users and kicks, and delivers what the other bridges publish.
 *
 * `start()` never waits for the hub: a hub that is down is logged and retried in the background
 * (jittered backoff) while the app serves its own connections; frames published meanwhile are kept
 * (bounded) and sent once the hub has the bridge's interest and presence again, after every reconnect.
 *
 * @example
 * const link = new MegaHubLink(registry, { url: 'ws://hub:7070', token: process.env.HUB_TOKEN! })
 * link.on('registered', ({ hubId }) => log.info({ hubId }, 'linked'))
 * await link.start()
 */
export class MegaHubLink implements ClusterTransport {
  readonly #peer: ClusterPeer
  readonly #config: ResolvedHubLinkConfig
  readonly #log: HubLinkLogger
  readonly #events: HubLinkEmitter
  readonly #interest = new HubInterest()
  readonly #outbox: HubOutbox
  readonly #queries: PresenceQueries
  readonly #roster = new RemoteRoster()
  #socket: WebSocket | undefined
  #state: HubLinkState = 'idle'
  #attempt = 0
  #retry: Timer | undefined
  #connectTimer: Timer | undefined
  #beat: ReturnType<typeof setInterval> | undefined
  #lastHeard = 0
  #hubId: string | undefined
  #version: number | undefined
  #interestQueued = false
  #presenceQueued = false

  constructor(peer: ClusterPeer, config: HubLinkConfig) {
    this.#config = resolveHubLinkConfig(config)
    this.#peer = peer
    this.#log = this.#config.log
    this.#events = new HubLinkEmitter(this.#log)
    this.#outbox = new HubOutbox(this.#config.maxBufferedFrames, this.#log, (total) =>
      this.#events.emit('dropped', { total }),
    )
    this.#queries = new PresenceQueries(this.#config.presenceTimeoutMs, this.#log)
  }

  /** This bridge's id at the hub (stable across reconnects). */
  get instanceId(): string {
    return this.#config.instanceId
  }

  /** Where the link stands now. */
  get state(): HubLinkState {
    return this.#state
  }

  /** Whether the link is registered: the other bridges are reached, and their members listed. */
  get linked(): boolean {
    return this.#state === 'registered'
  }

  /** The hub's id, once registered (kept after a disconnect until the next registration). */
  get hubId(): string | undefined {
    return this.#hubId
  }

  /** The protocol version of the current (or last) session: the hub's echo, or 1. */
  get protocolVersion(): number | undefined {
    return this.#version
  }

  /** Buffered frames dropped (the oldest first) because the hub was away too long. */
  get droppedFrames(): number {
    return this.#outbox.dropped
  }

  /** Adds a listener (an unknown event name is `MEGA_WS_OPTIONS_INVALID`). */
  on<E extends HubLinkEvent>(event: E, listener: HubLinkListener<E>): this {
    this.#events.on(event, listener)
    return this
  }

  /** Removes a listener. */
  off<E extends HubLinkEvent>(event: E, listener: HubLinkListener<E>): this {
    this.#events.off(event, listener)
    return this
  }

  /** Starts connecting (once) and resolves at once: the hub being down never holds or fails boot. */
  start(): Promise<void> {
    if (this.#state === 'idle') this.#connect()
    return Promise.resolve()
  }

  /** Stops (once): no more attempts, timers cleared, the socket closed with 1000. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return
    this.#state = 'stopped'
    clearTimeout(this.#retry)
    this.#endSession()
    this.#outbox.clear()
    this.#roster.clear()
    const socket = this.#socket
    this.#socket = undefined
    if (socket !== undefined) await closeSocket(socket, 1000, 'bridge stopping')
  }

  #connect(): void {
    this.#state = 'connecting'
    let socket: WebSocket
    try {
      socket = new WebSocket(this.#config.url, {
        handshakeTimeout: this.#config.connectTimeoutMs,
        perMessageDeflate: false,
      })
    } catch (err) {
      this.#log.warn({ err }, 'hub link: could not open a socket to the hub')
      return this.#reconnect(false)
    }
    this.#socket = socket
    socket.on('open', () => this.#onOpen(socket))
    socket.on('message', (data, isBinary) => this.#onFrame(socket, data, isBinary))
    socket.on('close', (code, reason) => this.#onClose(socket, code, reason.toString()))
    socket.on('error', (err) => {
      if (socket === this.#socket) this.#log.debug({ err }, 'hub link: socket error')
    })
    this.#connectTimer = setTimeout(() => {
      this.#log.warn(
        { url: this.#config.url, timeoutMs: this.#config.connectTimeoutMs },
        'hub link: no register_ok in time; retrying',
      )
      socket.terminate()
    }, this.#config.connectTimeoutMs)
    this.#connectTimer.unref()
  }

  #onOpen(socket: WebSocket): void {
    if (socket !== this.#socket) return
    this.#state = 'registering'
    this.#lastHeard = Date.now()
    this.#log.info({ url: this.#config.url }, 'hub link: connected')
    this.#events.emit('connected', { url: this.#config.url })
    const { instanceId, token, capabilities, protocolVersion } = this.#config
    this.#write('register', {
      instanceId,
      token,
      capabilities: [...capabilities],
      ...(protocolVersion === false ? {} : { protocolVersion }),
    })
  }

  #onFrame(socket: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    if (socket !== this.#socket) return
    this.#lastHeard = Date.now()
    if (isBinary) return this.#log.warn('hub link: ignored a binary frame from the hub')
    const parsed = parseHubMessage(frameText(data))
    if (!parsed.ok)
      return this.#log.warn({ violation: parsed.violation }, 'hub link: ignored an invalid frame')
    try {
      this.#handle(parsed.message)
    } catch (err) {
      this.#log.warn({ err, type: parsed.message.type }, 'hub link: handling a frame failed')
    }
  }

  #handle(message: HubMessage): void {
    if (message.type === 'register_ok') return this.#onRegistered(message.data)
    if (message.type === 'error')
      return this.#log.warn({ hubError: message.data }, 'hub link: the hub refused a frame')
    if (this.#state !== 'registered')
      return this.#log.debug({ type: message.type }, 'hub link: a frame before register_ok')
    switch (message.type) {
      case 'heartbeat':
        return
      case 'deliver':
        return this.#deliver(message.data)
      case 'presence_result':
        return this.#queries.answer(message.data.requestId, message.data.members)
      case 'kick':
        this.#peer.kickLocal(message.data.target, kickOptionsOf(message.data))
        return
      case 'drain': {
        const count = this.#peer.requeueLocal(message.data.reason ?? HUB_DRAIN_REASON)
        return this.#log.info({ count }, 'hub link: the hub drains this bridge; clients requeued')
      }
      case 'register':
      case 'interest':
      case 'publish':
      case 'presence':
      case 'presence_query':
        return this.#log.warn({ type: message.type }, 'hub link: ignored a bridge-to-hub frame')
    }
  }

  #onRegistered(ok: HubPayloads['register_ok']): void {
    if (this.#state !== 'registering') return
    const offered = this.#config.protocolVersion
    if (ok.protocolVersion !== undefined && (offered === false || ok.protocolVersion > offered)) {
      this.#log.error(
        { offered, echoed: ok.protocolVersion },
        'hub link: the hub chose a protocol version this bridge did not offer',
      )
      this.#socket?.close(HUB_CLOSE_CODES.PROTOCOL_ERROR, 'protocolVersion not offered')
      return
    }
    clearTimeout(this.#connectTimer)
    this.#state = 'registered'
    this.#attempt = 0
    this.#hubId = ok.hubId
    this.#version = ok.protocolVersion ?? 1
    this.#startHeartbeat(ok.heartbeatMs)
    const info = { hubId: ok.hubId, protocolVersion: this.#version, heartbeatMs: ok.heartbeatMs }
    this.#log.info(info, 'hub link: registered')
    this.#resync()
    this.#catchUp()
    this.#events.emit('registered', info)
  }

  /**
   * After every registration: asks the hub who is present on the other bridges in each namespace
   * with local connections (one query each, in parallel), and tells the local clients of it what
   * they missed while the link was not registered (see `ClusterPeer.catchUpPresence`): who joined,
   * who left, and, to clients that came meanwhile, who was there. Failures are logged, not thrown.
   */
  #catchUp(): void {
    const namespaces = this.#interest.ns.names().filter(nsFits)
    const tickets = namespaces.map((ns) => this.#roster.begin(ns))
    const caughtUp = tickets.map(async (ticket) => {
      const { ns } = ticket
      const members = await this.#askPresence(ns)
      const news = this.#roster.finish(ticket, members)
      if (members === undefined)
        return this.#log.warn(
          { ns },
          'hub link: no presence_result after registering; local clients may miss who joined or left meanwhile',
        )
      if (!this.#interest.ns.has(ns)) return this.#roster.forget(ns)
      this.#tellLocal(ns, news)
      this.#log.debug(
        { ns, joins: news.joins.length, known: news.known.length, leaves: news.leaves.length },
        'hub link: told local clients who is present elsewhere',
      )
    })
    void Promise.all(caughtUp).catch((err: unknown) =>
      this.#log.warn({ err }, 'hub link: telling local clients who is present elsewhere failed'),
    )
  }

  #tellLocal(ns: string, news: CatchUp): void {
    if (this.#peer.catchUpPresence !== undefined) return this.#peer.catchUpPresence(ns, news)
    const send = (type: string, member: PresenceMember) =>
      this.#peer.deliverNs(ns, type, member, generateMessageId(), undefined)
    for (const member of news.leaves) send(PRESENCE_EVENTS.leave, member)
    for (const member of [...news.joins, ...news.known]) send(PRESENCE_EVENTS.join, member)
  }

  /** After every registration: the whole interest (reset), the whole presence, then the buffer. */
  #resync(): void {
    for (const frame of this.#interest.resetFrames()) this.#write('interest', frame)
    this.#sendPresence()
    for (const frame of this.#outbox.drain()) this.#socket?.send(frame)
  }

  #startHeartbeat(heartbeatMs: number): void {
    clearInterval(this.#beat)
    this.#beat = setInterval(() => {
      if (Date.now() - this.#lastHeard > HUB_HEARTBEAT_MISSES * heartbeatMs) {
        this.#log.warn(
          { heartbeatMs, misses: HUB_HEARTBEAT_MISSES },
          'hub link: the hub went silent; reconnecting',
        )
        return this.#socket?.terminate()
      }
      this.#write('heartbeat', { at: Date.now() })
    }, heartbeatMs)
    this.#beat.unref()
  }

  #onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.#socket) return
    const wasRegistered = this.#state === 'registered'
    this.#socket = undefined
    this.#endSession()
    this.#log.warn({ code, reason }, 'hub link: disconnected')
    this.#events.emit('disconnected', { code, reason })
    const action = hubCloseAction(code)
    if (action !== 'final') return this.#reconnect(action === 'reconnect-now' && wasRegistered)
    this.#state = 'final'
    this.#outbox.clear()
    this.#log.error(
      { code, reason },
      code === HUB_CLOSE_CODES.AUTH_FAILED
        ? 'hub link: the hub refused the token; not reconnecting (the app serves its own connections only)'
        : 'hub link: replaced by a newer bridge with this instanceId; not reconnecting',
    )
    this.#events.emit('final', { code, reason })
  }

  /** Timers and pending presence queries of the session that ended (queries get `[]`). */
  #endSession(): void {
    clearTimeout(this.#connectTimer)
    clearInterval(this.#beat)
    this.#beat = undefined
    this.#queries.cancelAll()
  }

  #reconnect(now: boolean): void {
    if (this.#state === 'stopped') return
    this.#state = 'waiting'
    const delayMs = now ? 0 : hubBackoffDelay(this.#config, this.#attempt)
    this.#attempt += 1
    this.#log.info({ delayMs, attempt: this.#attempt }, 'hub link: reconnecting')
    this.#events.emit('reconnecting', { delayMs, attempt: this.#attempt })
    this.#retry = setTimeout(() => {
      if (this.#state === 'waiting') this.#connect()
    }, delayMs)
    this.#retry.unref()
  }

  /** Encodes and sends a frame now, if the socket is open (a frame that does not encode is logged). */
  #write<K extends HubMessageType>(type: K, data: HubPayloads[K]): void {
    const frame = this.#encode(type, data)
    if (frame !== undefined && this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(frame)
  }

  #encode<K extends HubMessageType>(type: K, data: HubPayloads[K]): string | undefined {
    try {
      return encodeHubMessage(type, data)
    } catch (err) {
      this.#log.warn({ err, type }, 'hub link: a frame did not encode; not sent')
      return undefined
    }
  }

  /** A `publish` or `kick`: sent while registered, kept (bounded) otherwise. */
  #relay<K extends 'publish' | 'kick'>(type: K, data: HubPayloads[K]): Promise<void> {
    const frame = this.#encode(type, data)
    if (frame === undefined || this.#state === 'final' || this.#state === 'stopped')
      return Promise.resolve()
    if (this.#state === 'registered' && this.#socket?.readyState === WebSocket.OPEN)
      this.#socket.send(frame)
    else this.#outbox.push(frame)
    return Promise.resolve()
  }

  #deliver(d: HubPayloads['deliver']): void {
    if (d.origin === this.#config.instanceId) return
    if (d.userId !== undefined) return this.#peer.deliverUser(d.ns, d.userId, d.type, d.data)
    if (this.#interest.ns.has(d.ns)) this.#roster.seen(d.ns, d.type, d.data)
    this.#peer.deliverNs(d.ns, d.type, d.data, d.id ?? generateMessageId(), d.except, d.at)
  }

  #queueInterest(): void {
    if (this.#interestQueued) return
    this.#interestQueued = true
    queueMicrotask(() => {
      this.#interestQueued = false
      if (this.#state !== 'registered') return // the next registration sends everything
      for (const frame of this.#interest.diffFrames()) this.#write('interest', frame)
    })
  }

  #sendPresence(): void {
    this.#write('presence', presencePayload(this.#peer.localMembers()))
  }

  watchNs(ns: string): void {
    if (this.#interest.ns.add(ns)) this.#queueInterest()
  }

  unwatchNs(ns: string): void {
    if (!this.#interest.ns.remove(ns)) return
    this.#roster.forget(ns)
    this.#queueInterest()
  }

  watchUser(userId: string): void {
    if (this.#interest.users.add(userId)) this.#queueInterest()
  }

  unwatchUser(userId: string): void {
    if (this.#interest.users.remove(userId)) this.#queueInterest()
  }

  /** Tells the hub this process's presence: one `presence` frame per burst of changes. */
  rosterChanged(): void {
    if (this.#presenceQueued || this.#state !== 'registered') return
    this.#presenceQueued = true
    queueMicrotask(() => {
      this.#presenceQueued = false
      if (this.#state === 'registered') this.#sendPresence()
    })
  }

  publishNs(
    ns: string,
    type: string,
    data: unknown,
    id: string,
    except?: string,
    at?: HistoryPosition,
  ): Promise<void> {
    return this.#relay('publish', publishNsPayload(ns, type, data, id, except, at))
  }

  publishUser(ns: string, userId: string, type: string, data: unknown): Promise<void> {
    return this.#relay('publish', { ns, userId, type, data })
  }

  publishKick(target: KickTarget, options: KickOptions): Promise<void> {
    return this.#relay('kick', kickPayload(target, options))
  }

  /**
   * The other bridges' members of `ns`, asked of the hub (`presence_query`); `[]` while the hub is
   * away, and `[]` with a warning when it does not answer within `presenceTimeoutMs`.
   */
  async remoteMembers(ns: string): Promise<PresenceMember[]> {
    if (this.#state !== 'registered' || !nsFits(ns)) return []
    const members = await this.#askPresence(ns)
    if (members === undefined) return []
    if (this.#interest.ns.has(ns)) this.#roster.listed(ns, members)
    return members
  }

  /** A `presence_query` for `ns`: the hub's answer, `undefined` when none came in time. */
  #askPresence(ns: string): Promise<PresenceMember[] | undefined> {
    return this.#queries.ask(ns, (requestId) => this.#write('presence_query', { requestId, ns }))
  }
}
