import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createApp, defineRoutes, forms as formsPlugin, type MegaServer } from '../src/index.js'
import { trackServers } from './helpers/track-servers.js'
import { megaValidators } from '../src/http/ajv-validators.js'
import { needsRuntimeZod, toJsonSchema } from '../src/router/zod-json-schema.js'

/** One zod string format: a value zod accepts (and what zod makes of it), values zod rejects. */
interface FormatCase {
  readonly name: string
  readonly schema: z.ZodType
  readonly good: string
  readonly bad: readonly string[]
}

const track = trackServers()

// Every zod 4 string format, each with values Ajv's own formats (or no check at all) let through.
const FORMATS: readonly FormatCase[] = [
  {
    name: 'z.email()',
    schema: z.email(),
    good: 'ada@example.com',
    bad: ['a!b@example.com', 'ada@example'],
  },
  {
    name: 'z.email({ pattern })',
    schema: z.email({ pattern: /^[a-z]+@corp\.com$/ }),
    good: 'ada@corp.com',
    bad: ['ada@example.com'],
  },
  { name: 'z.url()', schema: z.url(), good: ' https://example.com/a ', bad: ['not a url'] },
  {
    name: 'z.url({ protocol })',
    schema: z.url({ protocol: /^https?$/ }),
    good: 'https://example.com',
    bad: ['javascript:alert(1)', 'ftp://example.com/x'],
  },
  {
    name: 'z.url({ hostname })',
    schema: z.url({ hostname: /^example\.com$/ }),
    good: 'https://example.com/x',
    bad: ['https://evil.test/'],
  },
  {
    name: 'z.httpUrl()',
    schema: z.httpUrl(),
    good: 'http://example.com',
    bad: ['javascript:alert(1)', 'ftp://example.com', 'http:example.com'],
  },
  {
    name: 'z.uuid()',
    schema: z.uuid(),
    good: '9f1c3c1e-2b7a-4c8e-9d3f-1a2b3c4d5e6f',
    bad: ['urn:uuid:9f1c3c1e-2b7a-4c8e-9d3f-1a2b3c4d5e6f', '9f1c3c1e-2b7a-0c8e-9d3f-1a2b3c4d5e6f'],
  },
  {
    name: 'z.uuidv4()',
    schema: z.uuidv4(),
    good: '9f1c3c1e-2b7a-4c8e-9d3f-1a2b3c4d5e6f',
    bad: ['9f1c3c1e-2b7a-7c8e-9d3f-1a2b3c4d5e6f'],
  },
  {
    name: 'z.uuidv6()',
    schema: z.uuidv6(),
    good: '1ec9414c-232a-6b00-b3c8-9e6bdeced846',
    bad: ['9f1c3c1e-2b7a-4c8e-9d3f-1a2b3c4d5e6f'],
  },
  {
    name: 'z.uuidv7()',
    schema: z.uuidv7(),
    good: '017f22e2-79b0-7cc3-98c4-dc0c0c07398f',
    bad: ['9f1c3c1e-2b7a-4c8e-9d3f-1a2b3c4d5e6f'],
  },
  {
    name: 'z.guid()',
    schema: z.guid(),
    good: '9f1c3c1e-2b7a-0c8e-0d3f-1a2b3c4d5e6f',
    bad: ['9f1c3c1e2b7a0c8e0d3f1a2b3c4d5e6f'],
  },
  { name: 'z.ipv4()', schema: z.ipv4(), good: '192.168.0.1', bad: ['256.1.1.1', '01.2.3.4'] },
  { name: 'z.ipv6()', schema: z.ipv6(), good: '::1', bad: ['::@1\\', '1::2::3'] },
  { name: 'z.cidrv4()', schema: z.cidrv4(), good: '10.0.0.0/8', bad: ['10.0.0.0/33'] },
  { name: 'z.cidrv6()', schema: z.cidrv6(), good: '2001:db8::/32', bad: ['2001:db8::/129'] },
  { name: 'z.mac()', schema: z.mac(), good: '00:1a:2b:3c:4d:5e', bad: ['00:1a:2b:3c:4d'] },
  { name: 'z.base64()', schema: z.base64(), good: 'aGVsbG8=', bad: ['aGVsbG8', 'a b='] },
  { name: 'z.base64url()', schema: z.base64url(), good: 'aGVsbG8', bad: ['aGVsbG8='] },
  { name: 'z.hex()', schema: z.hex(), good: 'deadBEEF', bad: ['xyz'] },
  {
    name: 'z.jwt()',
    schema: z.jwt(),
    good: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2ln',
    bad: ['a.b.c'],
  },
  { name: 'z.e164()', schema: z.e164(), good: '+14155552671', bad: ['4155552671'] },
  { name: 'z.emoji()', schema: z.emoji(), good: '😀', bad: ['a'] },
  { name: 'z.nanoid()', schema: z.nanoid(), good: 'V1StGXR8_Z5jdHi6B-myT', bad: ['short'] },
  { name: 'z.cuid()', schema: z.cuid(), good: 'cjld2cjxh0000qzrmn831i7rn', bad: ['xjld2cjxh0'] },
  { name: 'z.cuid2()', schema: z.cuid2(), good: 'tz4a98xxat96iws9zmbrgj3a', bad: ['Tz4A98'] },
  {
    name: 'z.ulid()',
    schema: z.ulid(),
    good: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    bad: ['01ARZ3NDEKTSV4RRFFQ69G5FAVX'],
  },
  {
    name: 'z.ksuid()',
    schema: z.ksuid(),
    good: '0ujtsYcgvSTl8PAuAdqWYSMnLOv',
    bad: ['0ujtsYcgvSTl8PAuAdqWYSMnLO'],
  },
  { name: 'z.xid()', schema: z.xid(), good: '9m4e2mr0ui3e8a215n4g', bad: ['9m4e2mr0ui3e8a215n4'] },
  {
    name: 'z.hostname()',
    schema: z.hostname(),
    good: 'api.example.com',
    bad: ['-bad-.example.com'],
  },
  {
    name: "z.hash('sha256')",
    schema: z.hash('sha256'),
    good: 'a'.repeat(64),
    bad: ['a'.repeat(63)],
  },
  { name: 'z.iso.date()', schema: z.iso.date(), good: '2024-02-29', bad: ['2023-02-29'] },
  { name: 'z.iso.time()', schema: z.iso.time(), good: '12:30:00', bad: ['24:00:00'] },
  {
    name: 'z.iso.time({ precision: 0 })',
    schema: z.iso.time({ precision: 0 }),
    good: '12:30:00',
    bad: ['12:30', '12:30:00.5'],
  },
  {
    name: 'z.iso.datetime()',
    schema: z.iso.datetime(),
    good: '2024-01-01T00:00:00Z',
    bad: ['2024-01-01T00:00:00+02:00'],
  },
  {
    name: 'z.iso.datetime({ offset: true })',
    schema: z.iso.datetime({ offset: true }),
    good: '2024-01-01T00:00:00+02:00',
    bad: ['2024-01-01T00:00:00+2'],
  },
  {
    name: 'z.iso.datetime({ local: true })',
    schema: z.iso.datetime({ local: true }),
    good: '2024-01-01T00:00:00',
    bad: ['2024-01-01T00:00:00+02:00'],
  },
  {
    name: 'z.iso.datetime({ precision: 3 })',
    schema: z.iso.datetime({ precision: 3 }),
    good: '2024-01-01T00:00:00.123Z',
    bad: ['2024-01-01T00:00:00Z'],
  },
  { name: 'z.iso.duration()', schema: z.iso.duration(), good: 'P3Y6M4DT12H30M5S', bad: ['P'] },
  {
    name: 'z.string().regex(/…/i)',
    schema: z.string().regex(/^abc$/i),
    good: 'ABC',
    bad: ['abd'],
  },
  {
    name: "z.string().includes('x', { position: 2 })",
    schema: z.string().includes('x', { position: 2 }),
    good: 'a\nbx',
    bad: ['xab'],
  },
  {
    name: 'z.string().startsWith().endsWith()',
    schema: z.string().startsWith('a').endsWith('z'),
    good: 'abcz',
    bad: ['bz', 'ab'],
  },
  { name: 'z.string().lowercase()', schema: z.string().lowercase(), good: 'abc', bad: ['aBc'] },
]

const server: MegaServer = createApp({
  production: true,
  routes: defineRoutes((r) => {
    FORMATS.forEach((f, i) => {
      r.post(`/body/${i}`, { schema: { body: z.object({ v: f.schema }) } }, (ctx) => ctx.body)
      r.get(`/query/${i}`, { schema: { query: z.object({ v: f.schema }) } }, (ctx) => ctx.query)
    })
  }),
})
afterAll(() => server.close())

describe('validation: what a handler receives satisfies the zod schema exactly', () => {
  it('the table agrees with zod (each good value passes, each bad value fails)', () => {
    for (const f of FORMATS) {
      expect(f.schema.safeParse(f.good).success, f.name).toBe(true)
      for (const bad of f.bad)
        expect(f.schema.safeParse(bad).success, `${f.name} ${bad}`).toBe(false)
    }
  })

  it.each(FORMATS.map((f, i) => [f.name, i] as const))(
    '%s: zod accepts → the handler gets zod’s output; zod rejects → 422',
    async (_name, i) => {
      const f = FORMATS[i]!
      const good = await server.inject({
        method: 'POST',
        url: `/body/${i}`,
        payload: { v: f.good },
      })
      expect(good.statusCode, good.body).toBe(200)
      expect(good.json().data).toEqual({ v: f.schema.parse(f.good) })
      for (const bad of f.bad) {
        const res = await server.inject({ method: 'POST', url: `/body/${i}`, payload: { v: bad } })
        expect(res.statusCode, `${f.name} accepted ${JSON.stringify(bad)}`).toBe(422)
        expect(res.json().error.details).toEqual([{ path: 'body.v', message: expect.any(String) }])
      }
      const query = await server.inject({ url: `/query/${i}`, query: { v: f.bad[0]! } })
      expect(query.statusCode, `${f.name} accepted ${f.bad[0]} in the query`).toBe(422)
      const queryGood = await server.inject({ url: `/query/${i}`, query: { v: f.good } })
      expect(queryGood.json().data).toEqual({ v: f.schema.parse(f.good) })
    },
  )

  it('words a format checked by its pattern as the format, without the regex', async () => {
    const i = FORMATS.findIndex((f) => f.name === 'z.email()')
    const res = await server.inject({
      method: 'POST',
      url: `/body/${i}`,
      payload: { v: 'a!b@x.io' },
    })
    expect(res.json().error.details).toEqual([
      { path: 'body.v', message: 'must match format "email"' },
    ])
  })

  it('leaves pattern-only formats to Ajv and the others to zod at run time', () => {
    expect(needsRuntimeZod(z.object({ a: z.email(), b: z.uuid(), c: z.iso.datetime() }))).toBe(
      false,
    )
    for (const s of [z.url(), z.httpUrl(), z.jwt(), z.ipv6(), z.base64(), z.emoji()])
      expect(needsRuntimeZod(z.object({ s }))).toBe(true)
    expect(needsRuntimeZod(z.string().regex(/a/i))).toBe(true)
    expect(needsRuntimeZod(z.string().regex(/a/))).toBe(false)
    // No format reaches Ajv; a kept pattern is zod's own.
    expect(toJsonSchema(z.object({ a: z.ulid() }), 'input')).toEqual({
      type: 'object',
      properties: { a: { type: 'string', pattern: z.ulid()._zod.def.pattern!.source } },
      required: ['a'],
      additionalProperties: false,
    })
  })

  it('keeps defaults and property names that look like keywords', () => {
    const json = toJsonSchema(
      z.object({
        format: z.string(),
        paper: z.object({ format: z.string() }).default({ format: 'a4' }),
      }),
      'input',
    )
    expect(json).toMatchObject({
      properties: { format: { type: 'string' }, paper: { default: { format: 'a4' } } },
    })
  })
})

describe('validation: a JSON body is never coerced', () => {
  const app = createApp({
    routes: defineRoutes((r) => {
      r.post(
        '/boards',
        { schema: { body: z.object({ title: z.string(), n: z.number().optional() }) } },
        (ctx) => ctx.body,
      )
      r.post(
        '/coerced',
        { schema: { body: z.object({ n: z.coerce.number().int(), s: z.coerce.string().min(2) }) } },
        (ctx) => ctx.body,
      )
      r.get(
        '/items/:id',
        { schema: { params: z.object({ id: z.number() }), query: z.object({ page: z.number() }) } },
        (ctx) => ({ id: ctx.params.id, page: ctx.query.page }),
      )
    }),
  })
  afterAll(() => app.close())

  it.each([12345, true, ['from array'], 1e21, null])(
    'a string field refuses %j (422)',
    async (title) => {
      const res = await app.inject({ method: 'POST', url: '/boards', payload: { title } })
      expect(res.statusCode).toBe(422)
      expect(res.json().error.details[0].path).toBe('body.title')
    },
  )

  it('a number field refuses a numeric string', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/boards',
      payload: { title: 'a', n: '5' },
    })
    expect(res.statusCode).toBe(422)
  })

  it('a body field the schema coerces (z.coerce.*) is coerced by zod, as zod would', async () => {
    const res = await app.inject({ method: 'POST', url: '/coerced', payload: { n: '5', s: 12 } })
    expect(res.json()).toEqual({ ok: true, data: { n: 5, s: '12' } })
    const bad = await app.inject({ method: 'POST', url: '/coerced', payload: { n: 'x', s: 1 } })
    const issues = bad.json<{ error: { details: { path: string }[] } }>().error.details
    expect(issues.map((d) => d.path).sort()).toEqual(['body.n', 'body.s'])
  })

  it('a form post (its fields are strings) is coerced, the same body as JSON is not', async () => {
    const forms = track(
      createApp({
        plugins: [formsPlugin()],
        routes: defineRoutes((r) =>
          r.post('/n', { schema: { body: z.object({ n: z.number() }) } }, (ctx) => ctx.body),
        ),
      }),
    )
    const form = await forms.inject({
      method: 'POST',
      url: '/n',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'n=5',
    })
    expect(form.json()).toEqual({ ok: true, data: { n: 5 } })
    const json = await forms.inject({ method: 'POST', url: '/n', payload: { n: '5' } })
    expect(json.statusCode).toBe(422)
  })

  it('params and query still arrive as strings and are coerced', async () => {
    const res = await app.inject('/items/7?page=2')
    expect(res.json()).toEqual({ ok: true, data: { id: 7, page: 2 } })
  })
})

function nested(depth: number, leaf = '1'): string {
  return '['.repeat(depth) + leaf + ']'.repeat(depth)
}

describe('validation: deeply nested JSON', () => {
  const routes = defineRoutes((r) => {
    r.post('/logs', { schema: { body: z.object({ meta: z.json() }) } }, () => 'stored')
    r.post('/raw', (ctx) => ({ got: typeof ctx.body }))
    r.post(
      '/overflow',
      {
        schema: {
          body: z.object({
            v: z.string().refine(() => {
              throw new RangeError('Maximum call stack size exceeded')
            }),
          }),
        },
      },
      () => 'never',
    )
  })
  const app = createApp({ routes, production: true })
  const shallow = createApp({ routes, maxJsonDepth: 3 })
  afterAll(async () => {
    await app.close()
    await shallow.close()
  })

  function post(server: MegaServer, url: string, payload: string) {
    return server.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload,
    })
  }

  it('answers 2000 levels with 400 MEGA_INVALID_JSON, not a 500', async () => {
    const res = await post(app, '/logs', `{"meta":${nested(2000)}}`)
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({
      code: 'MEGA_INVALID_JSON',
      message: expect.stringContaining('64 levels'),
    })
  })

  it('accepts 64 levels (the default cap) and refuses 65', async () => {
    expect((await post(app, '/logs', `{"meta":${nested(63)}}`)).statusCode).toBe(200)
    expect((await post(app, '/logs', `{"meta":${nested(64)}}`)).statusCode).toBe(400)
  })

  it('takes its cap from maxJsonDepth and ignores brackets inside strings', async () => {
    expect((await post(shallow, '/raw', nested(3))).statusCode).toBe(200)
    expect((await post(shallow, '/raw', nested(4))).statusCode).toBe(400)
    expect((await post(shallow, '/raw', `{"a":"${'[{'.repeat(50)}\\""}`)).statusCode).toBe(200)
  })

  it('keeps the prototype-poisoning guard of Fastify’s parser', async () => {
    const res = await post(app, '/raw', '{"__proto__":{"admin":true}}')
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('MEGA_INVALID_JSON')
  })

  it('answers a RangeError thrown while validating with 422, not 500', async () => {
    const res = await post(app, '/overflow', '{"v":"x"}')
    expect(res.statusCode).toBe(422)
    expect(res.json().error.details).toEqual([{ path: 'body', message: expect.any(String) }])
  })

  it('refuses a cap outside 1–1024 at construction', () => {
    expect(() => createApp({ routes, maxJsonDepth: 0 })).toThrow(/maxJsonDepth/)
    expect(() => createApp({ routes, maxJsonDepth: 5000 })).toThrow(/1024/)
  })

  it('turns a stack overflow inside a compiled validator into a validation failure', () => {
    const compile = megaValidators()({}, {}) as unknown as (def: object) => {
      (data: unknown): boolean
      errors?: { message?: string }[] | null
    }
    const validate = compile({
      schema: {
        $ref: '#/definitions/n',
        definitions: { n: { type: 'array', items: { $ref: '#/definitions/n' } } },
      },
      method: 'POST',
      url: '/x',
      httpPart: 'body',
    })
    let deep: unknown[] = []
    for (let i = 0; i < 200_000; i++) deep = [deep]
    expect(validate(deep)).toBe(false)
    expect(validate.errors?.[0]?.message).toMatch(/nested too deeply/)
    expect(validate([[]])).toBe(true)
  })
})

describe('one 422 lists every field at fault', () => {
  it('adds the issues zod finds to those of the compiled validator (a URL left to zod, a length Ajv checks)', async () => {
    const Link = z.object({ title: z.string().min(3), link: z.httpUrl() })
    const routes = defineRoutes((r) => {
      r.post('/links', { schema: { body: Link } }, (ctx) => ctx.body)
    })
    const server = track(createApp({ routes }))
    const res = await server.inject({
      method: 'POST',
      url: '/links',
      payload: { title: 'x', link: 'javascript:alert(1)' },
    })
    expect(res.statusCode).toBe(422)
    const issues = res.json<{ error: { details: { path: string }[] } }>().error.details
    expect(issues.map((i) => i.path).sort()).toEqual(['body.link', 'body.title'])
  })
})
