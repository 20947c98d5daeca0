// jobs({ outbox }) in a booted app on SQLite (a file) and the in-process queue: ctx.jobs.outbox()
// inside db.transaction() writes the job with the request's rows, the plugin's relay moves committed
// rows to the queue, and a rolled-back request's job never runs. Options and misuse are refused.
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { describe, expect, it, vi } from 'vitest'
import { boot, defineRoutes, type MegaConfigInput } from '@mega/core'
import { megaDrivers, type SqlDbAdapter } from '@mega/db'
import { createShutdown } from '@mega/observe'
import { caught, disposeAfterTest, tempDir } from '@mega/test-utils'
import { jobs, MegaJob, type JobsOptions } from '../../src/index.js'

const root = fileURLToPath(new URL('../fixtures/jobs-app', import.meta.url))

/** The enqueuing side's view of jobs-app's RecordJob (the subject 'record' is what travels). */
class RecordJob extends MegaJob<{ n: number }> {
  run(): void {}
}

const routes = defineRoutes((r) => {
  r.post('/signup/:n', async (ctx) => {
    const n = Number(ctx.params.n)
    const db = ctx.db<SqlDbAdapter>()
    await db.transaction(async () => {
      await sql`insert into users (id) values (${n})`.execute(db.kysely())
      const { subject } = await ctx.jobs.outbox().enqueue(RecordJob, { n })
      if (ctx.query.fail === '1') throw new Error('failed after the enqueue')
      return subject
    })
    return { n }
  })
  r.post('/outside', async (ctx) => ctx.jobs.outbox().enqueue(RecordJob, { n: 0 }))
})

async function start(outbox: JobsOptions['outbox'], adapters?: MegaConfigInput['adapters']) {
  const seen: number[] = []
  const dir = await tempDir()
  const web = await boot({
    root,
    drivers: megaDrivers,
    config: {
      name: 'outbox-app',
      logger: { enabled: false },
      adapters: adapters ?? { db: { driver: 'sqlite', filename: `${dir}/app.sqlite` } },
      plugins: [jobs(outbox === undefined ? {} : { outbox })],
    },
    apps: { main: { routes, services: { probe: { seen } } } },
    listen: false,
    typescript: false,
    shutdown: createShutdown({
      process: { on: () => undefined, removeListener: () => undefined, exit: () => undefined },
    }),
  })
  disposeAfterTest(() => web.close())
  return { web, seen }
}

describe('jobs({ outbox }) on SQLite and the in-process queue', () => {
  it('a committed request runs its job; a rolled-back one never does', async () => {
    const { web, seen } = await start({ pollMs: 20 })
    const db = web.adapters.get<SqlDbAdapter>('db')
    await sql`create table users (id integer primary key)`.execute(db.kysely())

    const failed = await web.server.inject({ method: 'POST', url: '/signup/1?fail=1' })
    expect(failed.statusCode).toBe(500)
    for (const n of [2, 3]) {
      const res = await web.server.inject({ method: 'POST', url: `/signup/${n}` })
      expect(res.statusCode).toBe(200)
    }
    await vi.waitFor(() => expect(seen).toEqual([2, 3]))
    const { rows } = await sql<{ id: number }>`select id from users order by id`.execute(
      db.kysely(),
    )
    expect(rows.map((r) => r.id)).toEqual([2, 3])
    // the relay commits its delete just after the enqueue the jobs ran from
    await vi.waitFor(async () => {
      const left = await sql<{ n: number }>`select count(*) as n from mega_job_outbox`.execute(
        db.kysely(),
      )
      expect(left.rows[0]?.n).toBe(0)
    })
  })

  it('refuses ctx.jobs.outbox() outside a transaction, and without jobs({ outbox })', async () => {
    const withOutbox = await start({ relay: false })
    const outside = await withOutbox.web.server.inject({ method: 'POST', url: '/outside' })
    expect(outside.statusCode).toBe(500)
    expect(outside.json().error.code).toBe('MEGA_JOBS_OUTBOX_NO_TRANSACTION')

    const without = await start(undefined)
    const res = await without.web.server.inject({ method: 'POST', url: '/outside' })
    expect(res.json().error.code).toBe('MEGA_JOBS_OUTBOX_NOT_CONFIGURED')
  })

  it('fails the boot when the outbox db alias is missing or not a SQL adapter', async () => {
    const missing = await caught(start({ db: 'main' }))
    expect(missing.code).toBe('MEGA_BOOT_FAILED')
    expect(missing.message).toContain('there is no SQL db adapter "main"')
    const dir = await tempDir()
    const cache = await caught(
      start(
        { db: 'cache' },
        {
          db: { driver: 'sqlite', filename: `${dir}/app.sqlite` },
          cache: { driver: 'memory' },
        },
      ),
    )
    expect(cache.message).toContain('there is no SQL db adapter "cache"')
  })

  it('checks the outbox options when jobs() is called', () => {
    const error = (() => {
      try {
        jobs({ outbox: { batchSize: 0, table: 'bad-name', extra: 1 } as never })
      } catch (err) {
        return err as { code: string; issues: { path: string }[] }
      }
      throw new Error('jobs() accepted bad outbox options')
    })()
    expect(error.code).toBe('MEGA_JOBS_OPTIONS_INVALID')
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      'outbox',
      'outbox.batchSize',
      'outbox.table',
    ])
  })
})
