import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { requireService, tempDir, uniqueName } from '@mega/test-utils'
import { afterAll, describe, expect, it } from 'vitest'
import { databaseTasks, dropAllTables } from '../../src/sql/database-tasks.js'
import { SqliteAdapter } from '../../src/sql/sqlite/sqlite-adapter.js'
import { PostgresAdapter } from '../../src/sql/postgres/postgres-adapter.js'
import { MariaAdapter } from '../../src/sql/maria/maria-adapter.js'

const pg = await requireService('postgres')
const maria = await requireService('maria')

/** The service url pointed at another database. */
const withDatabase = (url: string, database: string) => {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

const dropLater: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const drop of dropLater) await drop().catch(() => undefined)
})

describe.each([
  ['postgres', pg, PostgresAdapter] as const,
  ['maria', maria, MariaAdapter] as const,
])('databaseTasks on %s', (driver, service, Adapter) => {
  it.runIf(service.available)(
    'creates the database once, the adapter connects, drop removes it',
    async () => {
      const name = uniqueName('mega_task').replaceAll('-', '_')
      const url = withDatabase(service.url!, name)
      const tasks = databaseTasks(driver, { url })
      dropLater.push(() => tasks.drop())
      expect(tasks.database).toBe(name)
      await expect(tasks.create()).resolves.toEqual({ database: name, changed: true })
      await expect(tasks.create()).resolves.toEqual({ database: name, changed: false })

      const db = new Adapter('db', { url })
      await db.connect()
      await db.kysely().schema.createTable('kept').addColumn('id', 'integer').execute()
      await db.disconnect()

      await expect(tasks.drop()).resolves.toEqual({ database: name, changed: true })
      await expect(tasks.drop()).resolves.toEqual({ database: name, changed: false })
      const gone = new Adapter('db', { url })
      await expect(gone.connect()).rejects.toThrow()
    },
  )
})

describe('databaseTasks', () => {
  it.runIf(pg.available)('drops a PostgreSQL database that still has open sessions', async () => {
    const name = uniqueName('mega_busy').replaceAll('-', '_')
    const url = withDatabase(pg.url!, name)
    const tasks = databaseTasks('postgres', { url })
    dropLater.push(() => tasks.drop())
    await tasks.create()
    const open = new PostgresAdapter('db', { url })
    await open.connect()
    await open
      .kysely()
      .selectNoFrom((eb) => eb.lit(1).as('one'))
      .execute()
    await expect(tasks.drop()).resolves.toMatchObject({ changed: true })
    await open.disconnect().catch(() => undefined)
  })

  it('creates a SQLite file (and its folder) relative to cwd, and drops it with its WAL files', async () => {
    const dir = await tempDir('mega-task-')
    const tasks = databaseTasks('sqlite', { filename: './data/app.sqlite' }, { cwd: dir })
    const file = join(dir, 'data/app.sqlite')
    expect(tasks.database).toBe(file)
    await expect(tasks.create()).resolves.toEqual({ database: file, changed: true })
    await expect(tasks.create()).resolves.toEqual({ database: file, changed: false })
    const db = new SqliteAdapter('db', { filename: file })
    await db.connect()
    await db.kysely().schema.createTable('t').addColumn('id', 'integer').execute()
    await db.disconnect()
    await expect(tasks.drop()).resolves.toEqual({ database: file, changed: true })
    expect(['', '-wal', '-shm'].some((s) => existsSync(`${file}${s}`))).toBe(false)
    await expect(tasks.drop()).resolves.toEqual({ database: file, changed: false })
  })

  it('leaves an in-memory SQLite database alone', async () => {
    const tasks = databaseTasks('sqlite', { filename: ':memory:' })
    await expect(tasks.create()).resolves.toEqual({ database: ':memory:', changed: false })
  })

  it('refuses a driver without databases, a url without a database and invalid options', () => {
    expect(() => databaseTasks('redis', { url: 'redis://x' })).toThrow(
      expect.objectContaining({
        code: 'MEGA_DB_TASK_INVALID',
        message: expect.stringContaining('postgres, maria and sqlite'),
      }),
    )
    expect(() => databaseTasks('postgres', { url: 'postgres://u@127.0.0.1:5432' })).toThrow(
      expect.objectContaining({
        code: 'MEGA_DB_TASK_INVALID',
        message: expect.stringContaining('no database named'),
      }),
    )
    expect(() => databaseTasks('maria', { host: 'h', port: 'x' })).toThrow(
      expect.objectContaining({
        code: 'MEGA_DB_TASK_INVALID',
        message: expect.stringContaining('port'),
      }),
    )
  })

  it.runIf(pg.available)(
    'maps a server that refuses the connection to the driver error',
    async () => {
      const tasks = databaseTasks('postgres', { url: 'postgres://postgres@127.0.0.1:1/nowhere' })
      await expect(tasks.create()).rejects.toMatchObject({ code: 'MEGA_DB_UNAVAILABLE' })
    },
  )
})

describe('dropAllTables', () => {
  const backends = [
    ['postgres', pg.available, () => new PostgresAdapter('db', { url: pg.url! })],
    ['maria', maria.available, () => new MariaAdapter('db', { url: maria.url! })],
    ['sqlite', true, () => new SqliteAdapter('db', { filename: ':memory:' })],
  ] as const

  it.each(backends)(
    '%s: drops tables that reference each other and a view',
    async (driver, up, make) => {
      if (!up) return
      // Its own database, so the shared test database keeps its tables.
      const name = uniqueName('mega_fresh').replaceAll('-', '_')
      const service = driver === 'postgres' ? pg : maria
      const url = driver === 'sqlite' ? undefined : withDatabase(service.url!, name)
      const tasks = url === undefined ? undefined : databaseTasks(driver, { url })
      if (tasks !== undefined) {
        dropLater.push(() => tasks.drop())
        await tasks.create()
      }
      const db =
        url === undefined
          ? make()
          : driver === 'postgres'
            ? new PostgresAdapter('db', { url })
            : new MariaAdapter('db', { url })
      await db.connect()
      try {
        const k = db.kysely()
        await k.schema
          .createTable('parents')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .execute()
        await k.schema
          .createTable('children')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('parent_id', 'integer', (c) => c.references('parents.id'))
          .execute()
        await k.schema
          .createView('parent_ids')
          .as(k.selectFrom('parents' as never).select('id' as never))
          .execute()
        const dropped = await dropAllTables(db)
        expect([...dropped].sort()).toEqual(['children', 'parent_ids', 'parents'])
        expect(await k.introspection.getTables()).toEqual([])
        // foreign keys are enforced again on this connection
        await k.schema
          .createTable('p')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .execute()
        await k.schema
          .createTable('c')
          .addColumn('p_id', 'integer', (c) => c.references('p.id'))
          .execute()
        await expect(
          k
            .insertInto('c' as never)
            .values({ p_id: 9 } as never)
            .execute(),
        ).rejects.toThrow()
      } finally {
        await db.disconnect()
      }
    },
  )
})
