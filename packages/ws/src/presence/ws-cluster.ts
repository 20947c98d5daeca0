import type { BusAdapter, BusMessage, CacheAdapter } from '@mega/core'
import type { FastifyBaseLogger } from 'fastify'
import { generateMessageId } from '../protocol/ulid.js'
import type { KickOptions, KickTarget, PresenceMember } from './presence-types.js'
import type { HistoryPosition } from './shared-history.js'

/** The first token of the WebSocket cluster's subjects (`mega.ws.<app>.ns.<ns>`, `.user.<id>`, `.hb`, `.bye`, `.kick`). */
export const WS_CLUSTER_SUBJECT_PREFIX = 'mega.ws'
/** How often a process says it is alive and renews its roster entry. */
export const DEFAULT_CLUSTER_HEARTBEAT_MS = 5_000
/** How long a process's roster entry outlives its last renewal: a crashed process's members go then. */
export const DEFAULT_ROSTER_TTL_MS = 15_000

/** What the registry gives the cluster and takes from it. */
export interface ClusterPeer {
  /** Delivers a message that came from another process to this process's connections. */
  deliverNs(
    ns: string,
    type: string,
    data: unknown,
    id: string,
    except: string | undefined,
    at?: HistoryPosition,
  ): void
  deliverUser(ns: string, userId: string, type: string, data: unknown): void
  kickLocal(target: KickTarget, options: KickOptions): number
  /**
   * Closes every local connection with 4503 (reconnect, to another process, keeping the session):
   * the hub's `drain`. Returns how many.
   */
  requeueLocal(reason: string): number
  /** This process's members, by namespace (the roster entry). */
  localMembers(): Record<string, PresenceMember[]>
  /**
   * Tells this process's connections of `ns` what they missed of the other processes' presence
   * while the transport was not linked (the hub link, after each registration), outside any
   * history, never a member of a connection's own session. Without it, the link sends every join
   * and leave through `deliverNs`.
   */
  catchUpPresence?(ns: string, news: PresenceCatchUp): void
}

/** What a namespace's connections missed of the other processes' presence (see `catchUpPresence`). */
export interface PresenceCatchUp {
  /** Members that joined meanwhile: a join to every connection. */
  readonly joins: readonly PresenceMember[]
  /** Members announced before, still present: a join to connections that came while unlinked. */
  readonly known: readonly PresenceMember[]
  /** Members announced before that left meanwhile: a leave to connections that came before. */
  readonly leaves: readonly PresenceMember[]
}

/**
 * How a process's registry reaches the others: over a bus and a cache ({@link WsCluster}) or through a
 * central hub (the hub link). The registry calls these; the transport calls back into a
 * {@link ClusterPeer}. Every call is best-effort: a failure is logged by the transport, never thrown
 * into a connection's handler.
 */
export interface ClusterTransport {
  /** A local connection is in `ns` (counted per call): receive the namespace's messages. */
  watchNs(ns: string): void
  /** One local connection fewer in `ns`. */
  unwatchNs(ns: string): void
  /** A local connection belongs to `userId` (counted per call): receive messages to the user. */
  watchUser(userId: string): void
  /** One local connection of `userId` fewer. */
  unwatchUser(userId: string): void
  /** Sends a broadcast to the other processes' connections in `ns`. */
  publishNs(
    ns: string,
    type: string,
    data: unknown,
    id: string,
    except?: string,
    at?: HistoryPosition,
  ): Promise<void>
  /** Sends a message to the other processes' connections of `userId` in `ns`. */
  publishUser(ns: string, userId: string, type: string, data: unknown): Promise<void>
  /** Asks the other processes to kick. */
  publishKick(target: KickTarget, options: KickOptions): Promise<void>
  /** The other processes' members of `ns`. */
  remoteMembers(ns: string): Promise<PresenceMember[]>
  /**
   * `false` while the other processes cannot be reached (a hub link not registered): connections
   * arriving then list local members only, and are caught up later. Absent: always linked.
   */
  readonly linked?: boolean
  /** This process's members changed: tell the others (soon, once per burst). */
  rosterChanged(): void
  /** Starts linking (before the first connection). */
  start(): Promise<void>
  /** Stops (once): the others forget this process's members. */
  stop(): Promise<void>
}

/** Options of the cluster link. */
export interface WsClusterOptions {
  /** The first subject tokens (`mega.ws.<app>`), so apps sharing a bus stay apart. */
  readonly prefix: string
  readonly heartbeatMs: number
  readonly rosterTtlMs: number
}

/** The default subject prefix of an app's cluster: `mega.ws.` and the app names as one token. */
export function clusterPrefix(appNames: readonly string[]): string {
  return `${WS_CLUSTER_SUBJECT_PREFIX}.${token(appNames.join(','))}`
}

interface NsPayload {
  readonly origin: string
  readonly type: string
  readonly data: unknown
  readonly id: string
  readonly except?: string
  /** The message's place in the shared history, when it has one. */
  readonly at?: HistoryPosition
}

interface UserPayload {
  readonly origin: string
  readonly ns: string
  readonly type: string
  readonly data: unknown
}

interface Roster {
  readonly procId: string
  readonly members: Record<string, PresenceMember[]>
}

/** A bus subject token for any string: base64url has no `.`, `*`, `>` or spaces. */
function token(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url') || '_'
}

/**
 * Links this process's connections to the others' over a bus (subjects per namespace and per user,
 * subscribed only while a local connection needs them) and a cache (each process's members under a
 * key with a TTL, renewed by a heartbeat). A process that stops cleanly deletes its entry and says
 * goodbye; one that crashes drops out of every listing when its entry expires.
 */
export class WsCluster implements ClusterTransport {
  /** This process's id in the cluster. */
  readonly procId = generateMessageId()
  readonly #bus: BusAdapter
  readonly #cache: CacheAdapter
  readonly #peer: ClusterPeer
  readonly #log: Pick<FastifyBaseLogger, 'warn' | 'debug'>
  readonly #options: WsClusterOptions
  /** Other processes by id, with when they were last heard of. */
  readonly #procs = new Map<string, number>()
  readonly #subs = new Map<string, { count: number; off: Promise<() => void> }>()
  readonly #fixed: Promise<() => void>[] = []
  #timer: NodeJS.Timeout | undefined
  #started = false
  #dirty = false

  constructor(
    bus: BusAdapter,
    cache: CacheAdapter,
    peer: ClusterPeer,
    options: WsClusterOptions,
    log: Pick<FastifyBaseLogger, 'warn' | 'debug'>,
  ) {
    this.#bus = bus
    this.#cache = cache
    this.#peer = peer
    this.#options = options
    this.#log = log
  }

  #key(procId: string): string {
    return `${this.#options.prefix}:roster:${procId}`
  }

  #subject(...tokens: string[]): string {
    return [this.#options.prefix, ...tokens].join('.')
  }

  /** Subscribes to heartbeats, goodbyes and kicks, writes the roster entry, says hello. */
  async start(): Promise<void> {
    if (this.#started) return
    this.#started = true
    this.#fixed.push(
      this.#bus.subscribe<{ procId: string; hello?: boolean }>(this.#subject('hb'), ({ data }) => {
        if (data.procId === this.procId) return
        const known = this.#procs.has(data.procId)
        this.#procs.set(data.procId, Date.now())
        // A newcomer learns of everyone at once instead of within a heartbeat period.
        if (data.hello === true && !known) void this.#beat(false)
      }),
      this.#bus.subscribe<{ procId: string }>(this.#subject('bye'), ({ data }) => {
        this.#procs.delete(data.procId)
      }),
      this.#bus.subscribe<{ origin: string; target: KickTarget; options: KickOptions }>(
        this.#subject('kick'),
        ({ data }) => {
          if (data.origin !== this.procId) this.#peer.kickLocal(data.target, data.options)
        },
      ),
    )
    await Promise.all(this.#fixed)
    await this.#writeRoster()
    await this.#beat(true)
    this.#timer = setInterval(() => void this.#tick(), this.#options.heartbeatMs)
    this.#timer.unref()
  }

  async #tick(): Promise<void> {
    const now = Date.now()
    for (const [procId, seen] of this.#procs)
      if (now - seen > this.#options.rosterTtlMs) this.#procs.delete(procId)
    await this.#writeRoster()
    await this.#beat(false)
  }

  async #beat(hello: boolean): Promise<void> {
    await this.#quietly('heartbeat', () =>
      this.#bus.publish(this.#subject('hb'), { procId: this.procId, hello }),
    )
  }

  async #writeRoster(): Promise<void> {
    this.#dirty = false
    const roster: Roster = { procId: this.procId, members: this.#peer.localMembers() }
    await this.#quietly('roster write', () =>
      this.#cache.set(this.#key(this.procId), roster, { ttlMs: this.#options.rosterTtlMs }),
    )
  }

  /** Marks the roster changed: written once after the current burst of joins and leaves. */
  rosterChanged(): void {
    if (!this.#started || this.#dirty) return
    this.#dirty = true
    queueMicrotask(() => void this.#writeRoster())
  }

  async #quietly(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn()
    } catch (err) {
      this.#log.warn({ err }, `ws cluster: ${what} failed`)
    }
  }

  #watch(subject: string, handler: (message: BusMessage) => void): void {
    const sub = this.#subs.get(subject)
    if (sub !== undefined) {
      sub.count += 1
      return
    }
    this.#subs.set(subject, { count: 1, off: this.#bus.subscribe(subject, handler) })
  }

  #unwatch(subject: string): void {
    const sub = this.#subs.get(subject)
    if (sub === undefined) return
    sub.count -= 1
    if (sub.count > 0) return
    this.#subs.delete(subject)
    void sub.off.then((off) => off()).catch(() => undefined)
  }

  /** A local connection is in `ns` (counted): receive the namespace's messages. */
  watchNs(ns: string): void {
    this.#watch(this.#subject('ns', token(ns)), ({ data }) => {
      const m = data as NsPayload
      if (m.origin !== this.procId) this.#peer.deliverNs(ns, m.type, m.data, m.id, m.except, m.at)
    })
  }

  unwatchNs(ns: string): void {
    this.#unwatch(this.#subject('ns', token(ns)))
  }

  /** A local connection joined as `userId` (counted): receive messages for that user. */
  watchUser(userId: string): void {
    this.#watch(this.#subject('user', token(userId)), ({ data }) => {
      const m = data as UserPayload
      if (m.origin !== this.procId) this.#peer.deliverUser(m.ns, userId, m.type, m.data)
    })
  }

  unwatchUser(userId: string): void {
    this.#unwatch(this.#subject('user', token(userId)))
  }

  /** Sends a namespace message to the other processes. */
  publishNs(
    ns: string,
    type: string,
    data: unknown,
    id: string,
    except?: string,
    at?: HistoryPosition,
  ): Promise<void> {
    const payload: NsPayload = {
      origin: this.procId,
      type,
      data,
      id,
      ...(except === undefined ? {} : { except }),
      ...(at === undefined ? {} : { at }),
    }
    return this.#quietly('publish', () =>
      this.#bus.publish(this.#subject('ns', token(ns)), payload),
    )
  }

  publishUser(ns: string, userId: string, type: string, data: unknown): Promise<void> {
    const payload: UserPayload = { origin: this.procId, ns, type, data }
    return this.#quietly('publish', () =>
      this.#bus.publish(this.#subject('user', token(userId)), payload),
    )
  }

  publishKick(target: KickTarget, options: KickOptions): Promise<void> {
    return this.#quietly('kick', () =>
      this.#bus.publish(this.#subject('kick'), {
        origin: this.procId,
        target,
        options,
      }),
    )
  }

  /** The other live processes' members of `ns` (their roster entries, read in parallel). */
  async remoteMembers(ns: string): Promise<PresenceMember[]> {
    const rosters = await Promise.all(
      [...this.#procs.keys()].map((procId) =>
        this.#cache.get<Roster>(this.#key(procId)).catch((err: unknown) => {
          this.#log.warn({ err, procId }, 'ws cluster: roster read failed')
          return undefined
        }),
      ),
    )
    return rosters.flatMap((roster) => roster?.members[ns] ?? [])
  }

  /** Stops (once): no more heartbeats, this process's roster entry deleted, goodbye said, unsubscribed. */
  async stop(): Promise<void> {
    if (!this.#started) return
    this.#started = false
    clearInterval(this.#timer)
    await this.#quietly('roster delete', () => this.#cache.del(this.#key(this.procId)))
    await this.#quietly('goodbye', () =>
      this.#bus.publish(this.#subject('bye'), { procId: this.procId }),
    )
    const offs = [...this.#fixed.splice(0), ...[...this.#subs.values()].map((s) => s.off)]
    this.#subs.clear()
    for (const off of await Promise.allSettled(offs)) if (off.status === 'fulfilled') off.value()
    this.#procs.clear()
  }
}
