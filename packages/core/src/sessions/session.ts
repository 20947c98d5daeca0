import { randomBytes } from 'node:crypto'
import type { SessionAdapter } from '../adapters/adapter-types.js'
import {
  BINDING_KEY,
  bindingOf,
  checkPrincipal,
  ensureEpoch,
  epochKey,
  type SessionBinding,
  type SessionPrincipal,
} from './principal.js'
import { CORE_ERRORS } from '../errors.js'

/**
 * What a session holds. Augment it to type `ctx.session.get('userId')`:
 * `declare module '@mega/core' { interface MegaSessionData { userId: number } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MegaSessionData {}

/** The keys of {@link MegaSessionData}, or any string while it is not augmented. */
type Key = [keyof MegaSessionData] extends [never] ? string : Extract<keyof MegaSessionData, string>
/** The value type of a session key. */
type ValueOf<K extends string> = K extends keyof MegaSessionData ? MegaSessionData[K] : unknown

/** A fresh session id: 192 random bits, URL-safe (never taken from the client). */
export function newSessionId(): string {
  return randomBytes(24).toString('base64url')
}

/**
 * The session of one request (`ctx.session`): read and change its data; `login(userId)` at sign-in
 * (a new id, so an id planted before login is worthless, bound to the user so that
 * `revokeSessions()` can end it), `destroy()` at logout. Changes are saved when the response is sent.
 */
export class MegaSession {
  #id: string
  #data: Record<string, unknown>
  #dirty = false
  #destroyed = false
  #stored: boolean
  #binding: SessionBinding | undefined
  /** The principal `login()` named in this request: bound to its epoch when saved. */
  #pendingLogin: SessionPrincipal | undefined
  /** Ids to remove from the store when the response is sent (regenerated or destroyed). */
  readonly #retired: string[] = []

  /** @internal Created by the sessions plugin. */
  constructor(id: string, data: Record<string, unknown> | undefined) {
    this.#id = id
    this.#stored = data !== undefined
    const { [BINDING_KEY]: _binding, ...rest } = data ?? {}
    this.#binding = data === undefined ? undefined : bindingOf(data)
    this.#data = rest
  }

  /** The session id (also what the signed cookie carries). */
  get id(): string {
    return this.#id
  }

  /** `true` when the session came from the store (the client sent a valid cookie for it). */
  get isStored(): boolean {
    return this.#stored
  }

  /** `true` once `destroy()` was called. */
  get isDestroyed(): boolean {
    return this.#destroyed
  }

  /**
   * Who the session belongs to: the principal given to `login()` (as given, number or string), or
   * `undefined` for an anonymous session.
   */
  get principal(): SessionPrincipal | undefined {
    return this.#pendingLogin ?? this.#binding?.principal
  }

  /** A copy of the data. */
  get data(): Readonly<Record<string, unknown>> {
    return { ...this.#data }
  }

  get<K extends Key>(key: K): ValueOf<K> | undefined {
    return this.#data[key] as ValueOf<K> | undefined
  }

  /** Sets a value (JSON only: the store keeps JSON). */
  set<K extends Key>(key: K, value: ValueOf<K>): this {
    this.#alive('set')
    this.#data[key] = value
    this.#dirty = true
    return this
  }

  /** Removes a value. */
  delete(key: Key): this {
    this.#alive('delete')
    if (key in this.#data) {
      delete this.#data[key]
      this.#dirty = true
    }
    return this
  }

  /** Gives the session a new id, keeping its data; the old id is removed from the store. */
  regenerate(): this {
    this.#alive('regenerate')
    if (this.#stored) this.#retired.push(this.#id)
    this.#id = newSessionId()
    this.#stored = false
    this.#dirty = true
    return this
  }

  /**
   * Signs `principal` (the user's id) in: a new session id as with `regenerate()` (the data is kept,
   * a previous principal is replaced), bound to the principal's current session epoch, so that
   * `revokeSessions(ctx, principal)` ends this session together with every other of the principal.
   * Read it back with `ctx.session.principal`. The CSRF token changes too (`csrf()`).
   *
   * @example
   * ctx.session.login(user.id)
   */
  login(principal: SessionPrincipal): this {
    this.#alive('login')
    const checked = checkPrincipal(principal)
    this.regenerate()
    this.#binding = undefined
    this.#pendingLogin = checked
    return this
  }

  /** Ends the session: its data is removed from the store and the cookie is cleared. */
  destroy(): this {
    if (this.#stored) this.#retired.push(this.#id)
    this.#destroyed = true
    this.#data = {}
    this.#binding = undefined
    this.#pendingLogin = undefined
    this.#dirty = false
    return this
  }

  /**
   * @internal Writes what changed: removes retired ids, stores changed data (or renews the expiry of
   * an unchanged stored session when `rolling`). Resolves what the cookie should do.
   */
  async save(
    store: SessionAdapter,
    ttlMs: number,
    rolling: boolean,
  ): Promise<'set' | 'clear' | 'keep'> {
    for (const id of this.#retired.splice(0)) await store.destroy(id)
    if (this.#destroyed) return 'clear'
    if (this.#pendingLogin !== undefined) {
      const principal = this.#pendingLogin
      this.#binding = { principal, epoch: await ensureEpoch(store, principal, ttlMs) }
      this.#pendingLogin = undefined
      this.#dirty = true
    } else if (this.#binding !== undefined && (this.#dirty || (this.#stored && rolling))) {
      // The epoch must outlive every session bound to it: renewed whenever one of them is.
      await store.touch(epochKey(this.#binding.principal), ttlMs)
    }
    if (this.#dirty) {
      const data =
        this.#binding === undefined ? this.#data : { ...this.#data, [BINDING_KEY]: this.#binding }
      await store.set(this.#id, data, ttlMs)
      this.#stored = true
      this.#dirty = false
      return 'set'
    }
    if (this.#stored && rolling) return (await store.touch(this.#id, ttlMs)) ? 'set' : 'keep'
    return 'keep'
  }

  #alive(action: string): void {
    if (this.#destroyed) throw CORE_ERRORS.create('MEGA_SESSION_DESTROYED', [action])
  }
}
