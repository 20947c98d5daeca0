import { setImmediate as tick } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MegaError } from '@mega/observe'
import {
  MemoryCacheAdapter,
  UnauthorizedError,
  createApp,
  defineRoutes,
  limitRoute,
  rateLimit,
  type LimitRouteOptions,
  type MegaServer,
} from '../src/index.js'
import { ExpiringMap } from '../src/adapters/memory/expiring-map.js'
import { inProcessStoreOf } from '../src/security/rate-limit.js'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()

const emailOf = (ctx: { body: unknown }) => String((ctx.body as { email?: unknown })?.email)

const Credentials = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  password: z.string().min(1),
})

/** A login route behind `limiter`: 200 for the password "right", else 401. */
function loginServer(limiter: ReturnType<typeof limitRoute>, cache?: MemoryCacheAdapter) {
  const routes = defineRoutes((r) => {
    r.post('/login', { before: [limiter], schema: { body: Credentials } }, (ctx) => {
      if (ctx.body.password !== 'right') throw new UnauthorizedError('Wrong email or password.')
      return { email: ctx.body.email }
    })
  })
  return track(createApp({ routes, ...(cache === undefined ? {} : { adapters: { cache } }) }))
}

const login = (server: MegaServer, email: string, password = 'right', ip = '127.0.0.1') =>
  server.inject({
    method: 'POST',
    url: '/login',
    payload: { email, password },
    remoteAddress: ip,
  })

describe('limitRoute keys', () => {
  it('stores a hash of the key, so 40 bodies with 1 MB emails hold a few bytes each', async () => {
    const limiter = limitRoute({ name: 'login', max: 5, windowMs: 60_000, key: emailOf })
    const server = loginServer(limiter)
    for (let i = 0; i < 40; i += 1) {
      const res = await login(server, `round-${i}-${'y'.repeat(1_000_000)}`, 'x')
      expect(res.statusCode).toBe(422) // counted before validation (phase 'parsed'), then refused
    }
    const keys = inProcessStoreOf(limiter)!.keys()
    expect(keys).toHaveLength(40)
    for (const key of keys) expect(key).toMatch(/^ratelimit:login:[A-Za-z0-9_-]{43}$/)
  })

  it('keeps at most maxKeys keys in this process, dropping the oldest window', async () => {
    const limiter = limitRoute({ name: 'capped', max: 1, windowMs: 60_000, maxKeys: 3 })
    const server = loginServer(limiter)
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3'])
      await login(server, 'a@x.io', 'right', ip)
    expect((await login(server, 'a@x.io', 'right', '10.0.0.1')).statusCode).toBe(429)
    await login(server, 'a@x.io', 'right', '10.0.0.4') // the map is full: 10.0.0.1 goes
    expect(inProcessStoreOf(limiter)!.size).toBe(3)
    expect((await login(server, 'a@x.io', 'right', '10.0.0.1')).statusCode).toBe(200)
    expect((await login(server, 'a@x.io', 'right', '10.0.0.3')).statusCode).toBe(429)
  })

  it('ExpiringMap with maxEntries evicts the oldest entry only when a new key comes', () => {
    const map = new ExpiringMap(() => 0, { maxEntries: 2 })
    map.incr('a', 1000)
    map.incr('b', 1000)
    map.incr('a', 1000) // an existing key never evicts
    map.incr('c', 1000)
    expect(map.keys()).toEqual(['b', 'c'])
    expect(map.get('b')).toBe(1)
    map.set('b', 'renewed', 1000) // stored again: now the newest
    map.set('d', 'new', 1000)
    expect(map.keys()).toEqual(['b', 'd'])
    expect(map.touch('b', 1000)).toBe(true)
    map.set('e', 'new', 1000)
    expect(map.keys()).toEqual(['b', 'e'])
  })

  it("with phase 'validated', keys on the schema's output: CAROL@x and carol@x share a count", async () => {
    const limiter = limitRoute({
      name: 'login',
      max: 2,
      windowMs: 60_000,
      phase: 'validated',
      key: emailOf,
    })
    const server = loginServer(limiter)
    expect((await login(server, 'CAROL@example.com')).statusCode).toBe(200)
    expect((await login(server, ' carol@EXAMPLE.com ')).statusCode).toBe(200)
    const third = await login(server, 'Carol@Example.Com')
    expect(third.statusCode).toBe(429)
    expect(third.json().error.code).toBe('MEGA_RATE_LIMITED')
    expect(inProcessStoreOf(limiter)!.size).toBe(1)
    // An invalid body is a 422 before the limiter: neither counted nor stored.
    const invalid = await login(server, 'not-an-email', '')
    expect(invalid.statusCode).toBe(422)
    expect(inProcessStoreOf(limiter)!.size).toBe(1)
  })
})

describe("countOn: 'failure'", () => {
  const options: LimitRouteOptions = {
    name: 'login',
    max: 3,
    windowMs: 60_000,
    phase: 'validated',
    countOn: 'failure',
    key: emailOf,
  }

  async function checkFailuresOnly(server: MegaServer, settle: () => Promise<unknown>) {
    for (let i = 0; i < 10; i += 1) {
      const ok = await login(server, 'owner@example.com')
      expect(ok.statusCode).toBe(200) // ten good logins never lock the owner out
      expect(ok.headers['x-ratelimit-remaining']).toBe('2') // what is left if this one fails
      await settle()
    }
    const remaining: unknown[] = []
    for (let i = 0; i < 3; i += 1) {
      const wrong = await login(server, 'owner@example.com', 'guess')
      expect(wrong.statusCode).toBe(401)
      remaining.push(wrong.headers['x-ratelimit-remaining'])
      await settle()
    }
    expect(remaining).toEqual(['2', '1', '0'])
    const refused = await login(server, 'owner@example.com') // even the right password now
    expect(refused.statusCode).toBe(429)
    expect(refused.headers).toMatchObject({
      'x-ratelimit-limit': '3',
      'x-ratelimit-remaining': '0',
      'retry-after': '60',
      'x-ratelimit-reset': '60',
    })
    expect((await login(server, 'other@example.com')).statusCode).toBe(200)
  }

  it('counts only responses of 400 or more, in this process', async () => {
    await checkFailuresOnly(loginServer(limitRoute(options)), async () => undefined)
  })

  it('counts only responses of 400 or more, in a memory cache store', async () => {
    const cache = new MemoryCacheAdapter('cache')
    const server = loginServer(limitRoute({ ...options, store: 'cache' }), cache)
    await checkFailuresOnly(server, () => tick()) // the refund is after the response
  })

  it('counts up front, so concurrent failures never get past max together', async () => {
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    let seen = 0
    const limiter = limitRoute({
      ...options,
      max: 2,
      // Every request has reached the limiter before any password check ends.
      key: (ctx) => {
        seen += 1
        if (seen === 6) setImmediate(release)
        return emailOf(ctx)
      },
    })
    const routes = defineRoutes((r) => {
      r.post('/login', { before: [limiter], schema: { body: Credentials } }, async () => {
        await gate // a slow password check
        throw new UnauthorizedError('Wrong email or password.')
      })
    })
    const server = track(createApp({ routes }))
    const pending = Array.from({ length: 6 }, () => login(server, 'owner@example.com', 'guess'))
    const statuses = (await Promise.all(pending)).map((r) => r.statusCode).sort()
    expect(statuses).toEqual([401, 401, 429, 429, 429, 429])
  })

  it('takes a predicate of the status, and works on rateLimit too', async () => {
    const routes = defineRoutes((r) => {
      r.get('/ok', () => 'fine')
      r.get('/missing', () => {
        throw new UnauthorizedError()
      })
    })
    const server = track(
      createApp({
        routes,
        plugins: [rateLimit({ max: 1, windowMs: 10_000, countOn: (status) => status === 401 })],
      }),
    )
    for (let i = 0; i < 3; i += 1) expect((await server.inject('/ok')).statusCode).toBe(200)
    expect((await server.inject('/missing')).statusCode).toBe(401)
    expect((await server.inject('/ok')).statusCode).toBe(429)
  })
})

describe('rate limit options', () => {
  it('refuses maxKeys with a store, a bad countOn or phase, and phase on rateLimit', () => {
    const issues = (make: () => unknown): string[] => {
      try {
        make()
      } catch (err) {
        expect(MegaError.is(err, 'MEGA_CONFIG_INVALID')).toBe(true)
        return ((err as MegaError).issues ?? []).map((i) => i.path).sort()
      }
      throw new Error('no error')
    }
    expect(
      issues(() =>
        limitRoute({
          max: 1,
          windowMs: 1000,
          countOn: 'success' as never,
          phase: 'later' as never,
        }),
      ),
    ).toEqual(['limitRoute options.countOn', 'limitRoute options.phase'])
    expect(
      issues(() => limitRoute({ max: 1, windowMs: 1000, store: 'cache', maxKeys: 10 })),
    ).toEqual(['limitRoute options.maxKeys'])
    expect(
      issues(() => rateLimit({ max: 1, windowMs: 1000, maxKeys: 0, phase: 'validated' } as never)),
    ).toEqual(['rateLimit options', 'rateLimit options.maxKeys'])
  })
})

describe('limitRoute across apps', () => {
  it('counts per app: one hook shared by two apps (route modules load once) keeps two counts', async () => {
    const limiter = limitRoute({ name: 'login', max: 1, windowMs: 60_000, store: 'cache' })
    const first = loginServer(limiter, new MemoryCacheAdapter('cache'))
    const second = loginServer(limiter, new MemoryCacheAdapter('cache'))
    expect((await login(first, 'a@example.com')).statusCode).toBe(200)
    expect((await login(first, 'a@example.com')).statusCode).toBe(429)
    // The second app counts in its own cache adapter, not in the first app's.
    expect((await login(second, 'a@example.com')).statusCode).toBe(200)
  })

  it('counts per app in this process too', async () => {
    const limiter = limitRoute({ name: 'login', max: 1, windowMs: 60_000 })
    const first = loginServer(limiter)
    const second = loginServer(limiter)
    expect((await login(first, 'a@example.com')).statusCode).toBe(200)
    expect((await login(first, 'a@example.com')).statusCode).toBe(429)
    expect((await login(second, 'a@example.com')).statusCode).toBe(200)
  })
})
