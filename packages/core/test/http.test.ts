import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  ConflictError,
  MegaApp,
  MegaServer,
  UnauthorizedError,
  createApp,
  defineRoutes,
} from '../src/index.js'

const servers: MegaServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const User = z.object({
  name: z.string().min(2),
  email: z.email(),
  age: z.number().int().min(0).optional(),
})

function usersApp(options: { production?: boolean } = {}): MegaServer {
  const routes = defineRoutes((r) => {
    r.get('/', () => ({ hello: 'world' }))
    r.post(
      '/users',
      {
        schema: { body: User, response: z.object({ id: z.number(), name: z.string() }) },
        status: 201,
      },
      (ctx) => ({
        id: 1,
        name: ctx.body.name,
        secret: 'never serialised',
      }),
    )
    r.get(
      '/users/:id',
      {
        schema: {
          params: z.object({ id: z.coerce.number().int().positive() }),
          query: z.object({ full: z.coerce.boolean().default(false) }),
        },
      },
      (ctx) => ({
        id: ctx.params.id,
        full: ctx.query.full,
      }),
    )
    r.post(
      '/slug',
      {
        schema: {
          body: z.object({ slug: z.string().refine((s) => !s.includes(' '), 'no spaces') }),
        },
      },
      (ctx) => ctx.body,
    )
    r.get('/conflict', () => {
      throw new ConflictError('That email is taken: use another.', { details: { field: 'email' } })
    })
    r.get('/boom', () => {
      throw new Error('database password is hunter2')
    })
    r.get(
      '/private',
      {
        before: [
          (ctx) => {
            if (ctx.headers.authorization !== 'Bearer t') throw new UnauthorizedError()
            return { userId: 7 }
          },
        ],
      },
      (ctx) => ctx.identity,
    )
  })
  const server = createApp({ routes, production: options.production ?? true, bodyLimit: 1024 })
  servers.push(server)
  return server
}

describe('createApp: success envelope', () => {
  it('wraps handler data in { ok: true, data } and echoes a request id header', async () => {
    const res = await usersApp().inject('/')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ ok: true, data: { hello: 'world' } })
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('makes its own request id, whatever x-request-id the client sends', async () => {
    const app = usersApp()
    const chosen = await app.inject({ url: '/nope', headers: { 'x-request-id': 'abc-123' } })
    expect(chosen.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(chosen.json().error.requestId).toBe(chosen.headers['x-request-id'])
    const replaced = await app.inject({
      url: '/',
      headers: { 'x-request-id': 'bad id\nwith newline' },
    })
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('uses the route status and serialises only the response schema fields', async () => {
    const res = await usersApp().inject({
      method: 'POST',
      url: '/users',
      payload: { name: 'Ada', email: 'ada@example.com' },
    })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toEqual({ ok: true, data: { id: 1, name: 'Ada' } })
  })

  it('coerces params and query and applies defaults', async () => {
    const res = await usersApp().inject('/users/42')
    expect(res.json()).toEqual({ ok: true, data: { id: 42, full: false } })
  })

  it('passes the identity a before hook returns as ctx.identity', async () => {
    const res = await usersApp().inject({ url: '/private', headers: { authorization: 'Bearer t' } })
    expect(res.json()).toEqual({ ok: true, data: { userId: 7 } })
  })
})

describe('createApp: bad input never yields a 500', () => {
  it('answers 422 with one entry per issue for an invalid body', async () => {
    const res = await usersApp().inject({
      method: 'POST',
      url: '/users',
      payload: { name: 'A', email: 'nope', age: -1 },
    })
    expect(res.statusCode).toBe(422)
    const body = res.json<{
      ok: boolean
      error: { code: string; requestId: string; details: { path: string }[] }
    }>()
    expect(body.ok).toBe(false)
    expect(body.error.code).toBe('MEGA_VALIDATION_FAILED')
    expect(body.error.requestId).toBe(res.headers['x-request-id'])
    expect(body.error.details.map((d) => d.path).sort()).toEqual([
      'body.age',
      'body.email',
      'body.name',
    ])
  })

  it('answers 422 naming a missing field', async () => {
    const res = await usersApp().inject({
      method: 'POST',
      url: '/users',
      payload: { email: 'a@b.co' },
    })
    expect(res.statusCode).toBe(422)
    expect(res.json().error.details).toEqual([{ path: 'body.name', message: expect.any(String) }])
  })

  it('answers 422 for invalid params and query', async () => {
    const res = await usersApp().inject('/users/abc')
    expect(res.statusCode).toBe(422)
    expect(res.json().error.details[0].path).toBe('params.id')
  })

  it('runs zod at run time for what JSON Schema cannot express (refinements)', async () => {
    const app = usersApp()
    const bad = await app.inject({ method: 'POST', url: '/slug', payload: { slug: 'a b' } })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().error.details).toEqual([{ path: 'body.slug', message: 'no spaces' }])
    const good = await app.inject({ method: 'POST', url: '/slug', payload: { slug: 'a-b' } })
    expect(good.json()).toEqual({ ok: true, data: { slug: 'a-b' } })
  })

  it('answers 400 MEGA_INVALID_JSON for malformed JSON', async () => {
    const res = await usersApp().inject({
      method: 'POST',
      url: '/users',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('MEGA_INVALID_JSON')
  })

  it('answers 400 for an empty JSON body', async () => {
    const res = await usersApp().inject({
      method: 'POST',
      url: '/users',
      headers: { 'content-type': 'application/json' },
      payload: '',
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('MEGA_INVALID_JSON')
  })

  it('answers 415 for an unsupported content type', async () => {
    const res = await usersApp().inject({
      method: 'POST',
      url: '/users',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    })
    expect(res.statusCode).toBe(415)
    expect(res.json().error.code).toBe('MEGA_UNSUPPORTED_MEDIA_TYPE')
  })

  it('answers 413 for an oversized body', async () => {
    const res = await usersApp().inject({
      method: 'POST',
      url: '/users',
      payload: { name: 'x'.repeat(2000), email: 'a@b.co' },
    })
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toBe('MEGA_PAYLOAD_TOO_LARGE')
  })

  it('answers 404 MEGA_ROUTE_NOT_FOUND for unknown routes and methods', async () => {
    const app = usersApp()
    for (const [method, url] of [
      ['GET', '/nope'],
      ['DELETE', '/users'],
    ] as const) {
      const res = await app.inject({ method, url })
      expect(res.statusCode).toBe(404)
      expect(res.json().error).toMatchObject({
        code: 'MEGA_ROUTE_NOT_FOUND',
        requestId: res.headers['x-request-id'],
      })
    }
  })

  it('answers 401 from a before hook and never reaches the handler', async () => {
    const res = await usersApp().inject('/private')
    expect(res.statusCode).toBe(401)
    expect(res.json().error.code).toBe('MEGA_UNAUTHORIZED')
  })
})

describe('createApp: errors', () => {
  it('keeps a MegaError code, status and details (details outside production only)', async () => {
    const res = await usersApp({ production: false }).inject('/conflict')
    expect(res.statusCode).toBe(409)
    expect(res.json().error).toMatchObject({
      code: 'MEGA_CONFLICT',
      message: 'That email is taken: use another.',
      details: { field: 'email' },
    })
    const prod = await usersApp({ production: true }).inject('/conflict')
    expect(prod.json().error).toEqual({
      code: 'MEGA_CONFLICT',
      message: 'That email is taken: use another.',
      requestId: prod.headers['x-request-id'],
    })
  })

  it('hides the internals of an unexpected error in production', async () => {
    const res = await usersApp({ production: true }).inject('/boom')
    expect(res.statusCode).toBe(500)
    expect(res.body).not.toContain('hunter2')
    expect(res.json().error).toMatchObject({
      code: 'MEGA_INTERNAL',
      message: 'Internal server error.',
    })
  })

  it('shows the message of an unexpected error outside production', async () => {
    const res = await usersApp({ production: false }).inject('/boom')
    expect(res.json().error.message).toBe('database password is hunter2')
  })

  it('answers RFC 9457 problem details when the client asks for them', async () => {
    const res = await usersApp().inject({
      method: 'POST',
      url: '/users',
      headers: { accept: 'application/problem+json' },
      payload: { email: 'x' },
    })
    expect(res.statusCode).toBe(422)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json()).toMatchObject({
      status: 422,
      code: 'MEGA_VALIDATION_FAILED',
      instance: '/users',
      requestId: res.headers['x-request-id'],
    })
    expect(res.json().errors.length).toBe(2)
  })
})

describe('MegaServer: several apps', () => {
  it('serves each app under its prefix and lists every route with its full path', async () => {
    const api = new MegaApp({
      name: 'api',
      prefix: '/api',
      routes: defineRoutes((r) =>
        r.resource('notes', { index: () => [], show: (ctx) => ({ id: ctx.params.id }) }),
      ),
    })
    const admin = new MegaApp({
      name: 'admin',
      prefix: '/admin',
      routes: defineRoutes((r) => r.get('/stats', { name: 'admin.stats' }, () => ({ n: 1 }))),
    })
    const server = new MegaServer({ apps: [api, admin] })
    servers.push(server)
    expect((await server.inject('/api/notes/9')).json()).toEqual({ ok: true, data: { id: '9' } })
    expect((await server.inject('/admin/stats')).json()).toEqual({ ok: true, data: { n: 1 } })
    expect((await server.inject('/stats')).statusCode).toBe(404)
    expect(server.routes().map((r) => `${r.app} ${r.method} ${r.path} ${r.name ?? '-'}`)).toEqual([
      'api GET /api/notes notes.index',
      'api GET /api/notes/:id notes.show',
      'admin GET /admin/stats admin.stats',
    ])
  })

  it('serves over a real socket', async () => {
    const server = usersApp()
    const url = await server.listen()
    const res = await fetch(`${url}/users/5?full=true`)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toBeTruthy()
    expect(await res.json()).toEqual({ ok: true, data: { id: 5, full: true } })
    const bad = await fetch(`${url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{oops',
    })
    expect(bad.status).toBe(400)
  })

  it('refuses duplicate app names, duplicate route names and WebSocket routes without @mega/ws', () => {
    const a = new MegaApp({ name: 'a' })
    expect(() => new MegaServer({ apps: [a, new MegaApp({ name: 'a' })] })).toThrow(
      expect.objectContaining({ code: 'MEGA_APP_INVALID' }),
    )
    const dup = defineRoutes((r) =>
      r.get('/x', { name: 'x' }, () => 1).get('/y', { name: 'x' }, () => 2),
    )
    expect(() => createApp({ routes: dup })).toThrow(
      expect.objectContaining({ code: 'MEGA_ROUTE_DUPLICATE' }),
    )
    const ws = defineRoutes((r) => r.ws('/chat', class {}))
    expect(() => createApp({ routes: ws })).toThrow(
      expect.objectContaining({
        code: 'MEGA_WS_NOT_INSTALLED',
        message: expect.stringContaining('needs the ws() plugin of @mega/ws'),
      }),
    )
  })
})

describe('createApp: headers, tracer and session slots', () => {
  it('validates headers with their schema (422 naming the header)', async () => {
    const routes = defineRoutes((r) =>
      r.get(
        '/h',
        { schema: { headers: z.object({ 'x-tenant': z.string().regex(/^t-\d+$/) }) } },
        (ctx) => ctx.headers['x-tenant'],
      ),
    )
    const server = createApp({ routes })
    servers.push(server)
    expect((await server.inject({ url: '/h', headers: { 'x-tenant': 't-1' } })).json()).toEqual({
      ok: true,
      data: 't-1',
    })
    const bad = await server.inject({ url: '/h', headers: { 'x-tenant': 'nope' } })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().error.details[0].path).toBe('headers.x-tenant')
  })

  it('gives handlers a tracer that runs spans (a no-op until tracing is on)', async () => {
    const routes = defineRoutes((r) =>
      r.get('/t', (ctx) => ctx.tracer.span('work', () => ({ traced: true }))),
    )
    const server = createApp({ routes })
    servers.push(server)
    expect((await server.inject('/t')).json()).toEqual({ ok: true, data: { traced: true } })
  })
})
