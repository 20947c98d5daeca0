import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { action, defineRoutes, type CacheAdapter, type LockAdapter } from '@mega/core'
import { createTestApp } from '@mega/core/testing'
import { createMetrics } from '@mega/observe'
import {
  disposeAfterTest,
  promtoolCheck,
  requirePromtool,
  requireService,
  serviceUrl,
  uniqueName,
} from '@mega/test-utils'
import { col, createCrud, defineModel, megaDrivers, type SqlDbAdapter } from '../src/index.js'
import { MariaAdapter } from '../src/sql/maria/maria-adapter.js'
import { createModelTable } from './helpers/model-table.js'

const pg = await requireService('postgres')
const redis = await requireService('redis')
const maria = await requireService('maria')
const promtool = requirePromtool()

const Note = defineModel(uniqueName('notes'), { id: col.id(), text: col.string(200) })
const prefix = uniqueName('metrics')

const idParams = z.object({ id: z.coerce.number() })
const textBody = z.object({ text: z.string() })
const notes = (ctx: { db: <T>() => T }) => createCrud(Note, ctx.db<SqlDbAdapter>())

const routes = defineRoutes((r) => {
  r.resource('notes', {
    index: action({}, async (ctx) => (await notes(ctx).list()).items),
    create: action({ schema: { body: textBody } }, (ctx) => notes(ctx).create(ctx.body)),
    update: action({ schema: { params: idParams, body: textBody } }, (ctx) =>
      notes(ctx).update(ctx.params.id, ctx.body),
    ),
    destroy: action({ schema: { params: idParams } }, async (ctx) => {
      await notes(ctx).remove(ctx.params.id)
      return { deleted: true }
    }),
  })
  r.get('/cached', async (ctx) => {
    const cache = ctx.cache<CacheAdapter>()
    const before = await cache.get('greeting') // a miss
    await cache.set('greeting', 'hi', { ttlMs: 60_000 })
    return { before: before ?? null, after: await cache.get('greeting') } // then a hit
  })
  r.get('/locked', async (ctx) => {
    const lock = ctx.lock<LockAdapter>()
    const held = await lock.acquire('report', 5000)
    const second = await lock.acquire('report', 5000) // busy
    if (held !== null) await lock.release(held)
    return { held: held !== null, second: second !== null }
  })
})

async function bootCrudApp() {
  const app = await createTestApp({
    config: {
      name: prefix,
      metrics: { enabled: true },
      adapters: {
        db: { driver: 'postgres', url: serviceUrl('postgres') ?? '' },
        cache: { driver: 'redis', url: serviceUrl('redis') ?? '', keyPrefix: prefix },
        lock: { driver: 'redis', url: serviceUrl('redis') ?? '', keyPrefix: prefix },
      },
    },
    apps: { main: { routes } },
    importer: (name) =>
      name === '@mega/db' ? Promise.resolve({ megaDrivers }) : Promise.resolve(undefined),
  })
  const db = app.runtime.adapters.get<SqlDbAdapter>('db')
  await createModelTable(db.kysely(), db.dialect, Note)
  disposeAfterTest(() => sql`drop table if exists ${sql.table(Note.table)}`.execute(db.kysely()))
  return app
}

const sample = (name: string, labels: string) =>
  new RegExp(`^${name}\\{${labels},otel_scope_name="@mega/observe"\\} (\\d+)$`, 'm')

describe.runIf(pg.available && redis.available)('stack metrics on /metrics', () => {
  it('shows query, pool, cache and lock metrics after CRUD requests', async () => {
    const app = await bootCrudApp()
    const created = await app.inject({ method: 'POST', url: '/notes', payload: { text: 'a' } })
    const { id } = created.json<{ data: { id: number } }>().data
    const rest = [
      await app.inject({ method: 'PATCH', url: `/notes/${id}`, payload: { text: 'b' } }),
      await app.inject('/notes'),
      await app.inject({ method: 'DELETE', url: `/notes/${id}` }),
    ]
    expect([created, ...rest].map((r) => r.statusCode)).toEqual([201, 200, 200, 200])
    expect((await app.inject('/cached')).json()).toEqual({
      ok: true,
      data: { before: null, after: 'hi' },
    })
    expect((await app.inject('/locked')).json().data).toEqual({ held: true, second: false })

    const text = (await app.inject('/metrics')).body
    const table = `table="${Note.table}"`
    for (const operation of ['insert', 'update', 'select', 'delete'])
      expect(text).toMatch(
        sample(
          'mega_db_query_duration_seconds_count',
          `adapter="db",dialect="postgres",operation="${operation}",${table}`,
        ),
      )
    expect(text).toMatch(
      sample('mega_db_pool_connections', 'adapter="db",dialect="postgres",state="idle"'),
    )
    expect(text).toMatch(sample('mega_db_pool_pending_requests', 'adapter="db",dialect="postgres"'))
    expect(text).toMatch(sample('mega_cache_hits_total', 'adapter="cache",driver="redis"'))
    expect(text).toMatch(sample('mega_cache_misses_total', 'adapter="cache",driver="redis"'))
    expect(text).toMatch(
      sample(
        'mega_lock_failures_total',
        'adapter="lock",driver="redis",operation="acquire",reason="busy"',
      ),
    )
    expect(text).toMatch(
      sample(
        'mega_lock_acquire_duration_seconds_count',
        'adapter="lock",driver="redis",outcome="acquired"',
      ),
    )
    expect(text).not.toContain('"a"') // no value from a request in any label
    if (promtool.available || promtool.required)
      expect(await promtoolCheck(text, promtool.bin)).toEqual({ code: 0, output: '' })
  })
})

describe.runIf(maria.available)('mysql2 pool usage', () => {
  it('reports used, idle and pending connections of the maria pool', async () => {
    const metrics = createMetrics({ serviceName: 'pool-test' })
    disposeAfterTest(() => metrics.shutdown())
    const db = new MariaAdapter('main', { url: serviceUrl('maria') ?? '' }, { metrics })
    await db.connect()
    disposeAfterTest(() => db.disconnect())
    await db.transaction(async () => {
      const text = await metrics.renderPrometheus()
      expect(text).toMatch(
        sample('mega_db_pool_connections', 'adapter="main",dialect="maria",state="used"'),
      )
      expect(
        text.match(
          sample('mega_db_pool_connections', 'adapter="main",dialect="maria",state="used"'),
        )?.[1],
      ).toBe('1')
    })
    const after = await metrics.renderPrometheus()
    expect(
      after.match(
        sample('mega_db_pool_connections', 'adapter="main",dialect="maria",state="idle"'),
      )?.[1],
    ).toBe('1')
    expect(after).toMatch(sample('mega_db_pool_pending_requests', 'adapter="main",dialect="maria"'))
  })
})
