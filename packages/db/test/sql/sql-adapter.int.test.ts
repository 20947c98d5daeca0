import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import { requireService, tempDir, uniqueName } from '@mega/test-utils'
import { MariaAdapter } from '../../src/sql/maria/maria-adapter.js'
import { PostgresAdapter } from '../../src/sql/postgres/postgres-adapter.js'
import type { MegaSqlAdapter } from '../../src/sql/sql-adapter.js'
import { SqliteAdapter } from '../../src/sql/sqlite/sqlite-adapter.js'
import type { SqlDialect } from '../../src/sql/sql-types.js'

const pg = await requireService('postgres')
const maria = await requireService('maria')

interface Names {
  readonly users: string
  readonly posts: string
  readonly unique: string
  readonly fk: string
  readonly check: string
}

interface DialectCase {
  readonly dialect: SqlDialect
  readonly available: boolean
  create(): MegaSqlAdapter
  /** An adapter pointed at nothing: a closed port, or a file path that cannot exist. */
  unreachable(): MegaSqlAdapter
  /** Options with several problems, and the paths each must be reported at. */
  readonly invalid: { readonly create: () => unknown; readonly paths: readonly string[] }
  /** What each violation names on this dialect (SQLite names no foreign key, MariaDB no table). */
  expected(n: Names): Record<'unique' | 'fk' | 'notNull' | 'check', Record<string, string>>
}

const cases: readonly DialectCase[] = [
  {
    dialect: 'postgres',
    available: pg.available,
    create: () => new PostgresAdapter('db', { url: pg.url, pool: { max: 3 } }),
    unreachable: () =>
      new PostgresAdapter('db', { host: '127.0.0.1', port: 1, user: 'postgres', database: 'test' }),
    invalid: {
      create: () =>
        new PostgresAdapter('db', {
          url: 'postgres://x',
          host: 'h',
          pool: { max: 0 },
          typo: 1,
        } as never),
      paths: ['adapters.db', 'adapters.db.pool.max', 'adapters.db.host'],
    },
    expected: (n) => ({
      unique: { table: n.users, constraint: n.unique, column: 'email' },
      fk: { table: n.posts, constraint: n.fk, column: 'user_id' },
      notNull: { table: n.users, column: 'email' },
      check: { table: n.users, constraint: n.check },
    }),
  },
  {
    dialect: 'maria',
    available: maria.available,
    create: () => new MariaAdapter('db', { url: maria.url, pool: { max: 3 } }),
    unreachable: () =>
      new MariaAdapter('db', { host: '127.0.0.1', port: 1, user: 'root', database: 'test' }),
    invalid: {
      create: () =>
        new MariaAdapter('db', { port: 70_000, ssl: 'yes', statementTimeoutMs: -1 } as never),
      paths: [
        'adapters.db.port',
        'adapters.db.ssl',
        'adapters.db.statementTimeoutMs',
        'adapters.db.url',
      ],
    },
    expected: (n) => ({
      unique: { constraint: n.unique },
      fk: { table: n.posts, constraint: n.fk, column: 'user_id' },
      notNull: { column: 'email' },
      check: { table: n.users, constraint: n.check },
    }),
  },
  {
    dialect: 'sqlite',
    available: true,
    create: () => new SqliteAdapter('db', { filename: ':memory:' }),
    unreachable: () => new SqliteAdapter('db', { filename: '/dev/null/nowhere/app.sqlite' }),
    invalid: {
      create: () =>
        new SqliteAdapter('db', { filename: '', wal: 'yes', busyTimeoutMs: -1 } as never),
      paths: ['adapters.db.filename', 'adapters.db.wal', 'adapters.db.busyTimeoutMs'],
    },
    expected: (n) => ({
      unique: { table: n.users, column: 'email' },
      fk: {},
      notNull: { table: n.users, column: 'email' },
      check: { constraint: n.check },
    }),
  },
]

async function createTables(db: Kysely<unknown>, n: Names): Promise<void> {
  await db.schema
    .createTable(n.users)
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('email', 'varchar(100)', (c) => c.notNull())
    .addColumn('age', 'integer')
    .addUniqueConstraint(n.unique, ['email'])
    .addCheckConstraint(n.check, sql`age > 0`)
    .execute()
  await db.schema
    .createTable(n.posts)
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addForeignKeyConstraint(n.fk, ['user_id'], n.users, ['id'])
    .execute()
}

async function rejection(promise: Promise<unknown>): Promise<MegaError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!MegaError.is(err)) throw new Error(`expected a MegaError, got ${String(err)}`)
  return err
}

describe.each(cases)('MegaSqlAdapter ($dialect)', (c) => {
  describe.runIf(c.available)('against the real server', () => {
    const base = uniqueName(`sq${c.dialect.slice(0, 2)}`)
    const n: Names = {
      users: `${base}_u`,
      posts: `${base}_p`,
      unique: `${base}_email_uq`,
      fk: `${base}_fk`,
      check: `${base}_age_ck`,
    }
    let db: MegaSqlAdapter
    const users = () =>
      db
        .kysely<Record<string, { id: number; email: string | null; age?: number }>>()
        .selectFrom(n.users)
    const insertUser = (id: number, email: string | null, age = 1) =>
      db
        .kysely<Record<string, { id: number; email: string | null; age: number }>>()
        .insertInto(n.users)
        .values({ id, email, age })
        .execute()
    const ids = async () =>
      (await users().select('id').orderBy('id').execute()).map((r) => Number(r.id))

    beforeAll(async () => {
      db = c.create()
      await db.connect()
      await createTables(db.kysely(), n)
    })

    afterAll(async () => {
      await db
        .kysely()
        .schema.dropTable(n.posts)
        .ifExists()
        .execute()
        .catch(() => undefined)
      await db
        .kysely()
        .schema.dropTable(n.users)
        .ifExists()
        .execute()
        .catch(() => undefined)
      await db.disconnect()
    })

    it('connects and reports health with a latency', async () => {
      const health = await db.health()
      expect(health.ok).toBe(true)
      expect(typeof health.latencyMs).toBe('number')
    })

    it('commits a transaction when its function resolves', async () => {
      const result = await db.transaction(async () => {
        await insertUser(1, 'one@x.io')
        return 'done'
      })
      expect(result).toBe('done')
      expect(await ids()).toContain(1)
    })

    it('leaves no row when the transaction throws, and rethrows the error', async () => {
      const boom = new Error('boom')
      const failed = db.transaction(async () => {
        await insertUser(10, 'ten@x.io')
        throw boom
      })
      await expect(failed).rejects.toBe(boom)
      expect(await ids()).not.toContain(10)
    })

    it('rolls back and maps a database error raised inside the transaction', async () => {
      const err = await rejection(
        db.transaction(async () => {
          await insertUser(11, 'eleven@x.io')
          await insertUser(12, 'eleven@x.io')
        }),
      )
      expect(err.code).toBe('MEGA_DB_CONFLICT')
      expect(await ids()).not.toContain(11)
    })

    it('rolls a nested transaction back to its savepoint and keeps the outer work', async () => {
      await db.transaction(async () => {
        await insertUser(20, 'twenty@x.io')
        await db
          .transaction(async () => {
            await insertUser(21, 'twentyone@x.io')
            throw new Error('inner')
          })
          .catch(() => undefined)
        await db.transaction(async () => insertUser(22, 'twentytwo@x.io'))
      })
      expect(await ids()).toEqual(expect.arrayContaining([20, 22]))
      expect(await ids()).not.toContain(21)
    })

    it('runs concurrent nested transactions one at a time, each with its own savepoint', async () => {
      await db.transaction(async () => {
        await Promise.allSettled([
          db.transaction(async () => insertUser(30, 'thirty@x.io')),
          db.transaction(async () => {
            await insertUser(31, 'thirtyone@x.io')
            throw new Error('inner')
          }),
          db.transaction(async () => insertUser(32, 'thirtytwo@x.io')),
        ])
      })
      const found = await ids()
      expect(found).toEqual(expect.arrayContaining([30, 32]))
      expect(found).not.toContain(31)
    })

    it('returns the active transaction from kysely() inside transaction()', async () => {
      expect(db.kysely().isTransaction).toBe(false)
      await db.transaction(async () => {
        expect(db.kysely().isTransaction).toBe(true)
        await db.transaction(async () => expect(db.kysely().isTransaction).toBe(true))
      })
    })

    it('maps a unique violation to 409 MEGA_DB_CONFLICT naming the constraint', async () => {
      await insertUser(40, 'dup@x.io')
      const err = await rejection(
        insertUser(41, 'dup@x.io').catch((e: unknown) => Promise.reject(db.mapError(e))),
      )
      expect(err).toMatchObject({ code: 'MEGA_DB_CONFLICT', statusCode: 409 })
      expect(err.details).toEqual(c.expected(n).unique)
      expect(err.cause).toBeInstanceOf(Error)
    })

    it('maps a foreign-key violation to 409 MEGA_DB_FOREIGN_KEY', async () => {
      const posts = db.kysely<Record<string, { id: number; user_id: number }>>().insertInto(n.posts)
      const err = db.mapError(
        await posts
          .values({ id: 1, user_id: 999 })
          .execute()
          .catch((e: unknown) => e),
      )
      expect(err).toMatchObject({ code: 'MEGA_DB_FOREIGN_KEY', statusCode: 409 })
      expect(err.details).toEqual(c.expected(n).fk)
    })

    it('maps a not-null violation to 422 MEGA_DB_NOT_NULL naming the column', async () => {
      const err = db.mapError(await insertUser(50, null).catch((e: unknown) => e))
      expect(err).toMatchObject({ code: 'MEGA_DB_NOT_NULL', statusCode: 422 })
      expect(err.details).toEqual(c.expected(n).notNull)
      expect(err.message).toContain('email')
    })

    it('maps a check violation to 422 MEGA_DB_CHECK naming the constraint', async () => {
      const err = db.mapError(await insertUser(51, 'neg@x.io', -1).catch((e: unknown) => e))
      expect(err).toMatchObject({ code: 'MEGA_DB_CHECK', statusCode: 422 })
      expect(err.details).toEqual(c.expected(n).check)
    })

    it('maps any other failure to MEGA_DB_QUERY_FAILED', async () => {
      const err = db.mapError(
        await sql`select * from ${sql.table(`${base}_missing`)}`
          .execute(db.kysely())
          .catch((e: unknown) => e),
      )
      expect(err).toMatchObject({ code: 'MEGA_DB_QUERY_FAILED', statusCode: 500 })
    })
  })

  it('fails to connect with 503 MEGA_DB_UNAVAILABLE when the server cannot be reached', async () => {
    const db = c.unreachable()
    const err = await rejection(db.connect())
    expect(err).toMatchObject({ code: 'MEGA_DB_UNAVAILABLE', statusCode: 503 })
    expect(err.message).toMatch(/check that the server runs/)
    expect(err.message).not.toMatch(/password/)
    await db.disconnect()
  })

  it('throws MEGA_DB_NOT_CONNECTED from kysely() and transaction() before connect', async () => {
    const db = c.create()
    expect(() => db.kysely()).toThrow(expect.objectContaining({ code: 'MEGA_DB_NOT_CONNECTED' }))
    await expect(db.transaction(async () => 1)).rejects.toMatchObject({
      code: 'MEGA_DB_NOT_CONNECTED',
    })
    expect(await db.health()).toMatchObject({ ok: false })
  })

  it('lists every problem of invalid options in one MEGA_CONFIG_INVALID error', () => {
    let err: unknown
    try {
      c.invalid.create()
    } catch (e) {
      err = e
    }
    expect(MegaError.is(err, 'MEGA_CONFIG_INVALID')).toBe(true)
    const paths = (err as MegaError).issues?.map((i) => i.path)
    expect(paths).toEqual(expect.arrayContaining([...c.invalid.paths]))
  })
})

describe('SqliteAdapter files', () => {
  it('creates the folder of the database file and turns WAL and foreign keys on', async () => {
    const filename = join(await tempDir(), 'nested', 'dir', 'app.sqlite')
    const db = new SqliteAdapter('db', { filename })
    await db.connect()
    try {
      expect(existsSync(filename)).toBe(true)
      const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db.kysely())
      expect(journal.rows[0]?.journal_mode).toBe('wal')
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db.kysely())
      expect(fk.rows[0]?.foreign_keys).toBe(1)
    } finally {
      await db.disconnect()
    }
  })

  it('keeps the rollback journal when wal is false', async () => {
    const db = new SqliteAdapter('db', {
      filename: join(await tempDir(), 'app.sqlite'),
      wal: false,
    })
    await db.connect()
    try {
      const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db.kysely())
      expect(journal.rows[0]?.journal_mode).toBe('delete')
    } finally {
      await db.disconnect()
    }
  })
})
