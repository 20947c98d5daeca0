import { describe, expect, it } from 'vitest'
import { createTestApp } from '@mega/core/testing'

const root = new URL('..', import.meta.url).pathname

describe('{{name}}', () => {
  it('answers its home route', async () => {
    const app = await createTestApp({ root })
    const res = await app.inject('/')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ ok: true, data: { hello: '{{name}}' } })
  })

  it('creates and lists notes', async () => {
    const app = await createTestApp({ root })
    const created = await app.inject({ method: 'POST', url: '/notes', payload: { text: 'hi' } })
    expect(created.statusCode).toBe(201)
    expect((await app.inject('/notes')).json().data).toEqual([{ id: 1, text: 'hi' }])
  })

  it('refuses an empty note', async () => {
    const app = await createTestApp({ root })
    const res = await app.inject({ method: 'POST', url: '/notes', payload: { text: '' } })
    expect(res.statusCode).toBe(422)
  })
})
