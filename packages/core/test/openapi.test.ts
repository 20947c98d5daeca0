import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Validator } from '@seriousme/openapi-schema-validator'
import { MegaError } from '@mega/observe'
import {
  CORE_ERROR_CODES,
  MegaApp,
  MegaServer,
  action,
  createApp,
  defineRoutes,
  openapi,
  securedBy,
  type MegaServer as Server,
  type OpenApiOptions,
} from '../src/index.js'
import { createTestApp } from '../src/testing/index.js'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()

const post = z.object({
  id: z.uuid(),
  title: z.string(),
  status: z.enum(['draft', 'published']),
  createdAt: z.date(),
})

const routes = defineRoutes((r) => {
  r.get('/', { summary: 'What this API serves' }, () => ({ hello: 'world' }))
  r.resource('posts', {
    index: action(
      {
        schema: { query: z.object({ page: z.coerce.number().int().min(1).optional() }) },
        summary: 'List posts',
        description: 'Newest first, a page at a time.',
      },
      () => [],
    ),
    show: action({ schema: { params: z.object({ id: z.uuid() }), response: post } }, (ctx) => ({
      id: ctx.params.id,
      title: 'T',
      status: 'draft' as const,
      createdAt: new Date(),
    })),
    create: action(
      {
        schema: {
          body: z.object({
            title: z.string().min(1),
            status: z.enum(['draft', 'published']).default('draft'),
          }),
          response: post,
        },
        tags: ['writing'],
      },
      (ctx) => ({ id: crypto.randomUUID(), ...ctx.body, createdAt: new Date() }),
    ),
    update: action(
      { schema: { params: z.object({ id: z.uuid() }) }, deprecated: true },
      () => null,
    ),
  })
  r.get('/secret/stats', { name: 'secret.stats', before: [() => undefined] }, () => ({ n: 1 }))
  r.get('/internal/:key', () => 'x')
})

interface Operation {
  operationId?: string
  summary?: string
  description?: string
  tags?: string[]
  deprecated?: boolean
  parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[]
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> }
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>
}
interface Document {
  openapi: string
  info: { title: string; version: string; description?: string }
  servers?: { url: string }[]
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, unknown> }
}

async function documentOf(server: Server, path = '/openapi.json'): Promise<Document> {
  const res = await server.inject(path)
  expect(res.statusCode, res.body).toBe(200)
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  return res.json<Document>()
}

function operation(doc: Document, path: string, method: string): Operation {
  const op = doc.paths[path]?.[method]
  if (op === undefined)
    throw new Error(`no ${method} ${path} in ${Object.keys(doc.paths).join(', ')}`)
  return op
}

const ENVELOPE_ERROR = { $ref: '#/components/schemas/MegaError' }

describe('openapi()', () => {
  it('lists every route with its method, OpenAPI path, operationId, summary and tags', async () => {
    const server = track(createApp({ name: 'blog', routes, plugins: [openapi({ ui: false })] }))
    const doc = await documentOf(server)
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info).toEqual({ title: 'blog', version: '0.0.0' })
    expect(
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.entries(item).map(([method, op]) => `${method} ${path} ${op.operationId ?? '-'}`),
      ),
    ).toEqual([
      'get / -',
      'get /posts posts.index',
      'post /posts posts.create',
      'get /posts/{id} posts.show',
      'patch /posts/{id} posts.update',
      'put /posts/{id} -',
      'get /secret/stats secret.stats',
      'get /internal/{key} -',
    ])
    expect(operation(doc, '/', 'get')).toMatchObject({
      summary: 'What this API serves',
      tags: ['blog'],
    })
    expect(operation(doc, '/posts', 'get')).toMatchObject({
      summary: 'List posts',
      description: 'Newest first, a page at a time.',
      tags: ['blog'],
    })
    expect(operation(doc, '/posts', 'post').tags).toEqual(['writing'])
    expect(operation(doc, '/posts/{id}', 'patch').deprecated).toBe(true)
    expect(operation(doc, '/posts/{id}', 'get').deprecated).toBeUndefined()
  })

  it('documents request schemas from zod: required fields, formats, enums, defaults', async () => {
    const server = track(createApp({ routes, plugins: [openapi({ ui: false })] }))
    const doc = await documentOf(server)
    expect(operation(doc, '/posts/{id}', 'get').parameters).toEqual([
      {
        in: 'path',
        name: 'id',
        required: true,
        schema: expect.objectContaining({ type: 'string', format: 'uuid' }),
      },
    ])
    expect(operation(doc, '/posts', 'get').parameters).toEqual([
      {
        in: 'query',
        name: 'page',
        required: false,
        schema: expect.objectContaining({ type: 'integer', minimum: 1 }),
      },
    ])
    const body = operation(doc, '/posts', 'post').requestBody
    expect(body?.required).toBe(true)
    expect(body?.content['application/json']?.schema).toMatchObject({
      type: 'object',
      properties: {
        title: { type: 'string', minLength: 1 },
        status: { type: 'string', enum: ['draft', 'published'], default: 'draft' },
      },
      required: ['title'],
    })
  })

  it('wraps the success data in the envelope, with the route status', async () => {
    const server = track(createApp({ routes, plugins: [openapi({ ui: false })] }))
    const doc = await documentOf(server)
    const created = operation(doc, '/posts', 'post').responses['201']
    expect(created?.content?.['application/json']?.schema).toMatchObject({
      type: 'object',
      required: ['ok', 'data'],
      properties: {
        ok: { enum: [true] },
        data: {
          type: 'object',
          properties: {
            id: { type: 'string', format: 'uuid' },
            status: { type: 'string', enum: ['draft', 'published'] },
            createdAt: { type: 'string', format: 'date-time' },
          },
          required: ['id', 'title', 'status', 'createdAt'],
        },
      },
    })
    expect(
      operation(doc, '/', 'get').responses['200']?.content?.['application/json']?.schema,
    ).toMatchObject({ properties: { ok: { enum: [true] }, data: {} } })
  })

  it('answers errors with the shared MegaError component on the statuses that fit', async () => {
    const server = track(createApp({ routes, plugins: [openapi({ ui: false })] }))
    const doc = await documentOf(server)
    expect(doc.components.schemas.MegaError).toMatchObject({
      type: 'object',
      required: ['ok', 'error'],
      properties: {
        ok: { enum: [false] },
        error: { required: ['code', 'message', 'requestId'] },
      },
    })
    const statuses = (path: string, method: string) =>
      Object.keys(operation(doc, path, method).responses)
    expect(statuses('/', 'get')).toEqual(['200', '500'])
    expect(statuses('/posts', 'get')).toEqual(['200', '422', '500'])
    expect(statuses('/posts', 'post')).toEqual(['201', '400', '422', '500'])
    expect(statuses('/posts/{id}', 'get')).toEqual(['200', '404', '422', '500'])
    expect(statuses('/secret/stats', 'get')).toEqual(['200', '401', '403', '500'])
    expect(operation(doc, '/posts', 'post').responses['422']).toEqual({
      description: expect.stringContaining('MEGA_VALIDATION_FAILED'),
      content: { 'application/json': { schema: ENVELOPE_ERROR } },
    })
    // The documented error is what the server sends.
    const res = await server.inject({ method: 'POST', url: '/posts', payload: {} })
    expect(res.statusCode).toBe(422)
    expect(Object.keys(res.json<Record<string, unknown>>())).toEqual(['ok', 'error'])
  })

  it('is a valid OpenAPI 3.1 document, in JSON and in YAML', async () => {
    const server = track(
      createApp({
        routes,
        plugins: [
          openapi({
            ui: false,
            info: { title: 'Blog', version: '1.2.3', description: 'Posts.' },
            servers: [{ url: 'https://api.example.com', description: 'production' }],
          }),
        ],
      }),
    )
    const doc = await documentOf(server)
    expect(doc.info).toEqual({ title: 'Blog', version: '1.2.3', description: 'Posts.' })
    expect(doc.servers).toEqual([{ url: 'https://api.example.com', description: 'production' }])
    const validator = new Validator()
    const result = await validator.validate(doc as unknown as Record<string, unknown>)
    expect(result.errors).toBeUndefined()
    expect([result.valid, validator.version]).toEqual([true, '3.1'])

    const yaml = await server.inject('/openapi.yaml')
    expect(yaml.statusCode).toBe(200)
    expect(yaml.headers['content-type']).toMatch(/^application\/yaml/)
    expect(yaml.body).toMatch(/^openapi: 3\.1\.0$/m)
    expect((await new Validator().validate(yaml.body)).valid).toBe(true)
  })

  it('the validator used above rejects a broken document (so the check can fail)', async () => {
    const server = track(createApp({ routes, plugins: [openapi({ ui: false })] }))
    const doc = await documentOf(server)
    const broken = structuredClone(doc) as unknown as { paths: Record<string, unknown> }
    broken.paths['/'] = { get: { responses: { 200: { content: 'nope' } } } }
    expect((await new Validator().validate(broken)).valid).toBe(false)
  })

  it('moves recursive and named zod schemas to components, once each', async () => {
    interface Category {
      name: string
      children: Category[]
    }
    const category: z.ZodType<Category> = z.lazy(() =>
      z.object({ name: z.string(), children: z.array(category) }),
    )
    const user = z.object({ id: z.uuid() }).meta({ id: 'User' })
    const tree = defineRoutes((r) => {
      r.post('/categories', { schema: { body: z.object({ root: category }) } }, () => null)
      r.put('/categories', { schema: { body: z.object({ root: category }) } }, () => null)
      r.post('/pairs', { schema: { body: z.object({ a: user, b: user }) } }, () => null)
      r.post('/users', { schema: { body: user } }, () => null)
      r.get('/users/:id', { schema: { params: user } }, () => null)
    })
    const server = track(createApp({ routes: tree, plugins: [openapi({ ui: false })] }))
    const doc = await documentOf(server)
    const bodyOf = (path: string, method: string) =>
      operation(doc, path, method).requestBody?.content['application/json']?.schema
    expect(Object.keys(doc.components.schemas).sort()).toEqual(['MegaError', 'Schema1', 'User'])
    expect(bodyOf('/categories', 'post')).toMatchObject({
      properties: { root: { $ref: '#/components/schemas/Schema1' } },
    })
    expect(bodyOf('/categories', 'put')).toEqual(bodyOf('/categories', 'post'))
    expect(doc.components.schemas.Schema1).toMatchObject({
      properties: { children: { items: { $ref: '#/components/schemas/Schema1' } } },
    })
    expect(bodyOf('/pairs', 'post')).toMatchObject({
      properties: {
        a: { $ref: '#/components/schemas/User' },
        b: { $ref: '#/components/schemas/User' },
      },
    })
    expect(doc.components.schemas.User).toMatchObject({ properties: { id: { format: 'uuid' } } })
    expect(bodyOf('/users', 'post')).toEqual({ $ref: '#/components/schemas/User' })
    expect(operation(doc, '/users/{id}', 'get').parameters).toEqual([
      { in: 'path', name: 'id', required: true, schema: { type: 'string', format: 'uuid' } },
    ])
    expect((await new Validator().validate(doc as unknown as Record<string, unknown>)).valid).toBe(
      true,
    )
  })

  it('leaves out excluded routes, by name (with a resource PUT twin) or by predicate', async () => {
    const byName = track(
      createApp({
        routes,
        plugins: [openapi({ ui: false, exclude: ['secret.stats', 'posts.update'] })],
      }),
    )
    const names = await documentOf(byName)
    expect(names.paths['/secret/stats']).toBeUndefined()
    expect(Object.keys(names.paths['/posts/{id}'] ?? {})).toEqual(['get'])

    const byPredicate = track(
      createApp({
        routes,
        plugins: [openapi({ ui: false, exclude: (route) => route.path.startsWith('/internal/') })],
      }),
    )
    const kept = await documentOf(byPredicate)
    expect(kept.paths['/internal/{key}']).toBeUndefined()
    expect(kept.paths['/secret/stats']).toBeDefined()
  })

  it('documents several apps with their prefixes and tags, titled "Mega API"', async () => {
    const api = new MegaApp({ name: 'api', prefix: '/api', routes })
    const admin = new MegaApp({
      name: 'admin',
      prefix: '/admin',
      routes: defineRoutes((r) => r.get('/users/:id', { name: 'admin.users.show' }, () => null)),
    })
    const server = track(new MegaServer({ apps: [api, admin], plugins: [openapi({ ui: false })] }))
    const doc = await documentOf(server)
    expect(doc.info.title).toBe('Mega API')
    expect(operation(doc, '/api/posts/{id}', 'get').tags).toEqual(['api'])
    expect(operation(doc, '/admin/users/{id}', 'get')).toMatchObject({
      operationId: 'admin.users.show',
      tags: ['admin'],
      parameters: [{ in: 'path', name: 'id', required: true }],
    })
  })

  it('hides health, metrics and its own routes in a booted app', async () => {
    const app = await createTestApp({
      config: { metrics: { enabled: true }, plugins: [openapi({ path: '/spec.json' })] },
      apps: { main: { routes } },
    })
    const doc = (await app.inject('/spec.json')).json<Document>()
    expect((await app.inject('/health/live')).statusCode).toBe(200)
    expect((await app.inject('/metrics')).statusCode).toBe(200)
    expect((await app.inject('/spec.yaml')).statusCode).toBe(200)
    const paths = Object.keys(doc.paths)
    expect(paths).toContain('/posts')
    expect(paths.filter((p) => /health|metrics|spec|docs|openapi/.test(p))).toEqual([])
    expect(doc.info.title).toBe('Mega API')
  })

  it('serves the docs UI as HTML at /docs, or nothing with ui: false', async () => {
    const withUi = track(createApp({ routes, plugins: [openapi()] }))
    const page = await withUi.inject('/docs')
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.body).toContain('swagger-ui')
    expect((await withUi.inject('/docs/json')).json<Document>().openapi).toBe('3.1.0')
    expect(Object.keys((await documentOf(withUi)).paths).some((p) => p.startsWith('/docs'))).toBe(
      false,
    )

    const url = await withUi.listen()
    const overSocket = await fetch(`${url}/openapi.json`)
    expect(overSocket.status).toBe(200)
    expect(((await overSocket.json()) as Document).paths['/posts/{id}']).toBeDefined()
    const css = await fetch(`${url}/docs/static/swagger-ui.css`)
    expect([css.status, (await css.text()).length > 1000]).toEqual([200, true])

    const custom = track(createApp({ routes, plugins: [openapi({ ui: '/reference' })] }))
    expect((await custom.inject('/reference')).statusCode).toBe(200)
    expect((await custom.inject('/docs')).statusCode).toBe(404)

    const without = track(createApp({ routes, plugins: [openapi({ ui: false })] }))
    expect((await without.inject('/docs')).statusCode).toBe(404)
    expect((await without.inject('/openapi.json')).statusCode).toBe(200)
  })

  it('fails at setup with the install command when the UI package is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@fastify/swagger-ui'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    })
    const importer = (specifier: string) =>
      specifier === '@fastify/swagger-ui' ? Promise.reject(missing) : import(specifier)
    const server = track(createApp({ routes, plugins: [openapi({ importer })] }))
    const err = await server.ready().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(MegaError.is(err) && err.code).toBe('MEGA_PLUGIN_FAILED')
    const cause = (err as MegaError).cause
    expect(MegaError.is(cause) && cause.code).toBe('MEGA_OPENAPI_UI_NOT_INSTALLED')
    expect((cause as MegaError).message).toBe(
      'The docs UI at /docs needs @fastify/swagger-ui: run "pnpm add @fastify/swagger-ui", or pass ui: false to openapi().',
    )
    expect(CORE_ERROR_CODES).toContain('MEGA_OPENAPI_UI_NOT_INSTALLED')

    const withoutUi = track(createApp({ routes, plugins: [openapi({ importer, ui: false })] }))
    expect((await withoutUi.inject('/openapi.json')).statusCode).toBe(200)
  })

  it('rethrows other import failures as they are', async () => {
    const broken = new Error('boom')
    const server = track(
      createApp({ routes, plugins: [openapi({ importer: () => Promise.reject(broken) })] }),
    )
    const err = await server.ready().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect((err as MegaError).cause).toBe(broken)
  })

  it('validates its options at once, listing every problem', () => {
    const attempt = (options: unknown) => {
      try {
        openapi(options as OpenApiOptions)
      } catch (err) {
        return err
      }
      return undefined
    }
    const err = attempt({
      path: 'openapi.json',
      ui: true,
      info: { title: '', version: 1 },
      servers: [{}],
      exclude: 'posts.index',
      colour: 'blue',
    })
    expect(MegaError.is(err) && err.code).toBe('MEGA_CONFIG_INVALID')
    expect((err as MegaError).issues?.map((i) => i.path).sort()).toEqual([
      'openapi options',
      'openapi options.exclude',
      'openapi options.info.title',
      'openapi options.info.version',
      'openapi options.path',
      'openapi options.servers[0].url',
      'openapi options.ui',
    ])
    expect((attempt({ path: '/docs/json' }) as MegaError).issues).toEqual([
      {
        path: 'openapi options.path',
        message: 'must not be the docs UI path or under it: move one of them',
      },
    ])
    expect((attempt({ path: '/x/' }) as MegaError).issues?.[0]?.message).toBe(
      'must not end with "/"',
    )
    expect(attempt({ path: '/docs/json', ui: false })).toBeUndefined()
    expect(attempt(undefined)).toBeUndefined()
    expect((attempt('yes') as MegaError).code).toBe('MEGA_CONFIG_INVALID')
  })
})

describe('openapi() security', () => {
  const requireUser = () => ({ id: 1 })
  const secured = defineRoutes((r) => {
    r.get('/public', () => 'open')
    r.group({ prefix: '/boards', before: [securedBy('bearer', requireUser)] }, (g) => {
      g.get('/', { name: 'boards.index' }, () => [])
      g.post(
        '/:id/archive',
        {
          name: 'boards.archive',
          before: [securedBy({ oauth: ['boards:write'] }, () => undefined)],
        },
        () => null,
      )
    })
  })

  it('refuses to start when a route names a scheme openapi() does not declare', async () => {
    const server = track(createApp({ routes: secured, plugins: [openapi({ ui: false })] }))
    const err = await server.ready().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(MegaError.is(err, 'MEGA_OPENAPI_SCHEME_UNKNOWN')).toBe(true)
    expect((err as MegaError).message).toContain('POST /boards/:id/archive uses "oauth"')
  })

  it('passes securitySchemes through, and the validator accepts the document', async () => {
    const server = track(
      createApp({
        routes: secured,
        plugins: [
          openapi({
            ui: false,
            securitySchemes: {
              oauth: {
                type: 'oauth2',
                flows: {
                  clientCredentials: {
                    tokenUrl: 'https://auth.example.com/token',
                    scopes: { 'boards:write': 'change boards' },
                  },
                },
              },
            },
          }),
        ],
      }),
    )
    expect((await server.inject('/boards')).statusCode).toBe(200) // the wrapped hook runs
    const doc = (await documentOf(server)) as Document & {
      components: { securitySchemes?: Record<string, unknown> }
    }
    expect(doc.components.securitySchemes).toEqual({
      oauth: expect.objectContaining({ type: 'oauth2' }),
      bearer: { type: 'http', scheme: 'bearer' },
    })
    const security = (path: string, method: string) =>
      (operation(doc, path, method) as Operation & { security?: unknown }).security
    expect(security('/public', 'get')).toBeUndefined()
    expect(security('/boards', 'get')).toEqual([{ bearer: [] }])
    expect(security('/boards/{id}/archive', 'post')).toEqual([
      { bearer: [], oauth: ['boards:write'] },
    ])
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>)
    expect(result.errors).toBeUndefined()
    expect(result.valid).toBe(true)
  })

  it('emits declared schemes even when no route uses them, and none by default', async () => {
    const plain = track(createApp({ routes, plugins: [openapi({ ui: false })] }))
    expect((await documentOf(plain)).components).not.toHaveProperty('securitySchemes')
    const declared = track(
      createApp({
        routes,
        plugins: [
          openapi({
            ui: false,
            securitySchemes: { apiKey: { type: 'apiKey', name: 'x-api-key', in: 'header' } },
          }),
        ],
      }),
    )
    expect((await documentOf(declared)).components).toMatchObject({
      securitySchemes: { apiKey: { type: 'apiKey', name: 'x-api-key', in: 'header' } },
    })
  })

  it('validates securitySchemes and securedBy requirements', () => {
    let error: unknown
    try {
      openapi({
        securitySchemes: {
          'bad name': { type: 'http', scheme: 'bearer' },
          key: { type: 'apiKey', name: 'k', in: 'body' },
          weird: { type: 'magic' },
        } as unknown as OpenApiOptions['securitySchemes'],
      })
    } catch (err) {
      error = err
    }
    expect((error as MegaError).issues?.map((i) => i.path).sort()).toEqual([
      'openapi options.securitySchemes.bad name',
      'openapi options.securitySchemes.key.in',
      'openapi options.securitySchemes.weird.type',
    ])
    expect(() => securedBy('has space', () => undefined)).toThrow(/securedBy.requirement/)
    expect(() => securedBy({ bearer: 'x' } as never, () => undefined)).toThrow(MegaError)
    expect(() => securedBy('bearer', 'requireUser' as never)).toThrow(/securedBy.hook/)
  })
})
