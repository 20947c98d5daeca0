import { randomBytes } from 'node:crypto'
import { MegaError } from '@mega/observe'
import type { SessionAdapter } from '../adapters/adapter-types.js'

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
 * The session of one request (`ctx.session`): read and change its data; `regenerate()` after a
 * login (a new id, so an id planted before login is worthless), `destroy()` at logout. Changes are
 * saved when the response is sent.
 */
export class MegaSession {
  #id: string
  #data: Record<string, unknown>
  #dirty = false
  #destroyed = false
  #stored: boolean
  /** Ids to remove from the store when the response is sent (regenerated or destroyed). */
  readonly #retired: string[] = []

  /** @internal Created by the sessions plugin. */
  constructor(id: string, data: Record<string, unknown> | undefined) {
    this.#id = id
    this.#stored = data !== undefined
    this.#data = { ...data }
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

  /** Ends the session: its data is removed from the store and the cookie is cleared. */
  destroy(): this {
    if (this.#stored) this.#retired.push(this.#id)
    this.#destroyed = true
    this.#data = {}
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
    if (this.#dirty) {
      await store.set(this.#id, this.#data, ttlMs)
      this.#stored = true
      this.#dirty = false
      return 'set'
    }
    if (this.#stored && rolling) return (await store.touch(this.#id, ttlMs)) ? 'set' : 'keep'
    return 'keep'
  }

  #alive(action: string): void {
    if (this.#destroyed)
      throw new MegaError(
        'MEGA_SESSION_DESTROYED',
        `ctx.session.${action}() after destroy(): the session has ended; regenerate a new one in the next request.`,
        { statusCode: 500 },
      )
  }
}
