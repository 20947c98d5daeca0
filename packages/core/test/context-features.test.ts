import { describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import { CORE_ERROR_CODES, createApp, defineContextFeature, defineRoutes } from '../src/index.js'
import { presence } from './fixtures/presence-package.js'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()

const routes = defineRoutes((r) => {
  r.get('/online', (ctx) => ({
    user: ctx.presence.user,
    online: ctx.presence.online(),
    // Built once per request, at the first read: both reads see the same value.
    same: ctx.presence === ctx.presence,
    built: ctx.presence.built,
  }))
  r.get('/visit', (ctx) => ctx.visit)
})

describe('context features', () => {
  it('a package adds ctx.presence: provided lazily per server, set per request by a hook', async () => {
    const server = track(createApp({ routes, plugins: [presence()] }))
    const first = await server.inject({ url: '/online', headers: { 'x-user': 'ada' } })
    expect(first.statusCode).toBe(200)
    expect(first.json().data).toEqual({
      user: 'ada',
      online: ['ada', 'linus'],
      same: true,
      built: 1,
    })
    const second = await server.inject('/online')
    expect(second.json().data).toMatchObject({ user: 'anonymous', built: 2 })
    expect((await server.inject('/visit?x=1')).json().data).toEqual({ path: '/visit?x=1' })
  })

  it('without the plugin, reading it is 500 MEGA_CONTEXT_FEATURE_MISSING naming the plugin', async () => {
    // Another server in the same process provides it: that changes nothing for this one.
    track(createApp({ routes, plugins: [presence()] }))
    const bare = track(createApp({ routes }))
    for (const [url, feature] of [
      ['/online', 'presence'],
      ['/visit', 'visit'],
    ] as const) {
      const res = await bare.inject(url)
      expect(res.statusCode).toBe(500)
      expect(res.json().error).toMatchObject({
        code: 'MEGA_CONTEXT_FEATURE_MISSING',
        details: { feature, plugin: 'presence' },
      })
      expect(res.json().error.message).toContain(
        `ctx.${feature} needs the presence plugin: add presence() to plugins in mega.config.ts`,
      )
    }
    expect(CORE_ERROR_CODES).toContain('MEGA_CONTEXT_FEATURE_MISSING')
  })

  it('refuses a name declared twice, a name the context has, and a missing explanation', () => {
    const info = { plugin: 'x', hint: 'add x().' }
    for (const name of ['presence', 'session', 'params', 'auth', 'request', 'status', 'db', '1x'])
      expect(() => defineContextFeature(name as never, info)).toThrow(
        expect.objectContaining({ code: 'MEGA_PLUGIN_INVALID' }),
      )
    // The same owner declaring it again (a second copy of its package) gets a handle, not an error.
    expect(
      defineContextFeature('presence' as never, { plugin: 'presence', hint: 'again' }).name,
    ).toBe('presence')
    const error = (() => {
      try {
        defineContextFeature('other' as never, { plugin: 'x' } as never)
      } catch (err) {
        return err
      }
      return undefined
    })()
    expect(MegaError.is(error) && error.message).toContain('needs { plugin, hint }')
  })
})
