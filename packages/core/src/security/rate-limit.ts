import { createHash } from 'node:crypto'
import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import type { CacheAdapter, CounterState } from '../adapters/adapter-types.js'
import { ExpiringMap } from '../adapters/memory/expiring-map.js'
import type { RequestContext } from '../app/request-context.js'
import { TooManyRequestsError, CORE_ERRORS } from '../errors.js'
import { afterValidation } from '../pipeline/request-pipeline.js'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'
import type { BeforeHook } from '../router/route-types.js'

type KeyFn = (ctx: RequestContext) => string | Promise<string>
type SkipFn = (ctx: RequestContext) => boolean
/** `true` when a finished response counts against the limit (see `countOn`). */
type CountsFn = (statusCode: number, ctx: RequestContext) => boolean

/** What a limit counts: every request, or only those whose response is a failure. */
export const RATE_LIMIT_COUNT_ON = ['request', 'failure'] as const

/** When `limitRoute` runs: on the parsed (raw) input, or after validation on the typed input. */
export const RATE_LIMIT_PHASES = ['parsed', 'validated'] as const

/** The most keys an in-process limit holds when `maxKeys` is not given. */
export const DEFAULT_RATE_LIMIT_MAX_KEYS = 100_000

const fn = <T>(what: string) =>
  z.custom<T>((value) => typeof value === 'function', `must be a function ${what}`)

const shape = {
  max: z.number().int().positive('at least 1 request per window'),
  windowMs: z.number().int().min(1000, 'at least 1000 ms'),
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_.-]*$/i, 'letters, digits, ".", "-" or "_", starting with a letter')
    .default('requests'),
  store: z.string().min(1).optional(),
  maxKeys: z.number().int().positive('at least 1 key').optional(),
  key: fn<KeyFn>('(ctx) => string').optional(),
  skip: fn<SkipFn>('(ctx) => boolean').optional(),
  countOn: z
    .union([z.enum(RATE_LIMIT_COUNT_ON), fn<CountsFn>('(statusCode, ctx) => boolean')], {
      error: `must be ${RATE_LIMIT_COUNT_ON.map((c) => `"${c}"`).join(' or ')}, or a function (statusCode, ctx) => boolean`,
    })
    .default('request'),
  headers: z.boolean().default(true),
}

function checkStore(
  o: { store?: string | undefined; maxKeys?: number | undefined },
  ctx: z.RefinementCtx,
) {
  if (o.store !== undefined && o.maxKeys !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['maxKeys'],
      message:
        'bounds the in-process counter only; a cache store keeps its keys itself: remove maxKeys or store',
    })
}

const pluginSchema = z.strictObject(shape).superRefine(checkStore)
const routeSchema = z
  .strictObject({ ...shape, phase: z.enum(RATE_LIMIT_PHASES).default('parsed') })
  .superRefine(checkStore)

type Options = z.output<typeof pluginSchema>

/** Options of {@link rateLimit}. */
export type RateLimitOptions = z.input<typeof pluginSchema>

/** Options of {@link limitRoute}: those of {@link rateLimit} and `phase`. */
export type LimitRouteOptions = z.input<typeof routeSchema>

/** Counts under a key in fixed windows, and gives a count back (`countOn` other than `'request'`). */
interface Counter {
  incr(key: string, ttlMs: number): Promise<CounterState>
  /** Takes back one count; `ttlMs` is what is left of the window. */
  refund(key: string, ttlMs: number): Promise<void>
}

/** The store's `incr`, checked: a cache adapter without it cannot count atomically. */
function cacheCounter(adapter: unknown, alias: string): Counter {
  const cache = adapter as Partial<CacheAdapter> | undefined
  if (cache?.kind !== 'cache' || typeof cache.incr !== 'function')
    throw CORE_ERRORS.create('MEGA_RATE_LIMIT_STORE_INVALID', [alias])
  const store = cache as CacheAdapter & Required<Pick<CacheAdapter, 'incr'>>
  return {
    incr: (key, ttlMs) => store.incr(key, ttlMs),
    // A read and a write (cache adapters have no atomic decrement): a failure counted by another
    // request between the two can be lost. Only responses that do not count are refunded.
    async refund(key, ttlMs) {
      const left = Math.ceil(ttlMs)
      if (left < 1) return
      const count = await store.get<unknown>(key)
      if (typeof count !== 'number' || count < 1) return
      if (count === 1) await store.del(key)
      else await store.set(key, count - 1, { ttlMs: left })
    },
  }
}

// The in-process stores of limits, for tests (see `inProcessStoreOf`).
const STORES = new WeakMap<object, ExpiringMap>()

/** Counting in this process: not shared with other workers (say `store` for that). */
function inProcessCounter(o: Options): { counter: Counter; map: ExpiringMap } {
  const map = new ExpiringMap(Date.now, { maxEntries: o.maxKeys ?? DEFAULT_RATE_LIMIT_MAX_KEYS })
  map.startSweep(o.windowMs)
  const counter: Counter = {
    incr: async (key, ttlMs) => map.incr(key, ttlMs),
    refund: async (key) => void map.decr(key),
  }
  return { counter, map }
}

/**
 * The key a count is stored under: `ratelimit:<name>:` and the SHA-256 of the derived key
 * (base64url, 43 characters), so a key of any length (a 1 MB body field) costs the same few bytes,
 * and no email or IP address is written to a shared cache in clear.
 */
export function rateLimitStoreKey(name: string, key: string): string {
  return `ratelimit:${name}:${createHash('sha256').update(key).digest('base64url')}`
}

/** Whether a finished response counts, per `countOn`; `undefined` when every request counts. */
function countsOf(countOn: Options['countOn']): CountsFn | undefined {
  if (countOn === 'request') return undefined
  if (countOn === 'failure') return (statusCode) => statusCode >= 400
  return countOn
}

/**
 * Gives the count back after the response when it does not count (`countOn`). The request was
 * counted up front, so concurrent requests can never get past `max` together.
 */
function refundUnlessCounted(
  ctx: RequestContext,
  counts: CountsFn,
  refund: () => Promise<void>,
): void {
  ctx.reply.raw.once('finish', () => {
    let counted: boolean
    try {
      counted = counts(ctx.reply.statusCode, ctx)
    } catch (err) {
      ctx.log.error({ err }, 'rate limit countOn failed; the request stays counted')
      return
    }
    if (!counted)
      refund().catch((err: unknown) => ctx.log.warn({ err }, 'rate limit refund failed'))
  })
}

/**
 * The check itself: counts the request under its (hashed) key in a fixed window; sets the
 * `x-ratelimit-limit`, `-remaining` and `-reset` (seconds) headers; over the limit it is a 429
 * `MEGA_RATE_LIMITED` with `retry-after`.
 */
function createLimiter(o: Options, counterOf: (ctx: RequestContext) => Counter) {
  const keyOf: KeyFn = o.key ?? ((ctx) => ctx.request.ip)
  const counts = countsOf(o.countOn)
  return async (ctx: RequestContext): Promise<void> => {
    if (o.skip?.(ctx) === true) return
    const key = rateLimitStoreKey(o.name, String(await keyOf(ctx)))
    const counter = counterOf(ctx)
    const startedAt = Date.now()
    const { count, ttlMs } = await counter.incr(key, o.windowMs)
    const resetS = Math.max(1, Math.ceil(ttlMs / 1000))
    if (o.headers)
      void ctx.reply.headers({
        'x-ratelimit-limit': o.max,
        'x-ratelimit-remaining': Math.max(0, o.max - count),
        'x-ratelimit-reset': resetS,
      })
    if (count <= o.max) {
      if (counts !== undefined)
        refundUnlessCounted(ctx, counts, () =>
          counter.refund(key, ttlMs - (Date.now() - startedAt)),
        )
      return
    }
    // Refused requests stay counted, whatever `countOn` says.
    void ctx.reply.header('retry-after', resetS)
    throw new TooManyRequestsError(
      `Too many requests: at most ${o.max} per ${o.windowMs / 1000} s. Retry in ${resetS} s.`,
      { details: { limit: o.max, windowMs: o.windowMs, retryAfterS: resetS } },
    )
  }
}

/** The counter of a limit without `store`, kept for tests. */
function processCounter(o: Options, owner: object): Counter {
  const { counter, map } = inProcessCounter(o)
  STORES.set(owner, map)
  return counter
}

/**
 * Limits every request of the server (the `onRequest` phase, before routing work), by client IP
 * unless `key` says otherwise, in fixed windows. With `store` (a cache adapter alias, e.g. Redis) the
 * count is shared by every worker; without it, each process counts alone, in a map of at most
 * `maxKeys` keys.
 *
 * @example
 * defineConfig({ plugins: [rateLimit({ max: 300, windowMs: 60_000, store: 'cache' })] })
 */
export function rateLimit(options: RateLimitOptions): MegaPlugin {
  const o = parseOptions(pluginSchema, options, 'rateLimit options')
  const plugin: MegaPlugin = definePlugin({
    name: `rate-limit/${o.name}`,
    setup(api) {
      const counter =
        o.store === undefined
          ? processCounter(o, plugin)
          : cacheCounter(api.adapter(o.store), o.store)
      api.hook(
        'onRequest',
        createLimiter(o, () => counter),
      )
    },
  })
  return plugin
}

/**
 * Limits one route (a `before` hook): for a login or a password reset, keyed by what is attacked.
 * By default it runs before validation, like authentication (`phase: 'parsed'`: `ctx.body` is the
 * parsed, unvalidated body); with `phase: 'validated'` it runs after validation, so `key` reads the
 * schema's output (trimmed, lower-cased...) and invalid requests (422) are not counted. With
 * `countOn: 'failure'`, only responses with a status of 400 or more count (a successful login does
 * not use up the owner's tries).
 *
 * @example
 * const Credentials = z.object({ email: z.email().trim().toLowerCase(), password: z.string() })
 * r.post('/auth/login', { schema: { body: Credentials }, before: [limitRoute({ name: 'login',
 *   max: 5, windowMs: 15 * 60_000, phase: 'validated', countOn: 'failure',
 *   key: (ctx) => `${ctx.request.ip}:${(ctx.body as z.output<typeof Credentials>).email}` })] }, login)
 */
export function limitRoute(options: LimitRouteOptions): BeforeHook {
  const { phase, ...o } = parseOptions(routeSchema, options, 'limitRoute options')
  // One counter per app: route modules load once per process, and a process may boot several apps
  // (tests do), each with its own `store` adapter; counts never leak from one app to another.
  const counters = new WeakMap<object, Counter>()
  const hook: BeforeHook = createLimiter(o, (ctx) => {
    let counter = counters.get(ctx.app)
    if (counter === undefined) {
      counter =
        o.store === undefined
          ? processCounter(o, hook)
          : cacheCounter(ctx.app.adapter(o.store), o.store)
      counters.set(ctx.app, counter)
    }
    return counter
  })
  return phase === 'validated' ? afterValidation(hook) : hook
}

/**
 * The in-process store of a limit made by {@link limitRoute} or {@link rateLimit} without `store`
 * (once it counted a request), to inspect its keys: a test seam, not a public API.
 *
 * @internal
 */
export function inProcessStoreOf(limit: BeforeHook | MegaPlugin): ExpiringMap | undefined {
  return STORES.get(limit)
}
