import { Signer } from '@fastify/cookie'
import { afterEach, describe, expect, it } from 'vitest'
import {
  MemoryAccessTokenStore,
  MemorySessionAdapter,
  createApp,
  defineRoutes,
  login,
  logout,
  requireRole,
  requireUser,
  revokeSessions,
  auth,
  sessions,
} from '../src/index.js'
import { SECRET, USERS, authApp, sidOf } from './helpers/auth-app.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const routes = defineRoutes((r) => {
  r.get('/visit', (ctx) => {
    ctx.session.set('flash', 'hello') // an anonymous session: the id an attacker can plant
    return ctx.session.id
  })
  r.post('/login/:id', (ctx) => {
    const user = USERS.get(Number((ctx.params as { id: string }).id))!
    login(ctx, user)
    return { user: ctx.auth.userOrFail().email, via: ctx.auth.via }
  })
  r.post('/logout', async (ctx) => (await logout(ctx), { user: ctx.auth.user ?? null }))
  r.get('/me', { before: [requireUser()] }, (ctx) => ({
    email: ctx.auth.userOrFail().email,
    identity: ctx.identity,
    via: ctx.auth.via,
  }))
  r.get('/page', { before: [requireUser({ redirectTo: '/sign-in' })] }, () => 'a page')
  r.get('/staff', { before: [requireRole('staff', 'admin')] }, (ctx) => ctx.auth.roles())
  r.get('/maybe', async (ctx) => ({
    signedIn: await ctx.auth.check(),
    user: ctx.auth.user ?? null,
  }))
  r.get('/too-early', (ctx) => ctx.auth.user ?? null)
})

async function app(options: Parameters<typeof authApp>[1] = {}) {
  const made = await authApp(routes, options)
  cleanups.push(made.close)
  return made
}

async function signIn(server: Awaited<ReturnType<typeof app>>['server'], id: number) {
  const res = await server.inject({ method: 'POST', url: `/login/${id}` })
  return sidOf(res)!
}

describe('auth()', () => {
  it('fails with MEGA_CONTEXT_FEATURE_MISSING naming the plugin when ctx.auth is used without it', async () => {
    const server = createApp({ routes: defineRoutes((r) => r.get('/', (ctx) => ctx.auth.user)) })
    cleanups.push(() => server.close())
    const res = await server.inject('/')
    expect(res.statusCode).toBe(500)
    expect(res.json().error.code).toBe('MEGA_CONTEXT_FEATURE_MISSING')
    const guarded = createApp({
      routes: defineRoutes((r) => r.get('/', { before: [requireUser()] }, () => 'no')),
      production: false,
    })
    cleanups.push(() => guarded.close())
    const out = await guarded.inject('/')
    expect(out.json().error).toMatchObject({ code: 'MEGA_CONTEXT_FEATURE_MISSING' })
    expect(out.json().error.message).toContain('auth plugin')
  })

  it('refuses bad options with one coded error, and needs sessions() for the cookie strategy', async () => {
    expect(() => auth({ resolveUser: 'users' as never, signInPage: 'login' })).toThrow(
      expect.objectContaining({
        code: 'MEGA_CONFIG_INVALID',
        issues: [
          expect.objectContaining({ path: 'auth options.resolveUser' }),
          expect.objectContaining({ path: 'auth options.signInPage' }),
        ],
      }),
    )
    expect(() => auth({ resolveUser: () => undefined, session: false })).toThrow(/give tokens/)
    expect(() => requireRole()).toThrow(
      expect.objectContaining({ code: 'MEGA_AUTH_OPTIONS_INVALID' }),
    )
    expect(() => createApp({ routes, plugins: [auth({ resolveUser: () => undefined })] })).toThrow(
      /depends on "sessions"/,
    )
  })

  it('answers 401 MEGA_AUTH_REQUIRED to a visitor, and lets a signed-in user through', async () => {
    const { server } = await app()
    const anonymous = await server.inject('/me')
    expect([anonymous.statusCode, anonymous.json().error.code]).toEqual([401, 'MEGA_AUTH_REQUIRED'])
    const sid = await signIn(server, 1)
    const me = await server.inject({ url: '/me', cookies: { 'mega.sid': sid } })
    expect(me.json().data).toEqual({
      email: 'ann@example.com',
      identity: USERS.get(1),
      via: 'session',
    })
  })

  it('redirects to the sign-in page: always with redirectTo, for HTML requests with signInPage', async () => {
    const { server } = await app({ signInPage: '/login-page' })
    const page = await server.inject('/page')
    expect([page.statusCode, page.headers.location]).toEqual([303, '/sign-in'])
    const html = await server.inject({ url: '/me', headers: { accept: 'text/html' } })
    expect([html.statusCode, html.headers.location]).toEqual([303, '/login-page'])
    const api = await server.inject({ url: '/me', headers: { accept: 'application/json' } })
    expect(api.statusCode).toBe(401)
  })

  it('answers 403 MEGA_AUTH_ROLE_MISSING to a user without the role', async () => {
    const { server } = await app()
    expect((await server.inject('/staff')).statusCode).toBe(401)
    const bob = await server.inject({
      url: '/staff',
      cookies: { 'mega.sid': await signIn(server, 2) },
    })
    expect([bob.statusCode, bob.json().error.code]).toEqual([403, 'MEGA_AUTH_ROLE_MISSING'])
    expect(bob.json().error.message).toContain('staff or admin')
    const ann = await server.inject({
      url: '/staff',
      cookies: { 'mega.sid': await signIn(server, 1) },
    })
    expect(ann.json().data).toEqual(['staff'])
  })

  it('makes a session id planted before login worthless after it (no fixation)', async () => {
    const { server, store } = await app()
    const planted = sidOf(await server.inject('/visit'))!
    const plantedId = new Signer(SECRET).unsign(planted).value!
    expect(await store.get(plantedId)).toEqual({ flash: 'hello' })
    // The victim signs in carrying the attacker's cookie.
    const res = await server.inject({
      method: 'POST',
      url: '/login/1',
      cookies: { 'mega.sid': planted },
    })
    expect(res.json().data).toEqual({ user: 'ann@example.com', via: 'session' })
    const fresh = sidOf(res)!
    expect(new Signer(SECRET).unsign(fresh).value).not.toBe(plantedId)
    expect(await store.get(plantedId)).toBeUndefined()
    // The attacker's copy of the old cookie signs nobody in.
    const attacker = await server.inject({ url: '/me', cookies: { 'mega.sid': planted } })
    expect(attacker.statusCode).toBe(401)
    const victim = await server.inject({ url: '/me', cookies: { 'mega.sid': fresh } })
    expect(victim.json().data.email).toBe('ann@example.com')
  })

  it('logs out: the session is destroyed, its cookie cleared, and it signs nobody in again', async () => {
    const { server, store } = await app()
    const sid = await signIn(server, 1)
    const out = await server.inject({
      method: 'POST',
      url: '/logout',
      cookies: { 'mega.sid': sid },
    })
    expect(out.json().data).toEqual({ user: null })
    expect(out.cookies.find((c) => c.name === 'mega.sid')?.value).toBe('')
    expect(await store.get(new Signer(SECRET).unsign(sid).value!)).toBeUndefined()
    expect((await server.inject({ url: '/me', cookies: { 'mega.sid': sid } })).statusCode).toBe(401)
  })

  it('treats a session whose user is gone, or whose sessions were revoked, as a visitor', async () => {
    const { server, store } = await app({
      resolveUser: (principal) => (Number(principal) === 2 ? undefined : USERS.get(1)),
    })
    const gone = await signIn(server, 2)
    const res = await server.inject({ url: '/maybe', cookies: { 'mega.sid': gone } })
    expect(res.json().data).toEqual({ signedIn: false, user: null })
    expect(sidOf(res)).toBe('') // the dead session is destroyed
    const sid = await signIn(server, 1)
    await revokeSessions(store, 1)
    expect((await server.inject({ url: '/me', cookies: { 'mega.sid': sid } })).statusCode).toBe(401)
  })

  it('refuses ctx.auth.user before authentication ran (MEGA_AUTH_NOT_CHECKED), not a silent visitor', async () => {
    const { server } = await app()
    const res = await server.inject({
      url: '/too-early',
      cookies: { 'mega.sid': await signIn(server, 1) },
    })
    expect([res.statusCode, res.json().error.code]).toEqual([500, 'MEGA_AUTH_NOT_CHECKED'])
    const maybe = await server.inject('/maybe')
    expect(maybe.json().data).toEqual({ signedIn: false, user: null })
  })
})

describe('login(ctx, user)', () => {
  it('needs the cookie strategy: with session: false it is MEGA_AUTH_OPTIONS_INVALID', async () => {
    const store = new MemorySessionAdapter('session', {})
    await store.connect()
    const server = createApp({
      routes,
      adapters: { session: store },
      production: false,
      plugins: [
        sessions({ secret: SECRET }),
        auth({
          resolveUser: () => undefined,
          session: false,
          tokens: new MemoryAccessTokenStore(),
        }),
      ],
    })
    cleanups.push(
      () => store.disconnect(),
      () => server.close(),
    )
    const res = await server.inject({ method: 'POST', url: '/login/1' })
    expect(res.json().error.code).toBe('MEGA_AUTH_OPTIONS_INVALID')
  })
})
