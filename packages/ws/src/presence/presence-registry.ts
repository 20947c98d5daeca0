import { wsError } from '../errors.js'
import type { MegaWsConnection } from '../connection/ws-connection.js'
import { CLOSE_CODE_KICKED, CLOSE_CODE_REQUEUE } from '../protocol/close-codes.js'
import { createWsMessage } from '../protocol/ws-message.js'
import { generateMessageId } from '../protocol/ulid.js'
import type { ClusterPeer, ClusterTransport, PresenceCatchUp } from './ws-cluster.js'
import type { WsMetrics } from '../ws-metrics.js'
import {
  DEFAULT_HISTORY_TTL_MS,
  NsHistory,
  type HistoryOptions,
  type Replay,
} from './ns-history.js'
import type { HistoryPosition, SharedHistory } from './shared-history.js'

interface HistorySlot {
  /** This process's own history (none when the history is shared). */
  readonly history: NsHistory | undefined
  readonly options: HistoryOptions
  readonly ttlMs: number
  /** When the namespace's last local connection left (the history is dropped a TTL later). */
  emptySince: number | undefined
}

/** How often at most the histories of empty namespaces are swept. */
const HISTORY_SWEEP_MS = 1000
import type {
  BroadcastOptions,
  ChannelPresence,
  KickOptions,
  KickTarget,
  NamespacePresence,
  PresenceJoin,
  PresenceMember,
  WsPresence,
} from './presence-types.js'

/** Event types the server sends when members come, change and go. */
export const PRESENCE_EVENTS = Object.freeze({
  join: 'mega.presence.join',
  update: 'mega.presence.update',
  leave: 'mega.presence.leave',
})

const MAX_NS_LENGTH = 128
const MAX_REASON_BYTES = 123

function checkNs(ns: unknown): string {
  if (typeof ns !== 'string' || ns.length === 0 || ns.length > MAX_NS_LENGTH)
    throw wsError(
      'MEGA_WS_INVALID_NAMESPACE',
      `A namespace is a string of 1 to ${MAX_NS_LENGTH} characters (got ${JSON.stringify(ns)?.slice(0, 60) ?? 'nothing'}).`,
    )
  return ns
}

function checkMetadata(metadata: unknown): Readonly<Record<string, unknown>> {
  if (metadata === undefined) return Object.freeze({})
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw wsError('MEGA_WS_INVALID_PRESENCE', 'Presence metadata is a plain object.')
  return Object.freeze({ ...(metadata as Record<string, unknown>) })
}

/**
 * The connections of one process, by namespace and by user, and who joined presence where: delivers
 * broadcasts and messages to users, lists members, kicks. (Cluster-wide listing and delivery plug in
 * behind it.)
 */
export class PresenceRegistry implements WsPresence, ClusterPeer {
  readonly #byNs = new Map<string, Set<MegaWsConnection>>()
  readonly #members = new Map<string, Map<string, PresenceMember>>()
  readonly #all = new Map<string, MegaWsConnection>()
  /** Connections tracked while the cluster was not linked (until they are caught up). */
  readonly #lateConns = new Set<string>()
  #cluster: ClusterTransport | undefined
  #shared: SharedHistory | undefined
  readonly #metrics: WsMetrics | undefined
  readonly #histories = new Map<string, HistorySlot>()
  #lastSweep = 0

  constructor(metrics?: WsMetrics) {
    this.#metrics = metrics
  }

  /**
   * Links the registry to the other processes (before the first connection), and to the history
   * they share, if any.
   */
  attach(cluster: ClusterTransport | undefined, shared?: SharedHistory): void {
    this.#cluster = cluster
    this.#shared = shared
  }

  get connections(): number {
    return this.#all.size
  }

  /** Every open connection (for a drain). */
  all(): IterableIterator<MegaWsConnection> {
    return this.#all.values()
  }

  /** Keeps a history of the namespace's broadcasts (once per namespace; the first options win). */
  keepHistory(ns: string, options: HistoryOptions): void {
    if (this.#histories.has(ns)) return
    const history = this.#shared === undefined ? new NsHistory(options) : undefined
    const ttlMs = options.ttlMs ?? DEFAULT_HISTORY_TTL_MS
    this.#histories.set(ns, { history, options, ttlMs, emptySince: undefined })
  }

  /** Whether the namespace keeps a history. */
  hasHistory(ns: string): boolean {
    return this.#histories.has(ns)
  }

  /** The namespace's position for a newly connected client (`undefined` without a history). */
  positionOf(ns: string): HistoryPosition | Promise<HistoryPosition> | undefined {
    const slot = this.#histories.get(ns)
    if (slot === undefined) return undefined
    if (slot.history !== undefined)
      return { epoch: slot.history.epoch, offset: slot.history.offset }
    return this.#shared?.position(ns, slot.options)
  }

  /** What a client that last saw `offset` of `epoch` missed, as frames, or a gap. */
  async replay(ns: string, epoch: string, offset: number): Promise<Replay | undefined> {
    const slot = this.#histories.get(ns)
    if (slot === undefined) return undefined
    if (slot.history !== undefined) return slot.history.since(epoch, offset)
    const replay = await this.#shared?.since(ns, slot.options, epoch, offset)
    if (replay === undefined || !replay.ok) return replay
    // Shared records hold type, data and id: the frame gets its offset back (they are contiguous).
    const frames = replay.frames.map((record, i) => {
      const { type, data, id } = JSON.parse(record) as { type: string; data: unknown; id: string }
      return JSON.stringify(createWsMessage({ type, ns, data, id, offset: offset + 1 + i, epoch }))
    })
    return { ...replay, frames }
  }

  #sweepHistories(now: number): void {
    if (now - this.#lastSweep < HISTORY_SWEEP_MS) return
    this.#lastSweep = now
    for (const [ns, slot] of this.#histories)
      if (slot.emptySince !== undefined && now - slot.emptySince > slot.ttlMs)
        this.#histories.delete(ns)
  }

  /** Adds a connection to its namespace. */
  track(conn: MegaWsConnection): void {
    this.#all.set(conn.id, conn)
    if (this.#cluster?.linked === false) this.#lateConns.add(conn.id)
    const ns = conn.ns ?? ''
    this.#sweepHistories(Date.now())
    const slot = this.#histories.get(ns)
    if (slot !== undefined) slot.emptySince = undefined
    let set = this.#byNs.get(ns)
    if (set === undefined) {
      this.#byNs.set(ns, (set = new Set()))
      this.#cluster?.watchNs(ns)
    }
    set.add(conn)
  }

  /** Removes a closed connection; its member leaves (the others are told). */
  untrack(conn: MegaWsConnection): void {
    if (!this.#all.delete(conn.id)) return
    this.#lateConns.delete(conn.id)
    const ns = conn.ns ?? ''
    const set = this.#byNs.get(ns)
    set?.delete(conn)
    this.#leave(conn)
    if (set?.size === 0) {
      this.#byNs.delete(ns)
      this.#cluster?.unwatchNs(ns)
      const slot = this.#histories.get(ns)
      if (slot !== undefined) slot.emptySince = Date.now()
    }
  }

  in(ns: string): NamespacePresence {
    const name = checkNs(ns)
    return {
      ns: name,
      list: () => this.#list(name),
      broadcast: (type, data, options) =>
        Promise.resolve(this.#broadcast(name, type, data, options)),
      toUser: (userId, type, data) => Promise.resolve(this.#toUser(name, userId, type, data)),
    }
  }

  /** Presence bound to one connection. */
  forConnection(conn: MegaWsConnection): ChannelPresence {
    const ns = conn.ns ?? ''
    const here = this.in(ns)
    return {
      ...here,
      join: async (member) => this.#join(conn, member),
      update: async (metadata) => this.#update(conn, metadata),
      leave: async () => this.#leave(conn),
      in: (other) => this.in(other),
    }
  }

  kick(target: KickTarget, options: KickOptions = {}): number {
    void this.#cluster?.publishKick(target, options)
    return this.kickLocal(target, options)
  }

  /** Closes this process's matching connections. */
  kickLocal(target: KickTarget, options: KickOptions = {}): number {
    const code = options.requeue === true ? CLOSE_CODE_REQUEUE : CLOSE_CODE_KICKED
    const reason = Buffer.from(options.reason ?? (options.requeue === true ? 'requeue' : 'kicked'))
      .subarray(0, MAX_REASON_BYTES)
      .toString()
    const victims =
      'connId' in target
        ? [this.#all.get(target.connId)].filter((c) => c !== undefined)
        : [...this.#all.values()].filter((c) => c.userId === target.userId)
    for (const conn of victims) conn.close(code, reason)
    return victims.length
  }

  /** Closes every connection of this process with 4503 (a hub's drain): they reconnect elsewhere. */
  requeueLocal(reason: string): number {
    const open = [...this.#all.values()]
    const text = Buffer.from(reason).subarray(0, MAX_REASON_BYTES).toString()
    for (const conn of open) conn.close(CLOSE_CODE_REQUEUE, text)
    return open.length
  }

  /** Local members first, then the other processes' (one per session). */
  async #list(ns: string): Promise<PresenceMember[]> {
    const local = [...(this.#members.get(ns)?.values() ?? [])]
    const remote = (await this.#cluster?.remoteMembers(ns)) ?? []
    const bySession = new Map<string, PresenceMember>()
    for (const member of [...local, ...remote])
      if (!bySession.has(member.sessionId)) bySession.set(member.sessionId, member)
    return [...bySession.values()]
  }

  localMembers(): Record<string, PresenceMember[]> {
    const out: Record<string, PresenceMember[]> = {}
    for (const [ns, members] of this.#members) out[ns] = [...members.values()]
    return out
  }

  deliverNs(
    ns: string,
    type: string,
    data: unknown,
    id: string,
    except: string | undefined,
    at?: HistoryPosition,
  ): void {
    const frame =
      this.#shared === undefined
        ? this.#frame(ns, type, data, id)
        : JSON.stringify(createWsMessage({ type, ns, data, id, ...at }))
    this.#deliver(ns, type, frame, except)
  }

  /** A broadcast's frame: with the next offset of the namespace's history, which keeps it. */
  #frame(ns: string, type: string, data: unknown, id?: string): string {
    const history = this.#histories.get(ns)?.history
    if (history === undefined) return JSON.stringify(createWsMessage({ type, ns, data, id }))
    const offset = history.next()
    const frame = JSON.stringify(
      createWsMessage({ type, ns, data, id, offset, epoch: history.epoch }),
    )
    history.keep(offset, frame)
    return frame
  }

  catchUpPresence(ns: string, news: PresenceCatchUp): void {
    const own = this.#members.get(ns)
    for (const conn of this.#byNs.get(ns) ?? []) {
      // A connection that came while unlinked listed no remote member and heard of none.
      const late = this.#lateConns.delete(conn.id)
      const session = own?.get(conn.id)?.sessionId
      const tell = (type: string, member: PresenceMember): void => {
        if (member.connId !== conn.id && member.sessionId !== session)
          conn.send({ type, ns, data: member, id: generateMessageId() })
      }
      if (!late) for (const member of news.leaves) tell(PRESENCE_EVENTS.leave, member)
      for (const member of news.joins) tell(PRESENCE_EVENTS.join, member)
      if (late) for (const member of news.known) tell(PRESENCE_EVENTS.join, member)
    }
  }

  deliverUser(ns: string, userId: string, type: string, data: unknown): void {
    for (const conn of this.#byNs.get(ns) ?? [])
      if (conn.userId === userId) conn.send({ type, data })
  }

  #deliver(ns: string, type: string, frame: string, except: string | undefined): number {
    let sent = 0
    const conns = this.#byNs.get(ns)
    // The frame's UTF-8 bytes, made once: `ws` would otherwise encode the string again per socket.
    const utf8 = conns !== undefined && conns.size > 1 ? Buffer.from(frame) : undefined
    for (const conn of conns ?? []) if (conn.id !== except && conn.sendFrame(frame, utf8)) sent++
    this.#metrics?.sent(type, sent)
    return sent
  }

  /** Sends to this process's connections of `ns` and to the other processes'; resolves the local count. */
  async #broadcast(
    ns: string,
    type: string,
    data: unknown,
    options: BroadcastOptions = {},
  ): Promise<number> {
    // Encoded once for every receiver (the same id and ns in each copy, in every process).
    const id = generateMessageId()
    if (this.#shared !== undefined)
      return this.#broadcastShared(this.#shared, ns, { type, data, id }, options.except)
    const kept = this.#byNs.has(ns) || this.#histories.has(ns)
    const sent = kept ? this.#deliver(ns, type, this.#frame(ns, type, data, id), options.except) : 0
    await this.#cluster?.publishNs(ns, type, data, id, options.except)
    return sent
  }

  /** A broadcast whose offset comes from the shared history (appended first, then sent). */
  async #broadcastShared(
    shared: SharedHistory,
    ns: string,
    message: { type: string; data: unknown; id: string },
    except: string | undefined,
  ): Promise<number> {
    const slot = this.#histories.get(ns)
    // A namespace with local connections and no history here keeps none; otherwise ask the store.
    const at =
      slot === undefined && this.#byNs.has(ns)
        ? undefined
        : await shared.append(ns, JSON.stringify(message), slot?.options)
    const frame = JSON.stringify(createWsMessage({ ...message, ns, ...at }))
    const sent = this.#byNs.has(ns) ? this.#deliver(ns, message.type, frame, except) : 0
    await this.#cluster?.publishNs(ns, message.type, message.data, message.id, except, at)
    return sent
  }

  async #toUser(ns: string, userId: string, type: string, data: unknown): Promise<number> {
    let sent = 0
    for (const conn of this.#byNs.get(ns) ?? [])
      if (conn.userId === userId && conn.send({ type, data })) sent++
    await this.#cluster?.publishUser(ns, userId, type, data)
    return sent
  }

  #join(conn: MegaWsConnection, join: PresenceJoin): PresenceMember {
    if (typeof join?.userId !== 'string' || join.userId.length === 0)
      throw wsError(
        'MEGA_WS_INVALID_PRESENCE',
        'presence.join needs a userId (a non-empty string).',
      )
    const member: PresenceMember = Object.freeze({
      sessionId: join.sessionId ?? conn.id,
      userId: join.userId,
      metadata: checkMetadata(join.metadata),
      connId: conn.id,
    })
    // A connection that closed while onConnect ran is gone: it must not linger as a member.
    if (!this.#all.has(conn.id)) return member
    const ns = conn.ns ?? ''
    let members = this.#members.get(ns)
    if (members === undefined) this.#members.set(ns, (members = new Map<string, PresenceMember>()))
    const previous = members.get(conn.id)
    members.set(conn.id, member)
    if (previous !== undefined) this.#cluster?.unwatchUser(previous.userId)
    this.#cluster?.watchUser(member.userId)
    this.#cluster?.rosterChanged()
    conn.userId = member.userId
    conn.metadata = member.metadata
    void this.#broadcast(ns, PRESENCE_EVENTS.join, member, { except: conn.id })
    return member
  }

  #update(conn: MegaWsConnection, metadata: Readonly<Record<string, unknown>>): PresenceMember {
    const ns = conn.ns ?? ''
    const current = this.#members.get(ns)?.get(conn.id)
    if (current === undefined)
      throw wsError('MEGA_WS_INVALID_PRESENCE', 'presence.update comes after presence.join.')
    const member = Object.freeze({ ...current, metadata: checkMetadata(metadata) })
    this.#members.get(ns)?.set(conn.id, member)
    conn.metadata = member.metadata
    this.#cluster?.rosterChanged()
    void this.#broadcast(ns, PRESENCE_EVENTS.update, member, { except: conn.id })
    return member
  }

  #leave(conn: MegaWsConnection): void {
    const ns = conn.ns ?? ''
    const members = this.#members.get(ns)
    const member = members?.get(conn.id)
    if (member === undefined) return
    members?.delete(conn.id)
    if (members?.size === 0) this.#members.delete(ns)
    this.#cluster?.unwatchUser(member.userId)
    this.#cluster?.rosterChanged()
    void this.#broadcast(ns, PRESENCE_EVENTS.leave, member, { except: conn.id })
  }
}
