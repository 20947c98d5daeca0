import { describe, expect, it } from 'vitest'
import {
  MemorySessionAdapter,
  createApp,
  csrf,
  csrfToken,
  defineRoutes,
  forms,
  sessions,
} from '../src/index.js'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()
const secret = 'csrf-tests-secret-that-is-long-enough-01'

const routes = defineRoutes((r) => {
  r.get('/form', (ctx) => ({ token: csrfToken(ctx) }))
  r.post('/transfer', (ctx) => ({ moved: (ctx.body as { amount?: string }).amount ?? null }))
})

async function app() {
  const store = new MemorySessionAdapter('session')
  await store.connect()
  const server = track(
    createApp({
      routes,
      adapters: { session: store },
      plugins: [csrf(), forms(), sessions({ secret })],
    }),
  )
  const form = await server.inject('/form')
  const cookie = form.cookies.find((c) => c.name === 'mega.sid')!.value
  return { server, cookie, token: (form.json().data as { token: string }).token }
}

describe('csrf', () => {
  it('accepts a form that sends the session token, as a field or a header', async () => {
    const { server, cookie, token } = await app()
    const res = await server.inject({
      method: 'POST',
      url: '/transfer',
      cookies: { 'mega.sid': cookie },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `amount=10&_csrf=${encodeURIComponent(token)}`,
    })
    expect(res.json()).toEqual({ ok: true, data: { moved: '10' } })
    const byHeader = await server.inject({
      method: 'POST',
      url: '/transfer',
      cookies: { 'mega.sid': cookie },
      headers: { 'x-csrf-token': token },
      payload: { amount: '5' },
    })
    expect(byHeader.statusCode).toBe(200)
  })

  it('refuses an unsafe request with the session cookie but no or a wrong token', async () => {
    const { server, cookie, token } = await app()
    for (const payload of ['amount=10', `amount=10&_csrf=${token.slice(1)}x`]) {
      const res = await server.inject({
        method: 'POST',
        url: '/transfer',
        cookies: { 'mega.sid': cookie },
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload,
      })
      expect(res.statusCode).toBe(403)
      expect(res.json().error.code).toBe('MEGA_CSRF_INVALID')
    }
  })

  it('leaves requests without a session cookie alone (API clients) and needs sessions()', async () => {
    const { server } = await app()
    const api = await server.inject({ method: 'POST', url: '/transfer', payload: { amount: '1' } })
    expect(api.json().data).toEqual({ moved: '1' })

    expect(() => createApp({ routes, plugins: [csrf()] })).toThrow(
      expect.objectContaining({ code: 'MEGA_PLUGIN_INVALID' }),
    )
    expect(() => csrf({ header: 'X Bad' })).toThrow(
      expect.objectContaining({ code: 'MEGA_CONFIG_INVALID' }),
    )
  })
})
