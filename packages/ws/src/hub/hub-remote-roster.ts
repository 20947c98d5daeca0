import { PRESENCE_EVENTS } from '../presence/presence-registry.js'
import type { PresenceMember } from '../presence/presence-types.js'
import type { PresenceCatchUp } from '../presence/ws-cluster.js'

/** What the local clients of a namespace are told after a registration. */
export interface CatchUp extends PresenceCatchUp {
  readonly joins: PresenceMember[]
  readonly known: PresenceMember[]
  readonly leaves: PresenceMember[]
}

/** A catch-up under way in one namespace: the sessions live events touched meanwhile. */
export interface CatchUpTicket {
  readonly ns: string
  readonly touched: Set<string>
}

const NOTHING: CatchUp = Object.freeze({ joins: [], known: [], leaves: [] })

function memberOf(data: unknown): PresenceMember | undefined {
  const m = data as Partial<PresenceMember> | null
  return typeof m === 'object' &&
    m !== null &&
    typeof m.sessionId === 'string' &&
    typeof m.userId === 'string'
    ? (m as PresenceMember)
    : undefined
}

/**
 * The other bridges' members the local clients may believe present, by namespace and session: what
 * they were told (presence events from the hub, listings, catch-ups) minus the leaves they got. After
 * every registration the hub's list is compared with it: members it does not hold joined meanwhile,
 * members it holds are still known, those the hub no longer lists left. Sessions a live event
 * touched while the hub was being asked are left to that event (it is at least as new as the answer).
 */
export class RemoteRoster {
  readonly #known = new Map<string, Map<string, PresenceMember>>()
  readonly #pending = new Map<string, CatchUpTicket>()

  #of(ns: string): Map<string, PresenceMember> {
    let known = this.#known.get(ns)
    if (known === undefined) this.#known.set(ns, (known = new Map<string, PresenceMember>()))
    return known
  }

  /** A message delivered from another bridge to `ns`: presence events are remembered. */
  seen(ns: string, type: string, data: unknown): void {
    if (
      type !== PRESENCE_EVENTS.join &&
      type !== PRESENCE_EVENTS.update &&
      type !== PRESENCE_EVENTS.leave
    )
      return
    const member = memberOf(data)
    if (member === undefined) return
    if (type === PRESENCE_EVENTS.leave) this.#known.get(ns)?.delete(member.sessionId)
    else this.#of(ns).set(member.sessionId, member)
    this.#pending.get(ns)?.touched.add(member.sessionId)
  }

  /** The other bridges' members a listing returned (a later catch-up owes a leave for them). */
  listed(ns: string, members: readonly PresenceMember[]): void {
    const known = this.#of(ns)
    for (const member of members)
      if (!known.has(member.sessionId)) known.set(member.sessionId, member)
  }

  /** The hub is being asked who is in `ns`. */
  begin(ns: string): CatchUpTicket {
    const ticket: CatchUpTicket = { ns, touched: new Set() }
    this.#pending.set(ns, ticket)
    return ticket
  }

  /** The hub's answer (`undefined`: none came): what to tell the local clients. */
  finish(ticket: CatchUpTicket, members: readonly PresenceMember[] | undefined): CatchUp {
    if (this.#pending.get(ticket.ns) === ticket) this.#pending.delete(ticket.ns)
    if (members === undefined) return NOTHING
    const present = new Map<string, PresenceMember>()
    for (const member of members)
      if (!present.has(member.sessionId)) present.set(member.sessionId, member)
    const known = this.#of(ticket.ns)
    const fresh = (m: PresenceMember) => !ticket.touched.has(m.sessionId)
    const leaves = [...known.values()].filter((m) => !present.has(m.sessionId) && fresh(m))
    const listed = [...present.values()].filter(fresh)
    const joins = listed.filter((m) => !known.has(m.sessionId))
    const still = listed.filter((m) => known.has(m.sessionId))
    for (const member of leaves) known.delete(member.sessionId)
    for (const member of listed) known.set(member.sessionId, member)
    return { joins, known: still, leaves }
  }

  /** The namespace has no local connection any more: nothing to remember. */
  forget(ns: string): void {
    this.#known.delete(ns)
    this.#pending.delete(ns)
  }

  /** Everything, at a stop. */
  clear(): void {
    this.#known.clear()
    this.#pending.clear()
  }
}
