import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MegaError } from '@mega/observe'
import {
  MemoryCacheAdapter,
  MemorySessionAdapter,
  createApp,
  defineRoutes,
  limitRoute,
  rateLimit,
  security,
  sessions,
  type SecurityOptions,
} from '../src/index.js'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()

const login = limitRoute({
  name: 'login',
  max: 2,
  windowMs: 60_000,
  key: (ctx) => String((ctx.body as { email?: unknown } | undefined)?.email),
})

const routes = defineRoutes((r) => {
  r.get('/', () => 'hi')
  r.post(
    '/login',
    { before: [login], schema: { body: z.object({ email: z.email(), password: z.string() }) } },
    () => 'checked',
  )
})

describe('rateLimit', () => {
  it('counts every request per client in a window and answers 429 with retry-after past the limit', async () => {
    const server = track(createApp({ routes, plugins: [rateLimit({ max: 2, windowMs: 10_000 })] }))
    const first = await server.inject('/')
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit': '2',
      'x-ratelimit-remaining': '1',
      'x-ratelimit-reset': '10',
    })
    expect((await server.inject('/')).headers['x-ratelimit-remaining']).toBe('0')
    const over = await server.inject('/')
    expect(over.statusCode).toBe(429)
    expect(over.headers['retry-after']).toBe('10')
    expect(over.json().error).toMatchObject({
      code: 'MEGA_RATE_LIMITED',
      details: { limit: 2, windowMs: 10_000, retryAfterS: 10 },
    })
    const other = await server.inject({ url: '/', remoteAddress: '10.0.0.9' })
    expect(other.statusCode).toBe(200) // another client has its own count
  })

  it('shares the count through a cache adapter store, and refuses a store that cannot count', async () => {
    const cache = new MemoryCacheAdapter('cache')
    const plugin = () => rateLimit({ max: 3, windowMs: 60_000, store: 'cache' })
    const a = track(createApp({ routes, adapters: { cache }, plugins: [plugin()] }))
    const b = track(createApp({ routes, adapters: { cache }, plugins: [plugin()] }))
    await a.inject('/')
    await b.inject('/')
    expect((await a.inject('/')).headers['x-ratelimit-remaining']).toBe('0')
    expect((await b.inject('/')).statusCode).toBe(429)

    const session = new MemorySessionAdapter('session')
    const bad = track(
      createApp({
        routes,
        adapters: { session },
        plugins: [rateLimit({ max: 3, windowMs: 60_000, store: 'session' })],
      }),
    )
    const failed = await bad.ready().catch((err: unknown) => err as MegaError)
    expect((failed as MegaError).cause).toMatchObject({ code: 'MEGA_RATE_LIMIT_STORE_INVALID' })
  })

  it('limits one route by what is attacked (the account), before validation', async () => {
    const server = track(createApp({ routes }))
    const attempt = (email: string) =>
      server.inject({ method: 'POST', url: '/login', payload: { email, password: 'x' } })
    expect((await attempt('ada@example.com')).statusCode).toBe(200)
    expect((await attempt('ada@example.com')).statusCode).toBe(200)
    expect((await attempt('ada@example.com')).statusCode).toBe(429)
    expect((await attempt('bob@example.com')).statusCode).toBe(200)
    const invalid = await server.inject({
      method: 'POST',
      url: '/login',
      payload: { email: 'ada@example.com' },
    })
    expect(invalid.statusCode).toBe(429) // counted before validation, like authentication
  })

  it('refuses bad options, naming each', () => {
    let error: unknown
    try {
      rateLimit({ max: 0, windowMs: 5, key: 'ip' as never })
    } catch (err) {
      error = err
    }
    expect(MegaError.is(error, 'MEGA_CONFIG_INVALID')).toBe(true)
    expect((error as MegaError).issues?.map((i) => i.path).sort()).toEqual([
      'rateLimit options.key',
      'rateLimit options.max',
      'rateLimit options.windowMs',
    ])
  })
})

describe('security', () => {
  it('sends security headers on every response, errors included', async () => {
    const server = track(createApp({ routes, plugins: [security()] }))
    for (const url of ['/', '/missing']) {
      const res = await server.inject(url)
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['strict-transport-security']).toContain('max-age=')
      expect(res.headers['content-security-policy']).toContain("default-src 'self'")
    }
  })

  it('answers CORS only for the listed origins', async () => {
    const server = track(
      createApp({
        routes,
        plugins: [security({ cors: { origin: ['https://app.example.com'], credentials: true } })],
      }),
    )
    const allowed = await server.inject({
      method: 'OPTIONS',
      url: '/login',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    })
    expect(allowed.statusCode).toBe(204)
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com')
    expect(allowed.headers['access-control-allow-credentials']).toBe('true')
    const other = await server.inject({ url: '/', headers: { origin: 'https://evil.example' } })
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('has CORS off by default and refuses credentials with any origin', async () => {
    const server = track(createApp({ routes, plugins: [security()] }))
    const res = await server.inject({ url: '/', headers: { origin: 'https://app.example.com' } })
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    expect(() => security({ cors: { origin: '*', credentials: true } })).toThrow(
      expect.objectContaining({ code: 'MEGA_CONFIG_INVALID' }),
    )
  })
})

describe('security: Content-Security-Policy per prefix', () => {
  const pages = defineRoutes((r) => {
    r.get('/', () => 'home')
    r.get('/docs/page', () => 'docs')
    r.get('/docsx', () => 'not docs')
    r.get('/embed/widget', () => 'widget')
    r.get('/embed/raw/x', () => 'raw')
  })
  const csp = async (options: SecurityOptions, url: string) =>
    (await track(createApp({ routes: pages, plugins: [security(options)] })).inject(url)).headers[
      'content-security-policy'
    ]

  it("keeps helmet's policy on every page by default, errors included", async () => {
    for (const url of ['/', '/docs/page', '/missing'])
      expect(await csp({}, url)).toContain("script-src 'self'")
  })

  it("merges a prefix's directives over the app-wide ones, or drops the header there", async () => {
    const options: SecurityOptions = {
      csp: {
        directives: { 'style-src': ["'self'"] },
        byPrefix: {
          '/docs': false,
          '/embed': { directives: { frameAncestors: ['https://partner.example'] } },
          '/embed/raw': { directives: { 'script-src': ["'self'", "'unsafe-eval'"] } },
        },
      },
    }
    const home = await csp(options, '/')
    expect(home).toContain("style-src 'self';")
    expect(home).toContain("frame-ancestors 'self'")
    expect(await csp(options, '/docs/page')).toBeUndefined()
    expect(await csp(options, '/docsx')).toContain("default-src 'self'") // not under /docs
    const embed = await csp(options, '/embed/widget')
    expect(embed).toContain('frame-ancestors https://partner.example')
    expect(embed).toContain("style-src 'self';") // inherited from the app-wide directives
    const raw = await csp(options, '/embed/raw/x') // the longest prefix wins
    expect(raw).toContain("script-src 'self' 'unsafe-eval'")
    expect(raw).toContain("frame-ancestors 'self'")
    expect(await csp({ csp: false }, '/')).toBeUndefined()
    const reportOnly = await track(
      createApp({ routes: pages, plugins: [security({ csp: { reportOnly: true } })] }),
    ).inject('/')
    expect(reportOnly.headers['content-security-policy-report-only']).toContain('default-src')
  })

  it('refuses bad policies at once, naming each', () => {
    let error: unknown
    try {
      security({
        csp: {
          directives: { 'script-src': ['self'], 'bad name': [] },
          byPrefix: { docs: false, '/x/': false },
        },
      })
    } catch (err) {
      error = err
    }
    expect(MegaError.is(error, 'MEGA_CONFIG_INVALID')).toBe(true)
    expect((error as MegaError).issues?.map((i) => i.path).sort()).toEqual([
      'security options.csp.byPrefix./x/',
      'security options.csp.byPrefix.docs',
      'security options.csp.directives.bad name',
      'security options.csp.directives.script-src[0]',
    ])
    expect(() =>
      security({ headers: { contentSecurityPolicy: false }, csp: { directives: {} } }),
    ).toThrow(expect.objectContaining({ code: 'MEGA_CONFIG_INVALID' }))
  })
})

describe('security: Cache-Control no-store on private responses', () => {
  const secret = 'security-tests-secret-that-is-long-enough-1'
  const pages = defineRoutes((r) => {
    r.get('/page', () => 'page')
    r.get('/public', (ctx) => (ctx.reply.header('cache-control', 'public, max-age=60'), 'cached'))
    r.post('/auth/login', () => ({ token: 'secret-token' }))
    r.post('/visit', (ctx) => (ctx.session.set('seen', true), 'ok'))
  })

  async function server(options: SecurityOptions = {}) {
    const store = new MemorySessionAdapter('session')
    return track(
      createApp({
        routes: pages,
        adapters: { session: store },
        plugins: [security(options), sessions({ secret })],
      }),
    )
  }

  it('marks token, authenticated and session responses no-store, and nothing else', async () => {
    const s = await server()
    const cacheControl = async (init: Parameters<typeof s.inject>[0]) =>
      (await s.inject(init)).headers['cache-control']
    expect(await cacheControl('/page')).toBeUndefined()
    expect(await cacheControl({ method: 'POST', url: '/auth/login', payload: {} })).toBe('no-store')
    expect(await cacheControl({ url: '/page', headers: { authorization: 'Bearer x' } })).toBe(
      'no-store',
    )
    const visit = await s.inject({ method: 'POST', url: '/visit' })
    const cookie = visit.cookies.find((c) => c.name === 'mega.sid')!.value
    expect(await cacheControl({ url: '/page', cookies: { 'mega.sid': cookie } })).toBe('no-store')
    expect(await cacheControl({ url: '/page', cookies: { other: '1' } })).toBeUndefined()
    // A handler that chose a policy keeps it.
    expect(await cacheControl({ url: '/public', headers: { authorization: 'Bearer x' } })).toBe(
      'public, max-age=60',
    )
    const off = await server({ noStore: false })
    expect(
      (await off.inject({ url: '/page', headers: { authorization: 'Bearer x' } })).headers[
        'cache-control'
      ],
    ).toBeUndefined()
  })
})
