import { createHash } from 'node:crypto'
import { getMetrics } from '@mega/observe'
import { parseOptions } from '@mega/observe/internal'
import type { CacheAdapter } from '../../adapters/adapter-types.js'
import { CORE_ERRORS } from '../../errors.js'
import {
  bruteForceSchema,
  type BruteForceMetricsSink,
  type BruteForceOptions,
  type LockoutEvent,
  type ResolvedBruteForceOptions,
} from './brute-force-options.js'

/** The metric a guard records for each lockout (labels `guard`, `scope`). */
export const BRUTE_FORCE_METRIC_NAMES = Object.freeze({
  lockouts: 'mega_brute_force_lockouts_total',
})

/** What an attempt is counted under: the account tried (a normalised email) and the client address. */
export interface BruteForceKeys {
  readonly account?: string | undefined
  readonly address?: string | undefined
}

/** Where one counter stands (see {@link BruteForceAttempts.status}). */
export interface BruteForceKeyStatus {
  /** Failures counted in the current window. */
  readonly failures: number
  /** Lockouts within `resetAfterMs` (the progressive level). */
  readonly level: number
  /** Seconds until the lock ends; 0 when not locked. */
  readonly lockedForS: number
}

/** {@link BruteForceAttempts.status} of the keys asked for. */
export interface BruteForceStatus {
  readonly account?: BruteForceKeyStatus
  readonly address?: BruteForceKeyStatus
}

/** What {@link BruteForceAttempts.fail} resolves. */
export interface BruteForceFailure {
  /** `true` when this failure locked the account or the address. */
  readonly lockedOut: boolean
  /** Seconds until the longest lock now held on these keys ends; 0 when none. */
  readonly retryAfterS: number
}

/** Options of {@link BruteForceAttempts.attempt}. */
export interface BruteForceAttemptOptions {
  /** Whether a thrown error is a failed attempt. @default errors with a 4xx `statusCode` */
  readonly failsOn?: (err: unknown) => boolean
}

/** The logger a guard warns on at each lockout (`ctx.log`, `this.log`). */
export interface BruteForceLogger {
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/** A guard's counters in one cache store (see {@link BruteForceGuard.use}). */
export interface BruteForceAttempts {
  /** Rejects with 429 `MEGA_LOCKED_OUT` (`details.retryAfterS`) when the account or address is locked. */
  check(keys: BruteForceKeys): Promise<void>
  /** Counts one failed attempt against each key; locks a key that reaches its limit. */
  fail(keys: BruteForceKeys): Promise<BruteForceFailure>
  /** A successful attempt: clears the account's failures and lockout level (never the address's). */
  succeed(keys: BruteForceKeys): Promise<void>
  /**
   * `check`, then `fn`: when it resolves, `succeed`; when it throws an error `failsOn` accepts,
   * `fail`. The error (or the result) passes through unchanged.
   */
  attempt<T>(
    keys: BruteForceKeys,
    fn: () => T | Promise<T>,
    options?: BruteForceAttemptOptions,
  ): Promise<T>
  /** Lifts an account's lock and forgets its failures and level (for staff). */
  unlock(account: string): Promise<void>
  /** Lifts a client address's lock and forgets its failures and level. */
  unlockAddress(address: string): Promise<void>
  /** The counters of the keys given. */
  status(keys: BruteForceKeys): Promise<BruteForceStatus>
}

/** A brute-force guard (see {@link bruteForce}). */
export interface BruteForceGuard {
  readonly name: string
  /** The guard's counters in `store`, a cache adapter with `incr` (`ctx.cache()`, `this.cache()`). */
  use(store: CacheAdapter, log?: BruteForceLogger): BruteForceAttempts
}

type Scope = 'account' | 'address'
type Store = CacheAdapter & Required<Pick<CacheAdapter, 'incr'>>

/** 4xx errors are failed attempts; server errors (a database outage) are not the caller's doing. */
const clientError = (err: unknown): boolean => {
  const status = (err as { statusCode?: unknown } | null)?.statusCode
  return typeof status === 'number' && status >= 400 && status < 500
}

const digest = (value: string): string =>
  createHash('sha256').update(value).digest('base64url').slice(0, 22)

function metricsOf(given: BruteForceMetricsSink | false | undefined) {
  if (given === false) return undefined
  if (given !== undefined) return given
  try {
    return getMetrics()
  } catch {
    return undefined // getMetrics() throws only before initMetrics(): no process metrics
  }
}

function storeOf(store: unknown): Store {
  const cache = store as Partial<CacheAdapter> | null | undefined
  if (cache?.kind === 'cache' && typeof cache.incr === 'function') return cache as Store
  const got =
    cache === null || typeof cache !== 'object'
      ? String(cache)
      : `a ${String(cache.kind ?? 'non-adapter')} adapter${cache.kind === 'cache' ? ' without incr()' : ''}`
  throw CORE_ERRORS.create('MEGA_LOCKOUT_STORE_INVALID', [got])
}

/** The lockout counter, made at the first lockout and shared by every store of a guard. */
interface LockoutCounter {
  instrument: { add(n: number, attrs: Record<string, string>): void } | undefined | null
}

function attemptsIn(
  o: ResolvedBruteForceOptions,
  store: Store,
  shared: LockoutCounter,
  log?: BruteForceLogger,
) {
  const now = o.now ?? Date.now
  const limits: Record<Scope, { maxFailures: number; windowMs: number } | undefined> = {
    account: { maxFailures: o.maxFailures, windowMs: o.windowMs },
    address: o.perAddress === false ? undefined : o.perAddress,
  }

  const base = (scope: Scope, key: string) => `bruteforce:${o.name}:${scope}:${digest(key)}`
  const numberAt = async (key: string): Promise<number> => {
    const value = await store.get<unknown>(key)
    return typeof value === 'number' && Number.isFinite(value) ? value : 0
  }
  const lockedForMs = async (b: string) => Math.max(0, (await numberAt(`${b}:lock`)) - now())
  const scopes = (keys: BruteForceKeys) =>
    (['account', 'address'] as const).flatMap((scope) => {
      const key = keys[scope]
      return key === undefined || limits[scope] === undefined ? [] : [{ scope, key }]
    })

  function report(event: LockoutEvent, b: string): void {
    const lockedForS = Math.ceil(event.lockedForMs / 1000)
    const { guard, scope, level } = event
    log?.warn(
      { guard, scope, id: b.slice(b.lastIndexOf(':') + 1), level, lockedForS },
      'brute-force lockout',
    )
    try {
      if (shared.instrument === null) {
        const sink = metricsOf(o.metrics)
        shared.instrument = sink?.counter(BRUTE_FORCE_METRIC_NAMES.lockouts, {
          description: 'Accounts and client addresses locked after repeated failed attempts',
          labels: ['guard', 'scope'],
        })
      }
      shared.instrument?.add(1, { guard, scope })
    } catch (err) {
      log?.error({ err, guard }, 'brute-force lockout metric failed')
    }
    try {
      o.onLockout?.(event)
    } catch (err) {
      log?.error({ err, guard }, 'brute-force lockout listener failed')
    }
  }

  /**
   * Counts a failure; at the limit, one caller wins the atomic `claim` (a counter that lives as
   * long as the lock) and locks: concurrent failures past the limit lock once, not once each.
   * Resolves the ms left of the key's lock (negative when this call locked it).
   */
  async function failOne(scope: Scope, key: string): Promise<number> {
    const limit = limits[scope]
    if (limit === undefined) return 0
    const b = base(scope, key)
    const { count } = await store.incr(`${b}:n`, limit.windowMs)
    if (count < limit.maxFailures) return lockedForMs(b)
    const level = (await numberAt(`${b}:level`)) + 1
    const ms =
      o.progressive === false
        ? o.lockoutMs
        : Math.min(
            Math.round(o.lockoutMs * o.progressive.factor ** (level - 1)),
            o.progressive.maxLockoutMs,
          )
    const claim = await store.incr(`${b}:claim`, ms)
    if (claim.count !== 1) return lockedForMs(b)
    const until = now() + ms
    await store.set(`${b}:lock`, until, { ttlMs: ms })
    await store.set(`${b}:level`, level, { ttlMs: o.resetAfterMs + ms })
    await store.del(`${b}:n`)
    report({ guard: o.name, scope, key, level, lockedForMs: ms, until }, b)
    return -ms
  }

  async function forget(scope: Scope, key: string, lock: boolean): Promise<void> {
    const b = base(scope, key)
    const keys = lock ? ['n', 'level', 'lock', 'claim'] : ['n', 'level']
    for (const k of keys) await store.del(`${b}:${k}`)
  }

  const attempts: BruteForceAttempts = {
    async check(keys) {
      let longest = 0
      for (const { scope, key } of scopes(keys))
        longest = Math.max(longest, await lockedForMs(base(scope, key)))
      if (longest <= 0) return
      const retryAfterS = Math.max(1, Math.ceil(longest / 1000))
      throw CORE_ERRORS.create('MEGA_LOCKED_OUT', [retryAfterS], { details: { retryAfterS } })
    },
    async fail(keys) {
      let lockedOut = false
      let longest = 0
      for (const { scope, key } of scopes(keys)) {
        const left = await failOne(scope, key)
        if (left < 0) lockedOut = true
        longest = Math.max(longest, Math.abs(left))
      }
      return { lockedOut, retryAfterS: Math.ceil(longest / 1000) }
    },
    async succeed(keys) {
      if (keys.account !== undefined) await forget('account', keys.account, false)
    },
    async attempt(keys, fn, options = {}) {
      await attempts.check(keys)
      let result
      try {
        result = await fn()
      } catch (err) {
        if ((options.failsOn ?? clientError)(err)) await attempts.fail(keys)
        throw err
      }
      await attempts.succeed(keys)
      return result
    },
    unlock: (account) => forget('account', account, true),
    unlockAddress: (address) => forget('address', address, true),
    async status(keys) {
      const out: { account?: BruteForceKeyStatus; address?: BruteForceKeyStatus } = {}
      for (const { scope, key } of scopes(keys)) {
        const b = base(scope, key)
        out[scope] = {
          failures: await numberAt(`${b}:n`),
          level: await numberAt(`${b}:level`),
          lockedForS: Math.ceil((await lockedForMs(b)) / 1000),
        }
      }
      return out
    },
  }
  return attempts
}

/**
 * A brute-force guard for logins, password resets, one-time codes: it counts *failed* attempts
 * only, per account and per client address, and locks a key that reaches its limit (a fixed or a
 * growing lockout). A success clears the account's count, so its owner is never locked out by
 * their own good logins. Spreading guesses over many addresses still hits the account's limit;
 * guessing many accounts from one address hits the address's. Counters live in a cache adapter
 * (`incr`, atomic on Redis: every process shares them), keyed by a SHA-256 of the account or
 * address, never the value itself. Each lockout logs a warning, counts
 * `mega_brute_force_lockouts_total{guard,scope}` and calls `onLockout`.
 *
 * @example
 * const loginGuard = bruteForce({ name: 'login' }) // 5 failures / 15 min per account
 * // in a handler: throws 429 MEGA_LOCKED_OUT (Retry-After) while locked
 * const user = await loginGuard
 *   .use(ctx.cache(), ctx.log)
 *   .attempt({ account: email, address: ctx.request.ip }, () => users.verify(email, password))
 */
export function bruteForce(options: BruteForceOptions = {}): BruteForceGuard {
  const o = parseOptions(bruteForceSchema, options, 'bruteForce options')
  const bound = new WeakMap<object, BruteForceAttempts>()
  const shared: LockoutCounter = { instrument: null }
  return Object.freeze({
    name: o.name,
    use(store: CacheAdapter, log?: BruteForceLogger): BruteForceAttempts {
      if (log !== undefined) return attemptsIn(o, storeOf(store), shared, log)
      let attempts = bound.get(store)
      if (attempts === undefined) {
        attempts = attemptsIn(o, storeOf(store), shared)
        bound.set(store, attempts)
      }
      return attempts
    },
  })
}
