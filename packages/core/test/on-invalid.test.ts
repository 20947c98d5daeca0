import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createApp, defineRoutes, forms, ValidationError } from '../src/index.js'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

const Post = z.object({ title: z.string().min(3, 'at least 3 letters'), body: z.string() })

const page = (title: string, fields: Readonly<Record<string, string>>) =>
  `<form><input name="title" value="${title}"><p>${fields.title ?? ''}</p><p>${fields.body ?? ''}</p></form>`

const routes = defineRoutes((r) => {
  // Answers through ctx: the form again, with the messages and what was typed.
  r.post(
    '/posts',
    {
      schema: { body: Post },
      onInvalid: (ctx, { fields }) =>
        ctx.reply
          .code(422)
          .type('text/html')
          .send(page((ctx.body as { title?: string }).title ?? '', fields)),
    },
    (ctx) => ({ saved: ctx.body.title }),
  )
  // Returns a value: sent with 422.
  r.post(
    '/plain',
    { schema: { body: Post }, onInvalid: (_ctx, invalid) => ({ fields: invalid.fields }) },
    (ctx) => ctx.body,
  )
  // A service's validation error thrown by the handler takes the same way.
  r.post('/service', { onInvalid: (_ctx, { fields, issues }) => ({ fields, issues }) }, () => {
    throw new ValidationError([{ path: 'slug', message: 'is taken' }])
  })
  // Gives no answer: the envelope.
  r.post('/none', { schema: { body: Post }, onInvalid: () => undefined }, (ctx) => ctx.body)
  r.post('/json', { schema: { body: Post } }, (ctx) => ctx.body)
})

describe('onInvalid', () => {
  const server = () => track(createApp({ routes, plugins: [forms()] }))

  it('re-renders an HTML form with the messages per field and the typed values', async () => {
    const res = await server().inject({
      method: 'POST',
      url: '/posts',
      headers: FORM,
      payload: 'title=ab',
    })
    expect(res.statusCode).toBe(422)
    expect(res.headers['content-type']).toContain('text/html')
    expect(res.body).toContain('value="ab"')
    expect(res.body).toContain('<p>at least 3 letters</p>')
    expect(res.body).toMatch(/<p>[^<]+<\/p><\/form>/) // body: required
    const ok = await server().inject({
      method: 'POST',
      url: '/posts',
      headers: FORM,
      payload: 'title=abc&body=x',
    })
    expect(ok.json()).toEqual({ ok: true, data: { saved: 'abc' } })
  })

  it('sends a returned value with 422, also for a validation error the handler throws', async () => {
    const plain = await server().inject({ method: 'POST', url: '/plain', payload: { title: 'x' } })
    expect(plain.statusCode).toBe(422)
    expect(Object.keys(plain.json<{ fields: object }>().fields).sort()).toEqual(['body', 'title'])
    const service = await server().inject({ method: 'POST', url: '/service', payload: {} })
    expect(service.statusCode).toBe(422)
    expect(service.json()).toEqual({
      fields: { slug: 'is taken' },
      issues: [{ path: 'slug', message: 'is taken' }],
    })
  })

  it('falls back to the envelope when it gives no answer, and other routes are untouched', async () => {
    for (const url of ['/none', '/json']) {
      const res = await server().inject({ method: 'POST', url, payload: { title: 'x' } })
      expect(res.statusCode).toBe(422)
      expect(res.json()).toMatchObject({ ok: false, error: { code: 'MEGA_VALIDATION_FAILED' } })
    }
  })

  it('must be a function', () => {
    expect(() =>
      defineRoutes((r) => {
        r.post('/x', { onInvalid: 'page' as never }, () => null)
      }),
    ).toThrow(/onInvalid must be a function/)
  })
})
