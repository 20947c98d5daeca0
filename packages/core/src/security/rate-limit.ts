import { z } from 'zod'
import { MegaError } from '@mega/observe'
import { parseOptions } from '@mega/observe/internal'
import type { CacheAdapter, CounterState } from '../adapters/adapter-types.js'
import { ExpiringMap } from '../adapters/memory/expiring-map.js'
import type { RequestContext } from '../app/request-context.js'
import { TooManyRequestsError } from '../errors.js'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'
import type { BeforeHook } from '../router/route-types.js'

type KeyFn = (ctx: RequestContext) => string | Promise<string>
type SkipFn = (ctx: RequestContext) => boolean

const fn = <T>(what: string) =>
  z.custom<T>((value) => typeof value === 'function', `must be a function ${what}`)

const optionsSchema = z
  .object({
    max: z.number().int().positive('at least 1 request per window'),
    windowMs: z.number().int().min(1000, 'at least 1000 ms'),
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_.-]*$/i, 'letters, digits, ".", "-" or "_", starting with a letter')
      .default('requests'),
    store: z.string().min(1).optional(),
    key: fn<KeyFn>('(ctx) => string').optional(),
    skip: fn<SkipFn>('(ctx) => boolean').optional(),
    headers: z.boolean().default(true),
  })
  .strict()

/** Options of {@link rateLimit} and {@link limitRoute}. */
export type RateLimitOptions = z.input<typeof optionsSchema>

type Counter = (key: string, ttlMs: number) => Promise<CounterState>

/** The store's `incr`, checked: a cache adapter without it cannot count atomically. */
function counterOf(adapter: unknown, alias: string): Counter {
  const cache = adapter as Partial<CacheAdapter> | undefined
  if (cache?.kind !== 'cache' || typeof cache.incr !== 'function')
    throw new MegaError(
      'MEGA_RATE_LIMIT_STORE_INVALID',
      `rate limit store "${alias}" is not a cache adapter with incr(): use the memory or redis cache driver, or leave store out to count in this process.`,
    )
  return (key, ttlMs) => cache.incr!(key, ttlMs)
}

/** Counting in this process: not shared with other workers (say `store` for that). */
function inProcessCounter(windowMs: number): Counter {
  const map = new ExpiringMap(Date.now)
  map.startSweep(windowMs)
  return async (key, ttlMs) => map.incr(key, ttlMs)
}

/** The counter of a limit: its `store` adapter (found by `adapterOf`) or this process. */
function counterFor(
  o: z.output<typeof optionsSchema>,
  adapterOf: (alias: string) => unknown,
): Counter {
  return o.store === undefined
    ? inProcessCounter(o.windowMs)
    : counterOf(adapterOf(o.store), o.store)
}

/**
 * The check itself: counts the request under its key in a fixed window; sets the
 * `x-ratelimit-limit`, `-remaining` and `-reset` (seconds) headers; over the limit it is a 429
 * `MEGA_RATE_LIMITED` with `retry-after`.
 */
function createLimiter(
  o: z.output<typeof optionsSchema>,
  counter: (ctx: RequestContext) => Counter,
) {
  const keyOf: KeyFn = o.key ?? ((ctx) => ctx.request.ip)
  return async (ctx: RequestContext): Promise<void> => {
    if (o.skip?.(ctx) === true) return
    const key = `ratelimit:${o.name}:${await keyOf(ctx)}`
    const { count, ttlMs } = await counter(ctx)(key, o.windowMs)
    const resetS = Math.max(1, Math.ceil(ttlMs / 1000))
    if (o.headers)
      void ctx.reply.headers({
        'x-ratelimit-limit': o.max,
        'x-ratelimit-remaining': Math.max(0, o.max - count),
        'x-ratelimit-reset': resetS,
      })
    if (count <= o.max) return
    void ctx.reply.header('retry-after', resetS)
    throw new TooManyRequestsError(
      `Too many requests: at most ${o.max} per ${o.windowMs / 1000} s. Retry in ${resetS} s.`,
      { details: { limit: o.max, windowMs: o.windowMs, retryAfterS: resetS } },
    )
  }
}

/**
 * Limits every request of the server (the `onRequest` phase, before routing work), by client IP
 * unless `key` says otherwise, in fixed windows. With `store` (a cache adapter alias, e.g. Redis) the
 * count is shared by every worker; without it, each process counts alone.
 *
 * @example
 * defineConfig({ plugins: [rateLimit({ max: 300, windowMs: 60_000, store: 'cache' })] })
 */
export function rateLimit(options: RateLimitOptions): MegaPlugin {
  const o = parseOptions(optionsSchema, options, 'rateLimit options')
  return definePlugin({
    name: `rate-limit/${o.name}`,
    setup(api) {
      const counter = counterFor(o, (alias) => api.adapter(alias))
      api.hook(
        'onRequest',
        createLimiter(o, () => counter),
      )
    },
  })
}

/**
 * Limits one route (a `before` hook): for a login or a password reset, keyed by what is attacked.
 * It runs before validation, like authentication.
 *
 * @example
 * r.post('/auth/login', { before: [limitRoute({ name: 'login', max: 5, windowMs: 15 * 60_000,
 *   key: (ctx) => `${ctx.request.ip}:${String((ctx.body as { email?: string })?.email)}` })] }, login)
 */
export function limitRoute(options: RateLimitOptions): BeforeHook {
  const o = parseOptions(optionsSchema, options, 'limitRoute options')
  let counter: Counter | undefined
  return createLimiter(o, (ctx) => {
    counter ??= counterFor(o, (alias) => ctx.app.adapter(alias))
    return counter
  })
}
