import { describe, expect, it } from 'vitest'
import { createTestApp } from '@mega/core/testing'

const root = new URL('..', import.meta.url).pathname

describe('examples/simple', () => {
  it('creates, lists and shows notes', async () => {
    const app = await createTestApp({ root })
    const created = await app.inject({
      method: 'POST',
      url: '/notes',
      payload: { text: 'buy milk' },
    })
    expect(created.statusCode).toBe(201)
    expect(created.json()).toEqual({ ok: true, data: { id: 1, text: 'buy milk' } })
    expect((await app.inject('/notes')).json().data).toEqual([{ id: 1, text: 'buy milk' }])
    expect((await app.inject('/notes/1')).json().data.text).toBe('buy milk')
  })

  it('answers bad input with clear errors', async () => {
    const app = await createTestApp({ root })
    expect((await app.inject('/notes/99')).json().error.code).toBe('MEGA_NOT_FOUND')
    expect(
      (await app.inject({ method: 'POST', url: '/notes', payload: { text: '' } })).statusCode,
    ).toBe(422)
  })

  it('serves health and metrics', async () => {
    const app = await createTestApp({ root })
    const url = await app.url()
    expect((await fetch(`${url}/health/ready`)).status).toBe(200)
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('target_info')
  })
})
