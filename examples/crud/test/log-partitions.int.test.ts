import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '@mega/core/testing'
import { PostgresAdapter } from '@mega/db'
import { requireService, uniqueName } from '@mega/test-utils'
import { bootApp, dbOf, signUp } from './helpers/crud-app.js'

const pg = await requireService('postgres')

// One fresh database for this file: the app boots on it through the one config line (DATABASE_URL).
describe.runIf(pg.available)('log partitions on PostgreSQL', () => {
  const database = uniqueName('crud')
  let admin: PostgresAdapter
  let app: TestApp
  const services = () => app.runtime.server.apps[0]!.scope.services

  async function partitionOf(id: number): Promise<string> {
    const found = await sql<{ part: string }>`
      select tableoid::regclass::text as part from logs where id = ${id}`.execute(
      dbOf(app).kysely(),
    )
    return found.rows[0]!.part
  }

  beforeAll(async () => {
    admin = new PostgresAdapter('admin', { url: pg.url!, pool: { max: 1 } })
    await admin.connect()
    await sql`create database ${sql.id(database)}`.execute(admin.kysely())
    const url = new URL(pg.url!)
    url.pathname = `/${database}`
    // Under NODE_ENV=test the config reads DATABASE_URL_TEST first (@mega/core env())
    process.env.DATABASE_URL_TEST = url.href
    app = await bootApp()
  })

  afterAll(async () => {
    await app?.close()
    delete process.env.DATABASE_URL_TEST
    await sql`drop database if exists ${sql.id(database)} with (force)`.execute(admin.kysely())
    await admin.disconnect()
  })

  it('runs on postgres with a partitioned logs table and no partitions yet', async () => {
    expect(dbOf(app).dialect).toBe('postgres')
    const kind = await sql<{ relkind: string }>`
      select relkind from pg_class where oid = 'logs'::regclass`.execute(dbOf(app).kysely())
    expect(kind.rows[0]!.relkind).toBe('p')
    expect(await services().logPartition.list()).toEqual({ storage: 'partitions', partitions: [] })
  })

  it('ensure creates exactly the current and next months, and is idempotent', async () => {
    const now = new Date('2030-11-15T08:00:00Z')
    const first = await services().logPartition.ensure(now, 2)
    expect(first).toEqual({
      storage: 'partitions',
      created: ['logs_203011', 'logs_203012', 'logs_203101'],
      existing: [],
    })
    const again = await services().logPartition.ensure(now, 2)
    expect(again.created).toEqual([])
    expect(again.existing).toEqual(['logs_203011', 'logs_203012', 'logs_203101'])
    const listed = await services().logPartition.list()
    expect(listed.partitions.map((p) => p.name)).toEqual([
      'logs_203011',
      'logs_203012',
      'logs_203101',
    ])
    expect(listed.partitions[2]).toEqual({
      name: 'logs_203101',
      from: new Date('2031-01-01T00:00:00Z'),
      to: new Date('2031-02-01T00:00:00Z'),
    })
  })

  it('puts each log line in the partition of its month, creating a missing month on write', async () => {
    const log = services().log
    const nov = await log.write({
      level: 'info',
      message: 'nov',
      at: new Date('2030-11-30T23:59:59.999Z'),
    })
    const dec = await log.write({
      level: 'info',
      message: 'dec',
      at: new Date('2030-12-01T00:00:00Z'),
    })
    expect(await partitionOf(nov.id)).toBe('logs_203011')
    expect(await partitionOf(dec.id)).toBe('logs_203012')
    const feb = await log.write({
      level: 'warn',
      message: 'feb',
      at: new Date('2031-02-10T00:00:00Z'),
    })
    expect(await partitionOf(feb.id)).toBe('logs_203102')
  })

  it('prune drops the expired partitions with their rows and keeps the current ones', async () => {
    const pruned = await services().logPartition.prune(new Date('2031-02-20T00:00:00Z'), 2)
    expect(pruned).toEqual({
      storage: 'partitions',
      cutoff: new Date('2030-12-01T00:00:00Z'),
      dropped: ['logs_203011'],
      deletedRows: 0,
    })
    const names = (await services().logPartition.list()).partitions.map((p) => p.name)
    expect(names).toEqual(['logs_203012', 'logs_203101', 'logs_203102'])
    const left = (await services().log.list()).items.map((l) => l.message)
    expect(left).toEqual(['feb', 'dec'])
    // A dropped month is created again when a line for it arrives.
    const late = await services().log.write({
      level: 'info',
      message: 'late',
      at: new Date('2030-11-02T00:00:00Z'),
    })
    expect(await partitionOf(late.id)).toBe('logs_203011')
  })

  it('creates this month at boot and serves the logs and admin routes over HTTP', async () => {
    const booted = await bootApp() // migrations already applied: start() ensured the partitions
    const current = new Date()
    const names = (
      await booted.runtime.server.apps[0]!.scope.services.logPartition.list()
    ).partitions.map((p) => p.name)
    const month = `logs_${current.getUTCFullYear()}${String(current.getUTCMonth() + 1).padStart(2, '0')}`
    expect(names).toContain(month)

    process.env.STAFF_EMAILS = 'ops@example.test'
    const ops = await signUp(booted, { email: 'ops@example.test' }).finally(() => {
      delete process.env.STAFF_EMAILS
    })
    const written = await booted.inject({
      method: 'POST',
      url: '/logs',
      headers: ops.auth,
      payload: { level: 'error', message: 'disk full', meta: { disk: '/var' } },
    })
    expect(written.statusCode, written.body).toBe(201)
    expect(await partitionOf(written.json<{ data: { id: number } }>().data.id)).toBe(month)
    const errors = await booted.inject({ url: '/logs?level=error', headers: ops.auth })
    expect(errors.json().data.items[0]).toMatchObject({
      message: 'disk full',
      meta: { disk: '/var' },
    })
    const listed = await booted.inject({ url: '/admin/log-partitions', headers: ops.auth })
    const partitions = listed.json<{ data: { storage: string; partitions: { name: string }[] } }>()
    expect(partitions.data.storage).toBe('partitions')
    expect(partitions.data.partitions.map((p) => p.name)).toContain(month)
  })
})
