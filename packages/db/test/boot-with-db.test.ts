import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { action, defineRoutes, type CacheAdapter } from '@mega/core'
import { createTestApp } from '@mega/core/testing'
import { col, createCrud, defineModel, megaDrivers, type SqlDbAdapter } from '../src/index.js'
import { createModelTable } from './helpers/model-table.js'

const Note = defineModel('notes', { id: col.id(), text: col.string(200) })

const routes = defineRoutes((r) => {
  r.resource('notes', {
    index: action({}, async (ctx) => (await createCrud(Note, ctx.db<SqlDbAdapter>()).list()).items),
    create: action({ schema: { body: z.object({ text: z.string() }) } }, (ctx) =>
      createCrud(Note, ctx.db<SqlDbAdapter>()).create(ctx.body),
    ),
  })
  r.get('/cached', async (ctx) => {
    await ctx.cache<CacheAdapter>().set('k', { v: 1 })
    return ctx.cache<CacheAdapter>().get('k')
  })
})

describe('@mega/db drivers in a booted app', () => {
  it('are found by name through megaDrivers: config lines only, no registration by hand', async () => {
    const dir = (await import('@mega/test-utils')).tempDir
    const cacheDir = await dir()
    const app = await createTestApp({
      config: {
        adapters: {
          db: { driver: 'sqlite', filename: ':memory:' },
          cache: { driver: 'file', dir: cacheDir },
        },
      },
      apps: { main: { routes } },
      importer: (name) =>
        name === '@mega/db' ? Promise.resolve({ megaDrivers }) : Promise.resolve(undefined),
    })
    const db = app.runtime.adapters.get<SqlDbAdapter>('db')
    await createModelTable(db.kysely(), db.dialect, Note)
    expect(
      (await app.inject({ method: 'POST', url: '/notes', payload: { text: 'hi' } })).json(),
    ).toEqual({
      ok: true,
      data: { id: 1, text: 'hi', created_at: expect.any(String), updated_at: expect.any(String) },
    })
    expect((await app.inject('/notes')).json().data).toHaveLength(1)
    expect((await app.inject('/cached')).json()).toEqual({ ok: true, data: { v: 1 } })
    const ready = await app.inject('/health/ready')
    expect(Object.keys(ready.json<{ data: { checks: object } }>().data.checks).sort()).toEqual([
      'adapter:cache',
      'adapter:db',
    ])
  })
})
