import { describe, expect, it } from 'vitest'
import { bootApp } from './helpers/crud-app.js'

interface OpenApiDocument {
  info: { title: string; version: string }
  paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>>
}

describe('OpenAPI', () => {
  it('documents the routes at /openapi.json and serves the docs UI at /docs', async () => {
    const app = await bootApp()
    const res = await app.inject('/openapi.json')
    expect(res.statusCode).toBe(200)
    const doc = res.json<OpenApiDocument>()
    expect(doc.info).toEqual({ title: 'Mega CRUD example', version: '0.1.0' })
    expect(doc.paths['/auth/login']?.post).toMatchObject({
      operationId: 'auth.login',
      tags: ['main'],
    })
    expect(doc.paths['/boards/{id}']?.get).toBeDefined()
    expect(Object.keys(doc.paths).filter((p) => /health|metrics/.test(p))).toEqual([])
    const docs = await app.inject('/docs')
    expect([docs.statusCode, docs.headers['content-type']]).toEqual([
      200,
      'text/html; charset=utf-8',
    ])
  })
})
