import { describe, expect{{vitestIt}} } from 'vitest'
{{testAppImports}}

describe('notes routes', () => {
  {{testIt}}('creates and lists notes', async () => {
    const app = await {{testApp}}
    const created = await app.inject({ method: 'POST', url: '/notes', payload: { text: 'hi' } })
    expect(created.statusCode).toBe(201)
    expect((await app.inject('/notes')).json().data).toEqual([{ id: 1, text: 'hi' }])
  })

  {{testIt}}('refuses an empty note', async () => {
    const app = await {{testApp}}
    const res = await app.inject({ method: 'POST', url: '/notes', payload: { text: '' } })
    expect(res.statusCode).toBe(422)
  })
})
