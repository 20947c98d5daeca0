import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MegaError } from '@mega/observe'
import { createApp, defineRoutes, forms, type FormsOptions, type MegaServer } from '../src/index.js'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()

const Signup = z.object({
  email: z.email(),
  age: z.number().int().min(13),
  newsletter: z.boolean().default(false),
  tags: z.array(z.string()).default([]),
})

const routes = defineRoutes((r) => {
  r.post('/signup', { schema: { body: Signup } }, (ctx) => ({
    body: ctx.body,
    types: [typeof ctx.body.age, typeof ctx.body.newsletter],
  }))
})

interface Failure {
  readonly error: { readonly code: string; readonly details: readonly { readonly path: string }[] }
}
function issuePaths(res: { json(): unknown }): string[] {
  return (res.json() as Failure).error.details.map((i) => i.path).sort()
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

describe('forms', () => {
  it('an HTML form POST reaches the handler with typed fields', async () => {
    const server = track(createApp({ routes, plugins: [forms()] }))
    const res = await server.inject({
      method: 'POST',
      url: '/signup',
      headers: FORM,
      payload: 'email=ada%40example.com&age=36&newsletter=true&tags=a&tags=b',
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().data).toEqual({
      body: { email: 'ada@example.com', age: 36, newsletter: true, tags: ['a', 'b'] },
      types: ['number', 'boolean'],
    })
    const one = await server.inject({
      method: 'POST',
      url: '/signup',
      headers: FORM,
      payload: 'email=b%40example.com&age=20&tags=solo',
    })
    expect(one.json().data.body).toEqual({
      email: 'b@example.com',
      age: 20,
      newsletter: false,
      tags: ['solo'],
    })
  })

  it('bad input is a 422 listing the fields', async () => {
    const server = track(createApp({ routes, plugins: [forms()] }))
    const res = await server.inject({
      method: 'POST',
      url: '/signup',
      headers: FORM,
      payload: 'email=nope&age=ten&newsletter=maybe',
    })
    expect(res.statusCode).toBe(422)
    expect(res.json().error.code).toBe('MEGA_VALIDATION_FAILED')
    expect(issuePaths(res)).toEqual(['body.age', 'body.email', 'body.newsletter'])
  })

  it('works over a real socket with URLSearchParams, and honours bodyLimit', async () => {
    const server = track(createApp({ routes, plugins: [forms({ bodyLimit: 100 })] }))
    const url = await server.listen()
    const body = new URLSearchParams({ email: 'c@example.com', age: '40' })
    const res = await fetch(`${url}/signup`, { method: 'POST', body })
    expect(((await res.json()) as { data: { body: { age: number } } }).data.body.age).toBe(40)
    const big = new URLSearchParams({ email: 'c@example.com', age: '40', pad: 'x'.repeat(200) })
    const tooBig = await fetch(`${url}/signup`, { method: 'POST', body: big })
    expect(tooBig.status).toBe(413)
    expect(((await tooBig.json()) as Failure).error.code).toBe('MEGA_PAYLOAD_TOO_LARGE')
  })

  it('without the plugin a form is 415', async () => {
    const server = track(createApp({ routes }))
    const res = await server.inject({
      method: 'POST',
      url: '/signup',
      headers: FORM,
      payload: 'a=1',
    })
    expect([res.statusCode, res.json().error.code]).toEqual([415, 'MEGA_UNSUPPORTED_MEDIA_TYPE'])
  })

  it('validates its options at once', () => {
    expect(() => forms({ bodyLimit: 0 })).toThrow(MegaError)
    expect(() => forms({ parser: () => ({}) } as unknown as FormsOptions)).toThrow(/forms options/)
    let error: unknown
    try {
      forms({ prefix: ['web', '/docs/'], routes: [] })
    } catch (err) {
      error = err
    }
    expect((error as MegaError).issues?.map((i) => i.path).sort()).toEqual([
      'forms options.prefix[0]',
      'forms options.prefix[1]',
      'forms options.routes',
    ])
  })

  describe('scoped with prefix or routes', () => {
    const Contact = z.object({ email: z.email() }) // text only: no coercion involved
    const scoped = defineRoutes((r) => {
      r.post('/signup', { schema: { body: Contact } }, (ctx) => ctx.body.email)
      r.post('/website/signup', { schema: { body: Contact } }, (ctx) => ctx.body.email)
      r.post('/web/signup', { schema: { body: Contact } }, (ctx) => ctx.body.email)
      r.post('/web/users/:id', { schema: { body: Contact } }, (ctx) => ctx.body.email)
      r.post(
        '/contact',
        { name: 'contact.send', schema: { body: Contact } },
        (ctx) => ctx.body.email,
      )
    })
    const form = (server: MegaServer, url: string) =>
      server.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'Application/X-WWW-Form-Urlencoded; charset=utf-8' },
        payload: 'email=ada%40example.com',
      })

    it('takes form posts only under the prefixes and on the named routes; elsewhere 415', async () => {
      const server = track(
        createApp({
          routes: scoped,
          plugins: [forms({ prefix: ['/web', '/admin'], routes: ['contact.send'] })],
        }),
      )
      for (const url of ['/web/signup', '/web/users/7', '/contact'])
        expect((await form(server, url)).statusCode, url).toBe(200)
      for (const url of ['/signup', '/website/signup']) {
        const res = await form(server, url)
        expect([res.statusCode, res.json().error.code], url).toEqual([
          415,
          'MEGA_UNSUPPORTED_MEDIA_TYPE',
        ])
        expect(res.json().error.message).toContain('/web, /admin, route contact.send')
      }
      const json = await server.inject({
        method: 'POST',
        url: '/signup',
        payload: { email: 'ada@example.com' },
      })
      expect(json.statusCode).toBe(200) // JSON is untouched
      expect((await form(server, '/nowhere')).statusCode).toBe(404)
    })

    it('applies the prefix to the full path, app prefix included', async () => {
      const server = track(
        createApp({ prefix: '/web', routes: scoped, plugins: [forms({ prefix: '/web' })] }),
      )
      expect((await form(server, '/web/signup')).statusCode).toBe(200)
    })
  })
})
