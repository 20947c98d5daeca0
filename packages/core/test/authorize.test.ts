import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  UnauthorizedError,
  createApp,
  defineRoutes,
  type AuthorizeHook,
  type BeforeHook,
} from '../src/index.js'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()

interface User {
  readonly id: number
  readonly staff: boolean
}

// Signs in from `x-user: <id>:<staff|member>`; no header → 401.
const signedIn: BeforeHook = (ctx) => {
  const header = ctx.headers['x-user']
  if (typeof header !== 'string') throw new UnauthorizedError()
  const [id, role] = header.split(':')
  return { id: Number(id), staff: role === 'staff' } satisfies User
}
const staffOnly: AuthorizeHook = (ctx) => (ctx.identity as User).staff

const body = z.object({ title: z.string().min(1) })

function adminApp() {
  return track(
    createApp({
      routes: defineRoutes((r) => {
        r.group({ prefix: '/admin', before: [signedIn], authorize: staffOnly }, (g) => {
          g.post('/logs', { schema: { body } }, (ctx) => ctx.body)
        })
        r.post(
          '/own/:id',
          {
            schema: { body },
            before: [signedIn],
            authorize: async (ctx) =>
              Promise.resolve((ctx.identity as User).id === Number(ctx.params.id)),
          },
          () => 'yours',
        )
      }),
    }),
  )
}

const member = { 'x-user': '2:member' }
const staff = { 'x-user': '1:staff' }

describe('authorize: route groups and routes say who may call them', () => {
  it('answers 403 MEGA_FORBIDDEN to a signed-in caller the check refuses, before validation (not 422)', async () => {
    const server = adminApp()
    const res = await server.inject({
      method: 'POST',
      url: '/admin/logs',
      headers: member,
      payload: { title: 12 },
    })
    expect(res.statusCode).toBe(403)
    expect(res.json().error.code).toBe('MEGA_FORBIDDEN')
    expect(res.body).not.toContain('title')
  })

  it('lets an allowed caller through to validation and the handler', async () => {
    const server = adminApp()
    const bad = await server.inject({
      method: 'POST',
      url: '/admin/logs',
      headers: staff,
      payload: { title: '' },
    })
    expect(bad.statusCode).toBe(422)
    const good = await server.inject({
      method: 'POST',
      url: '/admin/logs',
      headers: staff,
      payload: { title: 'ok' },
    })
    expect(good.json()).toEqual({ ok: true, data: { title: 'ok' } })
  })

  it('keeps 401 for an anonymous caller (the before hook runs first)', async () => {
    const res = await adminApp().inject({ method: 'POST', url: '/admin/logs', payload: {} })
    expect(res.statusCode).toBe(401)
  })

  it('takes an async check on a single route, with the raw params', async () => {
    const server = adminApp()
    const mine = { method: 'POST' as const, headers: member, payload: { title: 'x' } }
    expect((await server.inject({ ...mine, url: '/own/2' })).statusCode).toBe(200)
    expect((await server.inject({ ...mine, url: '/own/3' })).statusCode).toBe(403)
  })

  it('runs after authenticate and every before hook, outermost check first, then validates', async () => {
    const seen: string[] = []
    const check =
      (name: string, answer = true): AuthorizeHook =>
      (ctx) => {
        seen.push(`${name} auth=${JSON.stringify(ctx.identity)}`)
        return answer
      }
    const before =
      (name: string): BeforeHook =>
      () =>
        void seen.push(name)
    const routes = defineRoutes((r) => {
      r.group(
        { prefix: '/a', before: [before('before outer')], authorize: check('outer') },
        (a) => {
          a.group(
            { prefix: '/b', before: [before('before inner')], authorize: check('inner') },
            (b) => {
              b.post(
                '/c',
                {
                  schema: { body: z.object({ n: z.number().refine((n) => n > 0) }) },
                  before: [before('before route')],
                  authorize: check('route'),
                },
                () => void seen.push('handle'),
              )
            },
          )
        },
      )
    })
    const server = track(createApp({ routes }))
    server
      .hook('authenticate', () => {
        seen.push('authenticate')
        return 'me'
      })
      .hook('validate', () => void seen.push('validate'))
    await server.inject({ method: 'POST', url: '/a/b/c', payload: { n: 1 } })
    expect(seen).toEqual([
      'authenticate',
      'before outer',
      'before inner',
      'before route',
      'outer auth="me"',
      'inner auth="me"',
      'route auth="me"',
      'validate',
      'handle',
    ])
  })

  it('needs every check of nested groups to pass, and stops at the first refusal', async () => {
    const calls: string[] = []
    const routes = defineRoutes((r) => {
      r.group({ prefix: '/x', authorize: () => (calls.push('outer'), false) }, (x) => {
        x.group({ authorize: () => (calls.push('inner'), true) }, (y) => y.get('/', () => 'x'))
      })
      r.group({ prefix: '/y', authorize: () => true }, (x) => {
        x.group({ authorize: () => false }, (y) => y.get('/', () => 'y'))
      })
    })
    const server = track(createApp({ routes }))
    expect((await server.inject('/x')).statusCode).toBe(403)
    expect(calls).toEqual(['outer'])
    expect((await server.inject('/y')).statusCode).toBe(403)
  })

  it('counts only a literal true as a yes, and keeps an error the check throws', async () => {
    const routes = defineRoutes((r) => {
      r.get('/truthy', { authorize: (() => 'yes') as unknown as AuthorizeHook }, () => 'no')
      r.get(
        '/throws',
        {
          authorize: () => {
            throw new UnauthorizedError('Sign in first.')
          },
        },
        () => 'no',
      )
    })
    const server = track(createApp({ routes }))
    expect((await server.inject('/truthy')).statusCode).toBe(403)
    expect((await server.inject('/throws')).statusCode).toBe(401)
  })

  it('applies a resource’s check to every action', async () => {
    const routes = defineRoutes((r) => {
      r.resource(
        'notes',
        { index: () => [], show: () => ({}) },
        { before: [signedIn], authorize: staffOnly },
      )
    })
    const server = track(createApp({ routes }))
    expect((await server.inject({ url: '/notes', headers: member })).statusCode).toBe(403)
    expect((await server.inject({ url: '/notes/1', headers: member })).statusCode).toBe(403)
    expect((await server.inject({ url: '/notes', headers: staff })).statusCode).toBe(200)
  })

  it('refuses a check that is not a function when routes are declared', () => {
    expect(() =>
      defineRoutes((r) =>
        r.group({ authorize: true as unknown as AuthorizeHook }, (g) => g.get('/', () => 1)),
      ),
    ).toThrow(expect.objectContaining({ code: 'MEGA_ROUTE_INVALID' }))
  })
})
