import { wsError } from '../errors.js'
import { ASP_RULES } from './asp-rules.js'

/** The Redis key prefix of remembered nonces (`asp:nonce:<kid>:<nonce>`). */
export const NONCE_KEY_PREFIX = 'asp:nonce:'
/** How long a nonce is remembered, in seconds: twice the ±60 s clock window. */
export const DEFAULT_TTL_SEC = ASP_RULES.nonceTtlSec
/** The memory store sweeps expired entries every this many inserts (no timer to dispose of). */
export const SWEEP_EVERY_OPS = ASP_RULES.sweepEveryOps

/** Where nonces are remembered: one atomic "set if absent, with a TTL". */
export interface AspNonceStore {
  /** Stores `key` for `ttlSec` seconds and resolves `true`, or `false` when it is already there. */
  setIfNotExists(key: string, ttlSec: number): boolean | Promise<boolean>
}

/**
 * Nonces in this process: a Map of key → expiry (epoch ms). An entry whose expiry is not after
 * `now` has expired. Every {@link SWEEP_EVERY_OPS} inserts it drops expired entries, so memory is
 * bounded by what the TTL keeps alive, without a timer.
 *
 * @example
 * const store = new MegaMemoryNonceStore()
 * store.setIfNotExists('asp:nonce:k1:abc', 120) // true; again within 120 s: false
 */
export class MegaMemoryNonceStore implements AspNonceStore {
  readonly #entries = new Map<string, number>()
  readonly #now: () => number
  #inserts = 0

  /** `now` is the clock (epoch ms), injectable for tests. */
  constructor(options: { readonly now?: () => number } = {}) {
    this.#now = options.now ?? Date.now
  }

  /** How many entries are held (expired ones until the next sweep). */
  get size(): number {
    return this.#entries.size
  }

  setIfNotExists(key: string, ttlSec: number): boolean {
    const now = this.#now()
    if (++this.#inserts >= SWEEP_EVERY_OPS) {
      this.#inserts = 0
      this.evictExpired(now)
    }
    const expiry = this.#entries.get(key)
    if (expiry !== undefined && expiry > now) return false
    this.#entries.set(key, now + ttlSec * 1000)
    return true
  }

  /** Drops every entry whose expiry is `now` or earlier. */
  evictExpired(now: number): void {
    for (const [key, expiry] of this.#entries) if (expiry <= now) this.#entries.delete(key)
  }
}

/** The slice of an ioredis client that {@link MegaRedisNonceStore} calls. */
export interface RedisSetNxClient {
  set(key: string, value: string, ex: 'EX', seconds: number, nx: 'NX'): Promise<unknown>
}

/**
 * Nonces in Redis, shared by every process using it: `SET key 1 EX <ttl> NX`, atomic.
 *
 * @example
 * const store = new MegaRedisNonceStore(new Redis('redis://127.0.0.1:6379'))
 */
export class MegaRedisNonceStore implements AspNonceStore {
  readonly #client: RedisSetNxClient

  constructor(client: RedisSetNxClient) {
    this.#client = client
  }

  async setIfNotExists(key: string, ttlSec: number): Promise<boolean> {
    return (await this.#client.set(key, '1', 'EX', ttlSec, 'NX')) === 'OK'
  }
}

/** The slice of a cache adapter (`@mega/core` `CacheAdapter`) that {@link MegaCacheNonceStore} calls. */
export interface NonceCounterCache {
  incr?(key: string, ttlMs: number): Promise<{ readonly count: number }>
}

/**
 * Nonces in the app's cache adapter (Redis in production, so shared by every process): its atomic
 * `incr` with a TTL; the first increment (count 1) is the only one that succeeds.
 *
 * @example
 * const store = new MegaCacheNonceStore(app.adapter('cache'))
 */
export class MegaCacheNonceStore implements AspNonceStore {
  readonly #incr: (key: string, ttlMs: number) => Promise<{ readonly count: number }>

  /** Throws `MEGA_WS_OPTIONS_INVALID` when the cache has no `incr` (it cannot remember nonces atomically). */
  constructor(cache: NonceCounterCache) {
    const incr = cache.incr?.bind(cache)
    if (incr === undefined)
      throw wsError(
        'MEGA_WS_OPTIONS_INVALID',
        'ws(): encryption.nonceStore: this cache adapter has no atomic incr(): use a redis or memory cache.',
      )
    this.#incr = incr
  }

  async setIfNotExists(key: string, ttlSec: number): Promise<boolean> {
    return (await this.#incr(key, ttlSec * 1000)).count === 1
  }
}

/**
 * Replay protection over a nonce store: a nonce is fresh once, for {@link DEFAULT_TTL_SEC}.
 *
 * @example
 * const cache = new MegaAspNonceCache(new MegaMemoryNonceStore())
 * await cache.remember('k1', 'n0nce') // true; a second time: false
 */
export class MegaAspNonceCache {
  readonly #store: AspNonceStore
  readonly #ttlSec: number

  constructor(store: AspNonceStore, options: { readonly ttlSec?: number } = {}) {
    this.#store = store
    this.#ttlSec = options.ttlSec ?? DEFAULT_TTL_SEC
  }

  /** `true` when this (key id, nonce) was not seen within the TTL, and remembers it. */
  async remember(keyId: string, nonce: string): Promise<boolean> {
    return this.#store.setIfNotExists(`${NONCE_KEY_PREFIX}${keyId}:${nonce}`, this.#ttlSec)
  }
}
