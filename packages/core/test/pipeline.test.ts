import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MegaError } from '@mega/observe'
import { UnauthorizedError, createApp, definePlugin, defineRoutes } from '../src/index.js'
import { orderPlugins } from '../src/internal/index.js'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()

describe('request pipeline', () => {
  it('runs the phases in their declared order around validation and the handler', async () => {
    const seen: string[] = []
    const routes = defineRoutes((r) =>
      r.post(
        '/x',
        {
          schema: { body: z.object({ n: z.number().refine((n) => n > 0, 'positive') }) },
          before: [() => void seen.push('before')],
        },
        (ctx) => {
          seen.push(`handle ${ctx.body.n}`)
          return 'ok'
        },
      ),
    )
    const server = track(createApp({ routes }))
    server
      .hook('onRequest', () => void seen.push('onRequest'))
      .hook('authenticate', () => void seen.push('authenticate'))
      .hook('validate', (ctx) => void seen.push(`validate ${(ctx.body as { n: number }).n}`))
      .hook('onResponse', (_ctx, info) => void seen.push(`onResponse ${info.statusCode}`))
    await server.inject({ method: 'POST', url: '/x', payload: { n: 2 } })
    expect(seen).toEqual([
      'onRequest',
      'authenticate',
      'before',
      'validate 2',
      'handle 2',
      'onResponse 200',
    ])
  })

  it('answers 401 from authentication before validation can reveal anything (401 before 422)', async () => {
    const routes = defineRoutes((r) =>
      r.post('/x', { schema: { body: z.object({ n: z.number() }) } }, () => 'ok'),
    )
    const server = track(createApp({ routes }))
    server.hook('authenticate', (ctx) => {
      if (ctx.headers.authorization === undefined) throw new UnauthorizedError()
      return { user: 1 }
    })
    expect(
      (await server.inject({ method: 'POST', url: '/x', payload: { bad: true } })).statusCode,
    ).toBe(401)
    expect(
      (
        await server.inject({
          method: 'POST',
          url: '/x',
          headers: { authorization: 't' },
          payload: { bad: true },
        })
      ).statusCode,
    ).toBe(422)
  })

  it('gives the identity from authenticate to the handler as ctx.identity, with the same ctx throughout', async () => {
    const contexts = new Set<unknown>()
    const routes = defineRoutes((r) => r.get('/me', (ctx) => (contexts.add(ctx), ctx.identity)))
    const server = track(createApp({ routes }))
    server.hook('authenticate', (ctx) => (contexts.add(ctx), { userId: 42 }))
    expect((await server.inject('/me')).json()).toEqual({ ok: true, data: { userId: 42 } })
    expect(contexts.size).toBe(1)
  })

  it('runs onError hooks on failures; a failing onError or onResponse hook never changes the response', async () => {
    const errors: string[] = []
    const routes = defineRoutes((r) => r.get('/boom', () => Promise.reject(new Error('kaput'))))
    const server = track(createApp({ routes, production: false }))
    server.hook('onError', (err) => void errors.push((err as Error).message))
    server.hook('onError', () => {
      throw new Error('hook bug')
    })
    server.hook('onResponse', () => {
      throw new Error('metrics bug')
    })
    const res = await server.inject('/boom')
    expect(res.statusCode).toBe(500)
    expect(res.json().error.message).toBe('kaput')
    expect(errors).toEqual(['kaput'])
  })

  it('gives a route only the hooks it needs, and refuses a hook added after the start', async () => {
    const routes = defineRoutes((r) => {
      r.get('/plain', () => 'plain')
      r.get('/guarded', { before: [() => ({ userId: 1 })] }, (ctx) => ctx.identity)
      r.post(
        '/refined',
        { schema: { body: z.object({ n: z.number().refine((n) => n > 0, 'positive') }) } },
        (ctx) => ctx.body.n,
      )
    })
    const server = track(createApp({ routes }))
    await server.ready()
    const table = server.fastify.printRoutes({ includeHooks: true, commonPrefix: false })
    // The bullet lines under "/<path> (GET)": the Fastify hooks that route runs.
    const hooksOf = (path: string) =>
      new RegExp(`/${path} \\((?:GET|POST)\\)\\n((?:.*•.*\\n)*)`).exec(table)?.[1] ??
      'route not found'
    expect(hooksOf('plain')).not.toMatch(/preValidation|preHandler|onResponse|not found/)
    expect(hooksOf('guarded')).toContain('preValidation')
    expect(hooksOf('guarded')).not.toContain('preHandler')
    expect(hooksOf('refined')).toContain('preHandler')
    expect((await server.inject('/guarded')).json().data).toEqual({ userId: 1 })
    expect(() => server.hook('onRequest', () => undefined)).toThrow(
      expect.objectContaining({ code: 'MEGA_PIPELINE_STARTED' }),
    )
  })

  it('applies a hook added by a later plugin even when an earlier one awaited fastify.register', async () => {
    const routes = defineRoutes((r) => r.get('/me', (ctx) => ctx.identity ?? null))
    const early = definePlugin({
      name: 'early',
      setup: async (api) => {
        await api.fastify.register(async () => undefined) // loads what was queued so far
      },
    })
    const auth = definePlugin({
      name: 'auth',
      dependsOn: ['early'],
      setup: (api) =>
        api.hook('authenticate', (ctx) => {
          if (ctx.headers.authorization !== 'Bearer ok') throw new UnauthorizedError('no')
          return { userId: 7 }
        }),
    })
    const server = track(createApp({ routes, plugins: [early, auth] }))
    expect((await server.inject('/me')).statusCode).toBe(401)
    const res = await server.inject({ url: '/me', headers: { authorization: 'Bearer ok' } })
    expect(res.json().data).toEqual({ userId: 7 })
  })

  it('refuses an unknown phase with a coded error', () => {
    const server = track(createApp({}))
    expect(() => server.hook('handle' as 'onRequest', () => undefined)).toThrow(
      expect.objectContaining({ code: 'MEGA_PIPELINE_UNKNOWN_PHASE' }),
    )
  })
})

describe('plugins', () => {
  it('sets up in dependency order, tears down in reverse, and can hook phases', async () => {
    const log: string[] = []
    const make = (name: string, dependsOn: string[] = []) =>
      definePlugin({
        name,
        dependsOn,
        setup: (api) => {
          log.push(`setup ${name}`)
          api.hook('onRequest', () => void log.push(`request via ${name}`))
        },
        teardown: () => void log.push(`teardown ${name}`),
      })
    const routes = defineRoutes((r) => r.get('/', () => 1))
    const server = createApp({ routes, plugins: [make('c', ['b']), make('a'), make('b', ['a'])] })
    expect(server.plugins).toEqual(['a', 'b', 'c'])
    await server.inject('/')
    await server.close()
    expect(log).toEqual([
      'setup a',
      'setup b',
      'setup c',
      'request via a',
      'request via b',
      'request via c',
      'teardown c',
      'teardown b',
      'teardown a',
    ])
  })

  it('refuses unknown dependencies, cycles, duplicates and malformed plugins, naming them', () => {
    const p = (name: string, dependsOn: string[] = []) =>
      definePlugin({ name, dependsOn, setup: () => undefined })
    expect(() => orderPlugins([p('a', ['ghost'])])).toThrow(
      /"a" depends on "ghost", which is not registered/,
    )
    expect(() => orderPlugins([p('a', ['b']), p('b', ['c']), p('c', ['a'])])).toThrow(
      /circle: a → b → c → a/,
    )
    expect(() => orderPlugins([p('a'), p('a')])).toThrow(/registered twice/)
    expect(() => definePlugin({ name: '', setup: () => undefined })).toThrow(
      expect.objectContaining({ code: 'MEGA_PLUGIN_INVALID' }),
    )
    expect(() => definePlugin({ name: 'x' } as never)).toThrow(/needs a setup/)
    expect(() => createApp({ plugins: [p('a', ['nope'])] })).toThrow(
      expect.objectContaining({ code: 'MEGA_PLUGIN_INVALID' }),
    )
  })

  it('tears down the plugins already set up when one fails, and names it', async () => {
    const log: string[] = []
    const ok = definePlugin({
      name: 'ok',
      setup: () => void log.push('setup ok'),
      teardown: () => void log.push('teardown ok'),
    })
    const bad = definePlugin({
      name: 'bad',
      dependsOn: ['ok'],
      setup: () => Promise.reject(new Error('no license')),
    })
    const server = createApp({ plugins: [ok, bad] })
    const error = await server.ready().catch((e: unknown) => e)
    expect(MegaError.is(error, 'MEGA_PLUGIN_FAILED')).toBe(true)
    expect((error as Error).message).toContain('"bad" failed to set up: no license')
    expect(log).toEqual(['setup ok', 'teardown ok'])
  })
})

describe('route drivers', () => {
  it('hands each WebSocket route, with its before hooks, to the plugin that drives them', async () => {
    const seen: string[] = []
    const driver = definePlugin({
      name: 'fake-ws',
      setup: () => undefined,
      routeDrivers: {
        ws: (fastify, route, hooks) => {
          seen.push(route.path)
          fastify.get(route.path, async (request, reply) => {
            await hooks.preValidation?.(request, reply)
            if (reply.sent) return reply
            return { auth: hooks.context(request, reply).identity, channel: route.channel }
          })
        },
      },
    })
    const routes = defineRoutes((r) =>
      r.ws('/live', 'board', {
        before: [
          (ctx) => {
            if (ctx.headers.authorization !== 'Bearer t') throw new UnauthorizedError()
            return { userId: 7 }
          },
        ],
      }),
    )
    const server = track(createApp({ prefix: '/api', routes, plugins: [driver] }))
    const refused = await server.inject('/api/live')
    expect(refused.statusCode).toBe(401)
    const admitted = await server.inject({
      url: '/api/live',
      headers: { authorization: 'Bearer t' },
    })
    expect(admitted.json()).toEqual({ auth: { userId: 7 }, channel: 'board' })
    expect(seen).toEqual(['/live'])
  })

  it('refuses two plugins driving WebSocket routes, and a driver that is not a function', () => {
    const drive = (name: string) =>
      definePlugin({ name, setup: () => undefined, routeDrivers: { ws: () => undefined } })
    expect(() => createApp({ plugins: [drive('a'), drive('b')] })).toThrow(
      expect.objectContaining({
        code: 'MEGA_PLUGIN_INVALID',
        message: expect.stringMatching(/"a" and "b"/),
      }),
    )
    expect(() =>
      definePlugin({ name: 'x', setup: () => undefined, routeDrivers: { ws: 1 } as never }),
    ).toThrow(expect.objectContaining({ code: 'MEGA_PLUGIN_INVALID' }))
  })
})
