import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { boot, defineRoutes, type MegaRuntime } from '@mega/core'
import { createLogger, createShutdown } from '@mega/observe'
import { disposeAfterTest, startOtlpReceiver, getStatusUntraced } from '@mega/test-utils'
import { col, createCrud, defineModel, megaDrivers, type SqlDbAdapter } from '../src/index.js'
import { createModelTable } from './helpers/model-table.js'

// A request that carries a traceparent: its server span continues the caller's trace and the SQL
// query it runs is a child span of it, both exported over OTLP/HTTP to a receiver of the test's own.
const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c'
const CALLER_SPAN = 'b7ad6b7169203331'
const SERVER = 2
const CLIENT = 3

const Note = defineModel('notes', { id: col.id(), text: col.string(200) })

const OTEL_VARS = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME'] as const
const saved = new Map(OTEL_VARS.map((name) => [name, process.env[name]]))
beforeEach(() => OTEL_VARS.forEach((name) => delete process.env[name]))
afterEach(() =>
  saved.forEach((value, name) =>
    value === undefined ? delete process.env[name] : (process.env[name] = value),
  ),
)

describe('a traced request with a SQL query', () => {
  it('exports the server span and, as its child, the query span (kind and table, no values)', async () => {
    const receiver = await startOtlpReceiver()
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url
    process.env.OTEL_SERVICE_NAME = 'notes-api'
    const routes = defineRoutes((r) => {
      r.get('/notes/:id', (ctx) =>
        createCrud(Note, ctx.db<SqlDbAdapter>()).get(Number((ctx.params as { id: string }).id)),
      )
    })
    const runtime: MegaRuntime = await boot({
      config: {
        name: 'notes-api',
        server: { port: 0 },
        adapters: { db: { driver: 'sqlite', filename: ':memory:' } },
      },
      apps: { main: { routes } },
      logger: createLogger(false),
      shutdown: createShutdown({
        process: { on: () => undefined, removeListener: () => undefined, exit: () => undefined },
      }),
      importer: (name) =>
        name === '@mega/db' ? Promise.resolve({ megaDrivers }) : Promise.resolve(undefined),
    })
    disposeAfterTest(() => runtime.close())
    const db = runtime.adapters.get<SqlDbAdapter>('db')
    await createModelTable(db.kysely(), db.dialect, Note)
    await createCrud(Note, db).create({ text: 'secret' })

    const traceparent = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`
    expect(await getStatusUntraced(`${runtime.url}/notes/1`, { traceparent })).toBe(200)
    await runtime.close() // flushes the spans

    const server = await receiver.waitForSpan((s) => s.kind === SERVER)
    expect(server).toMatchObject({
      traceId: CALLER_TRACE,
      parentSpanId: CALLER_SPAN,
      name: 'GET /notes/:id',
    })
    const query = await receiver.waitForSpan(
      (s) => s.kind === CLIENT && s.traceId === CALLER_TRACE && s.name.startsWith('SELECT'),
    )
    expect(query).toMatchObject({ name: 'SELECT notes', parentSpanId: server.spanId })
    expect(query.attributes).toMatchObject({
      'db.system.name': 'sqlite',
      'db.operation.name': 'SELECT',
      'db.collection.name': 'notes',
    })
    expect(JSON.stringify(query)).not.toContain('secret')
  })
})
