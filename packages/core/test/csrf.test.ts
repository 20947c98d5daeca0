import { describe, expect, it } from 'vitest'
import {
  MemorySessionAdapter,
  createApp,
  csrf,
  csrfToken,
  defineRoutes,
  forms,
  sessions,
  type CsrfOptions,
} from '../src/index.js'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()
const secret = 'csrf-tests-secret-that-is-long-enough-01'
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

const routes = defineRoutes((r) => {
  r.get('/form', (ctx) => ({ token: csrfToken(ctx) }))
  r.post('/transfer', (ctx) => ({
    moved: (ctx.body as { amount?: string } | undefined)?.amount ?? null,
  }))
  r.post('/login', (ctx) => {
    ctx.session.login(5)
    return { token: csrfToken(ctx) }
  })
  r.post('/login-and-redirect', (ctx) => {
    ctx.session.login(5)
    return ctx.reply.redirect('/form', 303)
  })
})

/** A session store that counts what is written to it. */
class CountingStore extends MemorySessionAdapter {
  writes = 0
  override async set(id: string, data: Record<string, unknown>, ttlMs: number): Promise<void> {
    this.writes += 1
    return super.set(id, data, ttlMs)
  }
}

type Cookies = Record<string, string>
type Res = Awaited<ReturnType<ReturnType<typeof createApp>['inject']>>

/** The cookies a response set, merged over those a client held. */
function jar(res: Res, held: Cookies = {}): Cookies {
  const next = { ...held }
  for (const c of res.cookies) {
    if (c.value === '') delete next[c.name]
    else next[c.name] = c.value
  }
  return next
}

async function app(options: CsrfOptions = {}, server: { trustProxy?: boolean } = {}) {
  const store = new CountingStore('session')
  await store.connect()
  const s = track(
    createApp({
      routes,
      ...server,
      adapters: { session: store },
      plugins: [csrf(options), forms(), sessions({ secret })],
    }),
  )
  const form = await s.inject('/form')
  return {
    server: s,
    store,
    form,
    cookies: jar(form),
    token: (form.json().data as { token: string }).token,
  }
}

describe('csrf', () => {
  it('accepts a form that sends its token, as a field or a header', async () => {
    const { server, cookies, token } = await app()
    const res = await server.inject({
      method: 'POST',
      url: '/transfer',
      cookies,
      headers: FORM,
      payload: `amount=10&_csrf=${encodeURIComponent(token)}`,
    })
    expect(res.json()).toEqual({ ok: true, data: { moved: '10' } })
    const byHeader = await server.inject({
      method: 'POST',
      url: '/transfer',
      cookies,
      headers: { 'x-csrf-token': token },
      payload: { amount: '5' },
    })
    expect(byHeader.statusCode).toBe(200)
  })

  it('stores no session for an anonymous form: the secret is a signed HttpOnly cookie', async () => {
    const { form, store, cookies } = await app()
    expect(Object.keys(cookies)).toEqual(['mega.csrf']) // no mega.sid
    expect(store.writes).toBe(0)
    expect(form.cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    expect(form.headers['cache-control']).toBe('no-store')
  })

  it('refuses an unsafe request with its cookie but no, a wrong or a foreign token', async () => {
    const { server, cookies, token } = await app()
    const other = await app()
    for (const payload of [
      'amount=10',
      `amount=10&_csrf=${token.slice(1)}x`,
      `_csrf=${other.token}`,
    ]) {
      const res = await server.inject({
        method: 'POST',
        url: '/transfer',
        cookies,
        headers: FORM,
        payload,
      })
      expect(res.statusCode).toBe(403)
      expect(res.json().error.code).toBe('MEGA_CSRF_INVALID')
    }
    // A cookie the server did not sign is no secret.
    const forged = await server.inject({
      method: 'POST',
      url: '/transfer',
      cookies: { 'mega.csrf': 'A'.repeat(43) },
      headers: { 'x-csrf-token': token },
    })
    expect(forged.statusCode).toBe(403)
  })

  it('lets through Origin: null that the browser says is same-origin (a no-referrer page posting its form)', async () => {
    const { server } = await app()
    const res = await server.inject({
      method: 'POST',
      url: '/login',
      headers: { ...FORM, origin: 'null', 'sec-fetch-site': 'same-origin' },
      payload: 'email=dave%40example.com&password=x',
    })
    expect(res.json().error?.code).not.toBe('MEGA_CSRF_ORIGIN_INVALID')
  })

  it('refuses a cross-site login (Origin, or Sec-Fetch-Site without Origin) even with no cookie', async () => {
    const { server } = await app()
    const attempts = [
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' }, // a sandboxed frame elsewhere
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ]
    for (const headers of attempts) {
      const res = await server.inject({
        method: 'POST',
        url: '/login',
        headers: { ...FORM, ...headers },
        payload: 'email=dave%40example.com&password=x',
      })
      expect(res.statusCode).toBe(403)
      expect(res.json().error.code).toBe('MEGA_CSRF_ORIGIN_INVALID')
      expect(res.cookies.find((c) => c.name === 'mega.sid')).toBeUndefined()
    }
  })

  it('accepts its own origin (as trustProxy sees it) and the trusted origins', async () => {
    const { server, cookies, token } = await app({ trustedOrigins: ['https://app.example.com'] })
    for (const origin of ['http://localhost', 'https://app.example.com']) {
      const res = await server.inject({
        method: 'POST',
        url: '/transfer',
        cookies,
        headers: { origin, 'sec-fetch-site': 'same-origin', 'x-csrf-token': token },
      })
      expect(res.statusCode).toBe(200)
    }
    const proxied = await app({}, { trustProxy: true })
    const res = await proxied.server.inject({
      method: 'POST',
      url: '/transfer',
      cookies: proxied.cookies,
      headers: {
        origin: 'https://shop.example',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'shop.example',
        'x-csrf-token': proxied.token,
      },
    })
    expect(res.statusCode).toBe(200)
    const direct = await server.inject({
      method: 'POST',
      url: '/transfer',
      headers: { origin: 'https://shop.example', 'x-forwarded-proto': 'https' },
    })
    expect(direct.json().error).toMatchObject({
      code: 'MEGA_CSRF_ORIGIN_INVALID',
      details: { origin: 'https://shop.example', expected: 'http://localhost' },
    })
  })

  it('requires the token without any cookie where requireToken says so (sign-up, login forms)', async () => {
    const { server, cookies, token } = await app({
      requireToken: (ctx) => ctx.request.url.startsWith('/login'),
    })
    const bare = await server.inject({ method: 'POST', url: '/login', headers: FORM, payload: '' })
    expect(bare.json().error.code).toBe('MEGA_CSRF_INVALID')
    const ok = await server.inject({
      method: 'POST',
      url: '/login',
      cookies,
      headers: { 'x-csrf-token': token },
    })
    expect(ok.statusCode).toBe(200)
    // Elsewhere a request with neither cookie nor Origin (a non-browser client) passes.
    const api = await server.inject({ method: 'POST', url: '/transfer', payload: { amount: '1' } })
    expect(api.json().data).toEqual({ moved: '1' })
  })

  it('rotates the secret at login: a token from before sign-in no longer works', async () => {
    const { server, cookies, token } = await app()
    const login = await server.inject({
      method: 'POST',
      url: '/login',
      cookies,
      headers: { 'x-csrf-token': token },
    })
    const after = jar(login, cookies)
    expect(after['mega.csrf']).not.toBe(cookies['mega.csrf'])
    expect(after['mega.sid']).toBeDefined()
    const stale = await server.inject({
      method: 'POST',
      url: '/transfer',
      cookies: after,
      headers: { 'x-csrf-token': token },
    })
    expect(stale.json().error.code).toBe('MEGA_CSRF_INVALID')
    const fresh = (login.json().data as { token: string }).token
    const ok = await server.inject({
      method: 'POST',
      url: '/transfer',
      cookies: after,
      headers: { 'x-csrf-token': fresh },
    })
    expect(ok.statusCode).toBe(200)

    // Also when the login response asks for no token (a redirect): the held secret is replaced.
    const second = await app()
    const redirect = await second.server.inject({
      method: 'POST',
      url: '/login-and-redirect',
      cookies: second.cookies,
      headers: { 'x-csrf-token': second.token },
    })
    const held = jar(redirect, second.cookies)
    expect(held['mega.csrf']).not.toBe(second.cookies['mega.csrf'])
    const old = await second.server.inject({
      method: 'POST',
      url: '/transfer',
      cookies: held,
      headers: { 'x-csrf-token': second.token },
    })
    expect(old.statusCode).toBe(403)
  })

  it('leaves bearer-token requests alone, but not Basic credentials a browser sends by itself', async () => {
    const { server, cookies } = await app()
    const bearer = await server.inject({
      method: 'POST',
      url: '/transfer',
      cookies,
      headers: { authorization: 'Bearer abc', origin: 'https://other.example' },
      payload: { amount: '2' },
    })
    expect(bearer.json().data).toEqual({ moved: '2' })
    const basic = await server.inject({
      method: 'POST',
      url: '/transfer',
      cookies,
      headers: { authorization: 'Basic YTpi' },
      payload: { amount: '2' },
    })
    expect(basic.statusCode).toBe(403)
  })

  it('needs sessions() and valid options; csrfToken needs csrf()', async () => {
    expect(() => createApp({ routes, plugins: [csrf()] })).toThrow(
      expect.objectContaining({ code: 'MEGA_PLUGIN_INVALID' }),
    )
    for (const bad of [{ header: 'X Bad' }, { trustedOrigins: ['https://app.example.com/'] }]) {
      expect(() => csrf(bad)).toThrow(expect.objectContaining({ code: 'MEGA_CONFIG_INVALID' }))
    }
    const store = new MemorySessionAdapter('session')
    const without = track(
      createApp({ routes, adapters: { session: store }, plugins: [sessions({ secret })] }),
    )
    const res = await without.inject('/form')
    expect(res.statusCode).toBe(500)
    expect(res.json().error.code).toBe('MEGA_CSRF_NOT_ENABLED')
  })
})
