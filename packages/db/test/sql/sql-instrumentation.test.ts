import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { createMetrics, initTracing, shutdownTracing, tracer } from '@mega/observe'
import { disposeAfterTest } from '@mega/test-utils'
import { sqlQueryFacts } from '../../src/sql/instrument/sql-query-facts.js'
import { SqliteAdapter } from '../../src/sql/sqlite/sqlite-adapter.js'

interface Database {
  secrets: { id: number; label: string; pin: number }
}

const SECRET = 'do-not-leak-7c1e'
const PIN = 987_654
const SCOPE = 'otel_scope_name="@mega/observe"'

afterEach(async () => {
  await shutdownTracing()
})

async function tracedSqlite() {
  const memory = new InMemorySpanExporter()
  await initTracing({ serviceName: 'db-test', spanProcessors: [new SimpleSpanProcessor(memory)] })
  const metrics = createMetrics({ serviceName: 'db-test' })
  disposeAfterTest(() => metrics.shutdown())
  const db = new SqliteAdapter('main', { filename: ':memory:' }, { metrics })
  await db.connect()
  disposeAfterTest(() => db.disconnect())
  const k = db.kysely<Database>()
  await sql`create table secrets (id integer primary key, label text unique, pin integer)`.execute(
    k,
  )
  memory.reset()
  return { db, k, memory, metrics }
}

describe('SQL query spans', () => {
  it('a query inside an active span is its child, named by kind and table, with no values', async () => {
    const { k, memory } = await tracedSqlite()
    const parent = await tracer.span('checkout', async (span) => {
      await k.insertInto('secrets').values({ id: 1, label: SECRET, pin: PIN }).execute()
      await k.selectFrom('secrets').selectAll().where('pin', '=', PIN).execute()
      return span.spanContext()
    })
    const spans = memory.getFinishedSpans().filter((s) => s.name !== 'checkout')
    expect(spans.map((s) => s.name)).toEqual(['INSERT secrets', 'SELECT secrets'])
    for (const span of spans) {
      expect(span.spanContext().traceId).toBe(parent.traceId)
      expect(span.parentSpanContext?.spanId).toBe(parent.spanId)
      const text = JSON.stringify({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
      })
      expect(text).not.toContain(SECRET)
      expect(text).not.toContain(String(PIN))
    }
    expect(spans[1]?.attributes).toEqual({
      'db.system.name': 'sqlite',
      'db.operation.name': 'SELECT',
      'db.collection.name': 'secrets',
    })
  })

  it('a failed query marks its span with the mapped code only, never the driver message', async () => {
    const { k, memory } = await tracedSqlite()
    await k.insertInto('secrets').values({ id: 1, label: SECRET, pin: PIN }).execute()
    await expect(
      k.insertInto('secrets').values({ id: 2, label: SECRET, pin: PIN }).execute(),
    ).rejects.toThrow()
    const failed = memory.getFinishedSpans().at(-1)
    expect(failed?.attributes['error.type']).toBe('MEGA_DB_CONFLICT')
    expect(failed?.status).toEqual({ code: 2, message: 'MEGA_DB_CONFLICT' })
    expect(failed?.events).toEqual([])
  })

  it('raw SQL and transaction control are named by their first keyword, with no table', async () => {
    const { db, k, memory } = await tracedSqlite()
    await db.transaction(() =>
      db.transaction(async () => {
        await sql`update secrets set label = ${SECRET} where id = ${PIN}`.execute(db.kysely())
      }),
    )
    await sql`select count(*) from secrets`.execute(k)
    const spans = memory.getFinishedSpans()
    expect(spans.map((s) => s.name)).toEqual([
      'BEGIN',
      'SAVEPOINT',
      'UPDATE',
      'RELEASE',
      'COMMIT',
      'SELECT',
    ])
    expect(spans[2]?.attributes).toEqual({
      'db.system.name': 'sqlite',
      'db.operation.name': 'UPDATE',
    })
  })
})

describe('SQL query metrics', () => {
  it('records durations by adapter, dialect, operation and table, and failures by code', async () => {
    const { k, metrics } = await tracedSqlite()
    await k.insertInto('secrets').values({ id: 1, label: SECRET, pin: PIN }).execute()
    await k.updateTable('secrets').set({ pin: 1 }).where('id', '=', 1).execute()
    await k.deleteFrom('secrets').where('id', '=', 5).execute()
    await k.selectFrom('secrets').selectAll().execute()
    await k
      .insertInto('secrets')
      .values({ id: 1, label: 'x', pin: 2 })
      .execute()
      .catch(() => 0)
    const text = await metrics.renderPrometheus()
    for (const operation of ['insert', 'update', 'delete', 'select'])
      expect(text).toContain(
        `mega_db_query_duration_seconds_count{adapter="main",dialect="sqlite",operation="${operation}",table="secrets",${SCOPE}}`,
      )
    expect(text).toContain(
      `mega_db_query_errors_total{adapter="main",dialect="sqlite",operation="insert",table="secrets",error_type="MEGA_DB_CONFLICT",${SCOPE}} 1`,
    )
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain('mega_db_pool_connections') // SQLite has no pool
  })
})

describe('sqlQueryFacts', () => {
  it('reads the table under an alias and a schema, and never the values', async () => {
    const { k } = await tracedSqlite()
    const withSchema = k.withSchema('audit').updateTable('secrets as s').set({ pin: PIN })
    expect(sqlQueryFacts(withSchema.compile())).toEqual({
      operation: 'update',
      keyword: 'UPDATE',
      table: 'audit.secrets',
    })
    expect(sqlQueryFacts(sql`  (select 1)`.compile(k))).toEqual({
      operation: 'select',
      keyword: 'SELECT',
      table: undefined,
    })
    expect(sqlQueryFacts(sql`${SECRET}`.compile(k)).keyword).toBe('OTHER')
  })
})
