import { describe, expect, it } from 'vitest'
import { createTestApp } from '@mega/core/testing'

const root = new URL('../..', import.meta.url).pathname

describe('{{name}} routes', () => {
  it('lists and shows {{name}}', async () => {
    const app = await createTestApp({ root })
    const index = app.runtime.server.routes().find((r) => r.name === '{{name}}.index')
    expect(index?.app).toBe('{{app}}')
    const list = await app.inject(index!.path)
    expect(list.statusCode).toBe(200)
    expect(list.json().data).toEqual([{ id: 1, name: 'first {{name}}' }])
    expect((await app.inject(`${index!.path}/1`)).json().data.id).toBe(1)
    expect((await app.inject(`${index!.path}/99`)).statusCode).toBe(404)
  })
})
