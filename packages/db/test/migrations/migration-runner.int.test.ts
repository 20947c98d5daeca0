import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { MegaError } from '@mega/observe'
import { requireService, uniqueName } from '@mega/test-utils'
import { acquireMigrationLock, migrationLockHolder } from '../../src/migrations/lock.js'
import { migrationChecksum } from '../../src/migrations/migration-files.js'
import { getMigrationDialect } from '../../src/migrations/dialect-registry.js'
import type { MigratorConfig } from '../../src/migrations/migrator-config.js'
import { createSqlMigrator } from '../../src/migrations/runner.js'
import { MariaAdapter } from '../../src/sql/maria/maria-adapter.js'
import { PostgresAdapter } from '../../src/sql/postgres/postgres-adapter.js'
import type { MegaSqlAdapter } from '../../src/sql/sql-adapter.js'
import { SqliteAdapter } from '../../src/sql/sqlite/sqlite-adapter.js'
import type { SqlDialect } from '../../src/sql/sql-types.js'
import {
  createTableMigration,
  importFresh,
  rawMigration,
  writeMigrations,
} from '../helpers/migration-runner-helpers.js'

const pg = await requireService('postgres')
const maria = await requireService('maria')

interface DialectCase {
  readonly dialect: SqlDialect
  readonly available: boolean
  create(dir: string): MegaSqlAdapter
}

const cases: readonly DialectCase[] = [
  {
    dialect: 'postgres',
    available: pg.available,
    create: () => new PostgresAdapter('db', { url: pg.url, pool: { max: 3 } }),
  },
  {
    dialect: 'maria',
    available: maria.available,
    create: () => new MariaAdapter('db', { url: maria.url, pool: { max: 3 } }),
  },
  {
    dialect: 'sqlite',
    available: true,
    create: (dir) => new SqliteAdapter('db', { filename: join(dir, 'migrate.sqlite') }),
  },
]

const A = '20260101000001-create-alpha'
const B = '20260101000002-create-beta'
const C = '20260101000003-create-gamma'

describe.each(cases)('migration runner on $dialect', (c) => {
  let dir: string
  let db: MegaSqlAdapter
  let root: string
  let p: string
  let dropped: string[]

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mega-migrate-int-'))
    if (!c.available) return
    db = c.create(dir)
    await db.connect()
  })

  afterAll(async () => {
    if (c.available) await db.disconnect()
    await rm(dir, { recursive: true, force: true })
  })

  beforeEach(async () => {
    p = uniqueName('mig')
    root = await mkdtemp(join(dir, 'root-'))
    dropped = [`${p}_gamma`, `${p}_beta`, `${p}_alpha`, `${p}_mm`, `${p}_mm_lock`]
  })

  afterEach(async () => {
    if (!c.available) return
    for (const table of dropped)
      await sql`drop table if exists ${sql.table(table)}`.execute(db.kysely())
  })

  const migrator = (extra: Partial<MigratorConfig> = {}) =>
    createSqlMigrator({ db, root, table: `${p}_mm`, importer: importFresh, ...extra })

  async function tables(): Promise<string[]> {
    const all = await db.kysely().introspection.getTables()
    return all
      .map((t) => t.name)
      .filter((n) => n.startsWith(p))
      .sort()
  }

  async function rows() {
    return db
      .kysely<Record<string, { name: string; checksum: string; batch: number }>>()
      .selectFrom(`${p}_mm`)
      .select(['name', 'checksum', 'batch'])
      .orderBy('name')
      .execute()
  }

  async function three(extraForB: readonly string[] = []): Promise<void> {
    await writeMigrations(root, {
      [A]: createTableMigration(`${p}_alpha`),
      [B]: createTableMigration(`${p}_beta`, extraForB),
      [C]: createTableMigration(`${p}_gamma`),
    })
  }

  it.runIf(c.available)(
    'applies all, to a target, reports status, reverts n and redoes',
    async () => {
      await three()
      expect((await migrator().up({ to: B })).map((r) => [r.name, r.status])).toEqual([
        [A, 'applied'],
        [B, 'applied'],
      ])
      expect((await migrator().status()).map((r) => r.status)).toEqual([
        'applied',
        'applied',
        'pending',
      ])
      expect((await migrator().up()).map((r) => [r.name, r.status])).toEqual([[C, 'applied']])
      // PostgreSQL's advisory lock needs no table; MariaDB names its holder in one, SQLite locks a row.
      const created = (await tables()).filter((t) => !t.endsWith('_lock'))
      expect(created).toEqual([`${p}_alpha`, `${p}_beta`, `${p}_gamma`, `${p}_mm`])
      const booked = await rows()
      expect(booked.map((r) => [r.name, Number(r.batch)])).toEqual([
        [A, 1],
        [B, 1],
        [C, 2],
      ])
      expect(booked.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true)

      const down = await migrator().down({ steps: 2 })
      expect(down.map((r) => [r.name, r.status])).toEqual([
        [C, 'reverted'],
        [B, 'reverted'],
      ])
      expect(await tables()).not.toContain(`${p}_beta`)
      expect((await rows()).map((r) => r.name)).toEqual([A])

      const redo = await migrator().redo()
      expect(redo.map((r) => [r.name, r.direction, r.status])).toEqual([
        [A, 'down', 'reverted'],
        [A, 'up', 'applied'],
      ])
      expect(await tables()).toContain(`${p}_alpha`)
    },
  )

  it.runIf(c.available)('changes nothing on a dry run', async () => {
    await three()
    const results = await migrator().up({ dryRun: true })
    expect(results.map((r) => r.status)).toEqual(['pending', 'pending', 'pending'])
    expect(results[0]?.statements.join(' ')).toMatch(/create table/i)
    expect(await tables()).toEqual([])
    await migrator().up()
    const down = await migrator().down({ steps: 3, dryRun: true })
    expect(down.map((r) => r.statements.join(' '))).toEqual([
      expect.stringMatching(/drop table/i),
      expect.stringMatching(/drop table/i),
      expect.stringMatching(/drop table/i),
    ])
    expect((await rows()).length).toBe(3)
  })

  it.runIf(c.available)('stops at a failing migration and keeps the ones before', async () => {
    await three([`insert into ${p}_nowhere (id) values (1)`])
    const results = await migrator().up()
    expect(results.map((r) => [r.name, r.status])).toEqual([
      [A, 'applied'],
      [B, 'failed'],
      [C, 'not-run'],
    ])
    expect((results[1]?.error as MegaError).code).toBe('MEGA_DB_MIGRATION_FAILED')
    expect((await rows()).map((r) => r.name)).toEqual([A])
    // Transactional DDL rolls the failing migration back whole; MariaDB keeps its committed DDL.
    const left = getMigrationDialect(c.dialect).transactionalDdl ? [] : [`${p}_beta`]
    expect((await tables()).filter((t) => t.endsWith('_beta'))).toEqual(left)
    expect((await tables()).filter((t) => t.endsWith('_gamma'))).toEqual([])
  })

  it.runIf(c.available)('refuses an edited applied migration before running anything', async () => {
    await three()
    await migrator().up({ to: A })
    const file = join(root, 'apps/main/migrations', `${A}.mjs`)
    const edited = createTableMigration(`${p}_alpha`, ['select 1'])
    await writeFile(file, edited)
    const error = await migrator()
      .up()
      .catch((err: unknown) => err)
    expect(error).toMatchObject({ code: 'MEGA_DB_MIGRATION_DRIFT' })
    expect((error as MegaError).issues).toEqual([
      { path: A, message: expect.stringContaining('edited') },
    ])
    expect(await tables()).not.toContain(`${p}_beta`)
    expect((await rows())[0]?.checksum).not.toBe(migrationChecksum(edited))
  })

  it.runIf(c.available)('refuses an applied migration whose file is missing', async () => {
    await three()
    await migrator().up({ to: B })
    await rm(join(root, 'apps/main/migrations', `${A}.mjs`))
    await expect(migrator().up()).rejects.toMatchObject({
      code: 'MEGA_DB_MIGRATION_DRIFT',
      issues: [{ path: A, message: expect.stringContaining('missing') }],
    })
    expect(await tables()).not.toContain(`${p}_gamma`)
  })

  it.runIf(c.available)(
    'times out on a lock another session holds, naming the holder',
    async () => {
      await writeMigrations(root, { [A]: rawMigration([]) })
      const other = c.create(dir)
      await other.connect()
      const held = await acquireMigrationLock({
        ...{ db: other, name: `${p}_mm`, mode: 'auto', timeoutMs: 1000, ttlMs: 60_000 },
        ...{ pollMs: 20, holder: 'other-host:4242', clock: () => new Date() },
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      })
      try {
        const error = await migrator({ lockTimeoutMs: 300, lockPollMs: 20 })
          .up()
          .catch((err: unknown) => err)
        expect(error).toMatchObject({ code: 'MEGA_DB_MIGRATION_LOCKED', statusCode: 409 })
        expect((error as MegaError).message).toContain('other-host:4242')
        expect((await migrator().status()).map((r) => r.status)).toEqual(['pending'])
      } finally {
        await held.release()
        await other.disconnect()
      }
      expect((await migrator({ lockTimeoutMs: 300 }).up()).map((r) => r.status)).toEqual([
        'applied',
      ])
      expect(migrationLockHolder()).toMatch(/:\d+$/)
    },
  )
})
