import { describe, expect{{vitestIt}} } from 'vitest'
{{testAppImports}}

describe('{{name}}', () => {
  {{testIt}}('answers its home route', async () => {
    const app = await {{testApp}}
    const res = await app.inject('/')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ ok: true, data: { hello: '{{name}}' } })
  })
})
