import { Signer } from '@fastify/cookie'
import { Writable } from 'node:stream'
import pino from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MegaError } from '@mega/observe'
import {
  MemoryCacheAdapter,
  MemorySessionAdapter,
  UnauthorizedError,
  createApp,
  definePlugin,
  defineRoutes,
  revokeSessions,
  sessions,
  type AppScope,
  type MegaServer,
  type SessionsOptions,
} from '../src/index.js'

const SECRET = 'a-test-secret-that-is-long-enough-0001'
const OLD_SECRET = 'an-older-secret-that-is-long-enough-02'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const routes = defineRoutes((r) => {
  r.get('/anonymous', () => 'no session used')
  r.post('/login', (ctx) => {
    ctx.session.regenerate().set('userId', 7)
    return { id: ctx.session.id }
  })
  r.get('/me', (ctx) => ({ userId: ctx.session.get('userId') ?? null, id: ctx.session.id }))
  r.post('/count', (ctx) => {
    const n = ((ctx.session.get('n') as number | undefined) ?? 0) + 1
    ctx.session.set('n', n)
    return n
  })
  r.post('/logout', (ctx) => {
    ctx.session.destroy()
    return 'bye'
  })
  r.get(
    '/guarded',
    { before: [(ctx) => ctx.session.get('userId') ?? fail()] },
    (ctx) => ctx.identity,
  )
  r.post('/sign-in/:user', (ctx) => {
    ctx.session.login(Number((ctx.params as { user: string }).user))
    ctx.session.set('flash', 'welcome')
    return ctx.session.principal
  })
  r.get('/whoami', (ctx) => ({
    principal: ctx.session.principal ?? null,
    flash: ctx.session.get('flash') ?? null,
  }))
  // An account deleted: every session of it ends (the example's DELETE /users/:id).
  r.delete('/users/:user', async (ctx) => {
    await revokeSessions(ctx, Number((ctx.params as { user: string }).user))
    return 'deleted'
  })
  r.post('/bad-login', (ctx) => (ctx.session.login(''), 'no'))
})

function fail(): never {
  throw new UnauthorizedError('Sign in first.')
}

async function app(options: Partial<SessionsOptions> = {}, clock = { now: 0 }) {
  const store = new MemorySessionAdapter('session', {}, () => clock.now)
  await store.connect()
  const server: MegaServer = createApp({
    routes,
    adapters: { session: store },
    plugins: [sessions({ secret: SECRET, ...options })],
  })
  cleanups.push(
    () => store.disconnect(),
    () => server.close(),
  )
  return { server, store, clock }
}

/** The session cookie a response set, and its attributes. */
interface Cookie {
  readonly name: string
  readonly value: string
  readonly maxAge?: number
  readonly httpOnly?: boolean
  readonly sameSite?: string
}
function sessionCookie(res: { cookies: readonly Cookie[] }): Cookie | undefined {
  return res.cookies.find((c) => c.name === 'mega.sid')
}

describe('sessions', () => {
  it('costs nothing until used: no cookie, no stored session', async () => {
    const { server, store } = await app()
    const res = await server.inject('/anonymous')
    expect(res.headers['set-cookie']).toBeUndefined()
    const me = await server.inject('/me')
    expect(me.json().data.userId).toBeNull()
    expect(me.headers['set-cookie']).toBeUndefined() // read, never written: nothing to store
    expect(await store.get(String(me.json().data.id))).toBeUndefined()
  })

  it('stores what a handler sets and reads it back through the signed cookie', async () => {
    const { server, store } = await app()
    const first = await server.inject({ method: 'POST', url: '/count' })
    const cookie = sessionCookie(first)!
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', maxAge: 86_400 })
    const id = new Signer(SECRET).unsign(cookie.value).value!
    expect(await store.get(id)).toEqual({ n: 1 })
    const second = await server.inject({
      method: 'POST',
      url: '/count',
      cookies: { 'mega.sid': cookie.value },
    })
    expect(second.json().data).toBe(2)
    expect(await store.get(id)).toEqual({ n: 2 })
  })

  it('never adopts an id it did not issue: tampered or unknown cookies get a fresh session', async () => {
    const { server, store } = await app()
    const first = await server.inject({ method: 'POST', url: '/count' })
    const cookie = sessionCookie(first)!.value
    const tampered = cookie.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))
    const res = await server.inject({
      method: 'POST',
      url: '/count',
      cookies: { 'mega.sid': tampered },
    })
    expect(res.json().data).toBe(1)
    const planted = new Signer(SECRET).sign('chosen-by-the-attacker')
    const fresh = await server.inject({
      method: 'POST',
      url: '/count',
      cookies: { 'mega.sid': planted },
    })
    expect(fresh.json().data).toBe(1)
    const issued = new Signer(SECRET).unsign(sessionCookie(fresh)!.value).value
    expect(issued).not.toBe('chosen-by-the-attacker')
    expect(await store.get('chosen-by-the-attacker')).toBeUndefined()
  })

  it('regenerates the id at login (the old one is removed) and destroys at logout', async () => {
    const { server, store } = await app()
    const before = sessionCookie(await server.inject({ method: 'POST', url: '/count' }))!.value
    const oldId = new Signer(SECRET).unsign(before).value!
    const login = await server.inject({
      method: 'POST',
      url: '/login',
      cookies: { 'mega.sid': before },
    })
    const after = sessionCookie(login)!.value
    const newId = new Signer(SECRET).unsign(after).value!
    expect(newId).not.toBe(oldId)
    expect(await store.get(oldId)).toBeUndefined()
    expect(await store.get(newId)).toEqual({ n: 1, userId: 7 }) // data kept across regenerate
    const guarded = await server.inject({ url: '/guarded', cookies: { 'mega.sid': after } })
    expect(guarded.json().data).toBe(7) // loaded before the before/authenticate hooks
    expect(
      (await server.inject({ url: '/guarded', cookies: { 'mega.sid': before } })).statusCode,
    ).toBe(401)

    const logout = await server.inject({
      method: 'POST',
      url: '/logout',
      cookies: { 'mega.sid': after },
    })
    expect(sessionCookie(logout)).toMatchObject({ value: '', maxAge: 0 })
    expect(await store.get(newId)).toBeUndefined()
  })

  it('expires after ttlMs without use, and rolling use renews it', async () => {
    const { server, clock } = await app({ ttlMs: 60_000 })
    const cookie = sessionCookie(await server.inject({ method: 'POST', url: '/count' }))!.value
    const count = () =>
      server.inject({ method: 'POST', url: '/count', cookies: { 'mega.sid': cookie } })
    clock.now += 50_000
    expect((await count()).json().data).toBe(2) // renewed: another 60 s from here
    clock.now += 50_000
    const me = await server.inject({ url: '/me', cookies: { 'mega.sid': cookie } })
    expect(sessionCookie(me)?.maxAge).toBe(60) // a read renews too (rolling)
    clock.now += 61_000
    expect((await count()).json().data).toBe(1) // expired: a new session
  })

  it('accepts a cookie signed with an older secret and re-signs it with the current one', async () => {
    const old = await app({ secret: OLD_SECRET })
    const cookie = sessionCookie(await old.server.inject({ method: 'POST', url: '/count' }))!.value
    const { server, store } = await app({ secret: [SECRET, OLD_SECRET] })
    const id = new Signer(OLD_SECRET).unsign(cookie).value!
    await store.set(id, { n: 5 }, 60_000) // the same store, as after a deploy
    const res = await server.inject({ url: '/me', cookies: { 'mega.sid': cookie } })
    expect(res.json().data.id).toBe(id)
    const renewed = sessionCookie(res)!.value
    expect(new Signer(SECRET).unsign(renewed)).toMatchObject({
      valid: true,
      renew: false,
      value: id,
    })
  })

  it('refuses bad options when given, naming each problem', () => {
    let error: unknown
    try {
      sessions({ secret: 'short', sameSite: 'none', ttlMs: 10, cookieName: 'bad name' })
    } catch (err) {
      error = err
    }
    expect(MegaError.is(error, 'MEGA_CONFIG_INVALID')).toBe(true)
    expect((error as MegaError).issues?.map((i) => i.path).sort()).toEqual([
      'sessions options.cookieName',
      'sessions options.sameSite',
      'sessions options.secret',
      'sessions options.ttlMs',
    ])
  })

  it('refuses an adapter that is not a session store, and explains ctx.session without the plugin', async () => {
    const cache = new MemoryCacheAdapter('cache')
    const server = createApp({
      routes,
      adapters: { cache },
      plugins: [sessions({ secret: SECRET, adapter: 'cache' })],
    })
    cleanups.push(() => server.close())
    const failed = await server.ready().catch((err: unknown) => err as MegaError)
    expect(failed).toMatchObject({ code: 'MEGA_PLUGIN_FAILED' })
    expect((failed as MegaError).cause).toMatchObject({ code: 'MEGA_SESSION_STORE_INVALID' })

    const bare = createApp({
      routes,
      plugins: [definePlugin({ name: 'none', setup: () => undefined })],
    })
    cleanups.push(() => bare.close())
    const res = await bare.inject('/me')
    expect(res.statusCode).toBe(500)
    expect(res.json().error.code).toBe('MEGA_CONTEXT_FEATURE_MISSING')
    expect(res.json().error.message).toContain(
      'ctx.session needs the sessions plugin: add sessions({',
    )
  })

  it('stops at a before hook that answers (a redirect), even while the session is being saved', async () => {
    class SlowStore extends MemorySessionAdapter {
      override async touch(id: string, ttlMs: number): Promise<boolean> {
        await new Promise((r) => setTimeout(r, 30)) // a network store: the save takes a while
        return super.touch(id, ttlMs)
      }
    }
    const store = new SlowStore('session')
    await store.connect()
    let handled = 0
    const server = createApp({
      routes: defineRoutes((r) => {
        r.post('/visit', (ctx) => (ctx.session.set('seen', true), 'ok'))
        r.get('/page', (ctx) => ctx.reply.type('text/plain; charset=utf-8').send('a page'))
        r.get(
          '/private',
          {
            before: [
              (ctx) => (ctx.session.get('userId') ? undefined : ctx.reply.redirect('/login', 303)),
            ],
          },
          () => (handled += 1),
        )
      }),
      adapters: { session: store },
      plugins: [sessions({ secret: SECRET })],
    })
    cleanups.push(
      () => store.disconnect(),
      () => server.close(),
    )
    const url = await server.listen({ port: 0, host: '127.0.0.1' })
    const visit = await fetch(`${url}/visit`, { method: 'POST' })
    const cookie = visit.headers.get('set-cookie')!.split(';')[0]!
    const res = await fetch(`${url}/private`, { headers: { cookie }, redirect: 'manual' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login')
    expect(handled).toBe(0)
    const page = await fetch(`${url}/page`, { headers: { cookie } }) // the handler answers itself
    expect([page.status, page.headers.get('content-type'), await page.text()]).toEqual([
      200,
      'text/plain; charset=utf-8',
      'a page',
    ])
  })
})

describe('sessions bound to a principal', () => {
  async function signIn(server: MegaServer, user: number): Promise<string> {
    const res = await server.inject({ method: 'POST', url: `/sign-in/${user}` })
    expect(res.json().data).toBe(user)
    return sessionCookie(res)!.value
  }
  const whoami = (server: MegaServer, cookie: string) =>
    server.inject({ url: '/whoami', cookies: { 'mega.sid': cookie } })

  it('ends every session of a revoked principal; others and a new login are unaffected', async () => {
    const { server, store } = await app()
    const laptop = await signIn(server, 5)
    const phone = await signIn(server, 5)
    const other = await signIn(server, 6)
    expect((await whoami(server, laptop)).json().data).toEqual({ principal: 5, flash: 'welcome' })
    // The data a handler reads never shows the binding.
    const id = new Signer(SECRET).unsign(laptop).value!
    expect(Object.keys((await store.get(id))!)).toContain('_megaPrincipal')

    // User 5 is deleted (their id may later go to someone else): revoke from the handler.
    const deleted = await server.inject({
      method: 'DELETE',
      url: '/users/5',
      cookies: { 'mega.sid': other },
    })
    expect(deleted.json().data).toBe('deleted')
    for (const cookie of [laptop, phone]) {
      const res = await whoami(server, cookie)
      expect(res.json().data).toEqual({ principal: null, flash: null })
      expect(sessionCookie(res)).toMatchObject({ value: '', maxAge: 0 }) // the dead cookie is cleared
    }
    expect(await store.get(id)).toBeUndefined() // destroyed on load
    expect((await whoami(server, other)).json().data.principal).toBe(6)

    // The next account with id 5 signs in as usual; the old cookie still gets nothing.
    const next = await signIn(server, 5)
    expect((await whoami(server, next)).json().data.principal).toBe(5)
    expect((await whoami(server, laptop)).json().data.principal).toBeNull()
  })

  it('revokes from a service (its app scope) or with the store itself', async () => {
    const { server, store } = await app()
    const a = await signIn(server, 7)
    const scope: AppScope = {
      name: 'main',
      services: {},
      settings: {},
      log: pino({ enabled: false }),
      adapter: <T>(alias: string) => (alias === 'session' ? store : undefined) as T,
    }
    await revokeSessions(scope, 7) // what a service does with this.app
    expect((await whoami(server, a)).json().data.principal).toBeNull()
    const b = await signIn(server, 13)
    await revokeSessions(store, 13)
    expect((await whoami(server, b)).json().data.principal).toBeNull()
    await expect(revokeSessions(store, '')).rejects.toMatchObject({
      code: 'MEGA_PRINCIPAL_INVALID',
    })
  })

  it('keeps the epoch alive as long as the sessions bound to it (rolling)', async () => {
    const { server, clock } = await app({ ttlMs: 60_000 })
    const cookie = await signIn(server, 8)
    for (let i = 0; i < 4; i += 1) {
      clock.now += 50_000 // past the epoch's first expiry, but the session is in use
      expect((await whoami(server, cookie)).json().data.principal).toBe(8)
    }
  })

  it('refuses a principal that is not an id', async () => {
    const { server } = await app()
    const res = await server.inject({ method: 'POST', url: '/bad-login' })
    expect(res.statusCode).toBe(500)
    expect(res.json().error.code).toBe('MEGA_PRINCIPAL_INVALID')
  })
})

describe('session cookie security', () => {
  afterEach(() => vi.unstubAllEnvs())

  /** A logger whose lines land in `lines`. */
  function capture() {
    const lines: { level: number; msg: string }[] = []
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string })
        done()
      },
    })
    return { lines, logger: pino({ level: 'info' }, stream) }
  }

  async function production(options: Partial<SessionsOptions>, trustProxy: boolean) {
    const { lines, logger } = capture()
    const store = new MemorySessionAdapter('session')
    const server = createApp({
      routes,
      logger,
      trustProxy,
      production: true,
      adapters: { session: store },
      plugins: [sessions({ secret: SECRET, ...options })],
    })
    cleanups.push(() => server.close())
    await server.ready()
    return { server, warnings: lines.filter((l) => l.level === 40).map((l) => l.msg) }
  }

  it('marks the cookie Secure in production by default, even over a plain-HTTP hop', async () => {
    vi.stubEnv('NODE_ENV', 'production')
    const { server, warnings } = await production({}, false)
    const res = await server.inject({
      method: 'POST',
      url: '/count',
      headers: { 'x-forwarded-proto': 'https' },
    })
    expect(res.headers['set-cookie']).toMatch(/; Secure/)
    expect(warnings).toEqual([])
    vi.unstubAllEnvs()
    const dev = await app()
    const plain = await dev.server.inject({ method: 'POST', url: '/count' })
    expect(plain.headers['set-cookie']).not.toMatch(/Secure/) // 'auto' outside production
  })

  it('warns at boot when secure is "auto" in production without trustProxy', async () => {
    vi.stubEnv('NODE_ENV', 'production')
    const off = await production({ secure: 'auto' }, false)
    expect(off.warnings).toEqual([expect.stringContaining('server.trustProxy is off')])
    const on = await production({ secure: 'auto' }, true)
    expect(on.warnings).toEqual([])
  })

  it('never lets a shared cache keep a response that sets or clears the cookie', async () => {
    const { server } = await app()
    const res = await server.inject({ method: 'POST', url: '/count' })
    expect(res.headers['cache-control']).toBe('no-store')
    const r2 = await server.inject('/anonymous')
    expect(r2.headers['cache-control']).toBeUndefined()
  })
})
