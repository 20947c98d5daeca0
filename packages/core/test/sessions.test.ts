import { Signer } from '@fastify/cookie'
import { afterEach, describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import {
  MemoryCacheAdapter,
  MemorySessionAdapter,
  UnauthorizedError,
  createApp,
  definePlugin,
  defineRoutes,
  sessions,
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
  r.get('/guarded', { before: [(ctx) => ctx.session.get('userId') ?? fail()] }, (ctx) => ctx.auth)
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
    expect(res.json().error.code).toBe('MEGA_SESSION_NOT_ENABLED')
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
