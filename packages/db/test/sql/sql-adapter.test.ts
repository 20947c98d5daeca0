import { existsSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { AdapterManager, boot, DriverRegistry } from '@mega/core'
import { MegaError } from '@mega/observe'
import { disposeAfterTest, tempDir } from '@mega/test-utils'
import { MariaAdapter, mariaPoolConfig } from '../../src/sql/maria/maria-adapter.js'
import { PostgresAdapter, postgresPoolConfig } from '../../src/sql/postgres/postgres-adapter.js'
import { mariaDriver, postgresDriver, sqliteDriver } from '../../src/sql/sql-drivers.js'
import { resolveSqliteFilename, SqliteAdapter } from '../../src/sql/sqlite/sqlite-adapter.js'

describe('MegaSqlAdapter health', () => {
  it('reports the latency of select 1 measured with the injected clock', async () => {
    const ticks = [100, 102.5]
    const db = new SqliteAdapter('db', { filename: ':memory:' }, { now: () => ticks.shift() ?? 0 })
    await db.connect()
    disposeAfterTest(() => db.disconnect())
    expect(await db.health()).toEqual({ ok: true, latencyMs: 2.5 })
  })

  it('reports ok: false with the mapped message when the database stops answering', async () => {
    let handle: Database.Database | undefined
    const db = new SqliteAdapter(
      'db',
      { filename: ':memory:' },
      { open: (file, options) => (handle = new Database(file, options)) },
    )
    await db.connect()
    disposeAfterTest(() => db.disconnect().catch(() => undefined))
    handle?.close()
    const health = await db.health()
    expect(health.ok).toBe(false)
    expect(String(health.error)).toMatch(/sqlite database is unavailable/)
  })

  it('throws MEGA_DB_NOT_CONNECTED after disconnect', async () => {
    const db = new SqliteAdapter('db', { filename: ':memory:' })
    await db.connect()
    await db.disconnect()
    expect(() => db.kysely()).toThrow(expect.objectContaining({ code: 'MEGA_DB_NOT_CONNECTED' }))
  })

  it('rethrows errors that are not from the database unchanged from transaction()', async () => {
    const db = new SqliteAdapter('db', { filename: ':memory:' })
    await db.connect()
    disposeAfterTest(() => db.disconnect())
    const bug = new TypeError('bug')
    await expect(
      db.transaction(async () => {
        throw bug
      }),
    ).rejects.toBe(bug)
    const notFound = new MegaError('MEGA_CRUD_NOT_FOUND', 'gone')
    await expect(db.transaction(() => Promise.reject(notFound))).rejects.toBe(notFound)
  })
})

describe('SQL adapter options', () => {
  it('resolves pool defaults and turns them into pg pool settings', () => {
    const db = new PostgresAdapter('db', { host: 'h', database: 'app', statementTimeoutMs: 2000 })
    expect(postgresPoolConfig(db.options)).toMatchObject({
      host: 'h',
      database: 'app',
      max: 10,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 5000,
      statement_timeout: 2000,
    })
    expect(Object.isFrozen(db.options)).toBe(true)
  })

  it('passes a url and TLS through to the mysql2 pool', () => {
    const db = new MariaAdapter('db', { url: 'mysql://u:p@h/app', ssl: true, pool: { max: 4 } })
    expect(mariaPoolConfig(db.options)).toMatchObject({
      uri: 'mysql://u:p@h/app',
      ssl: {},
      connectionLimit: 4,
      connectTimeout: 5000,
    })
  })

  it('refuses a url given together with the fields it sets', () => {
    expect(() => new PostgresAdapter('db', { url: 'postgres://h/db', port: 5433 })).toThrow(
      expect.objectContaining({
        code: 'MEGA_CONFIG_INVALID',
        issues: [expect.objectContaining({ path: 'adapters.db.port' })],
      }),
    )
  })

  it('needs a url or a host', () => {
    expect(() => new MariaAdapter('main', { database: 'x' })).toThrow(/adapters\.main\.url/)
  })

  it('never puts the password in the connect error', async () => {
    const db = new PostgresAdapter('db', {
      url: 'postgres://me:s3cret@127.0.0.1:1/app',
      pool: { connectionTimeoutMs: 1000 },
    })
    const err: unknown = await db.connect().catch((e: unknown) => e)
    expect(MegaError.is(err, 'MEGA_DB_UNAVAILABLE')).toBe(true)
    expect(JSON.stringify(err)).not.toContain('s3cret')
    expect((err as MegaError).details).toEqual({ dialect: 'postgres', target: '127.0.0.1:1/app' })
  })
})

describe('SQL drivers', () => {
  it('declare the db kind and create the adapter of their dialect', () => {
    const context = { alias: 'db', kind: 'db' as const, app: 'demo' }
    expect(postgresDriver.create({ ...context, options: { host: 'h' } })).toBeInstanceOf(
      PostgresAdapter,
    )
    expect(mariaDriver.create({ ...context, options: { host: 'h' } })).toBeInstanceOf(MariaAdapter)
    expect(sqliteDriver.create({ ...context, options: {} })).toBeInstanceOf(SqliteAdapter)
    for (const driver of [postgresDriver, mariaDriver, sqliteDriver])
      expect(driver.kinds).toEqual(['db'])
  })

  it('boot through the adapter manager from a config line', async () => {
    const manager = new AdapterManager({
      registry: new DriverRegistry([sqliteDriver], async () => undefined),
    })
    await manager.connectAll({ db: { driver: 'sqlite', filename: ':memory:' } })
    disposeAfterTest(() => manager.disconnectAll())
    expect(await manager.get('db').health()).toMatchObject({ ok: true })
  })

  it('resolve a relative SQLite filename against the project root, not the cwd', () => {
    expect(resolveSqliteFilename('./data/app.sqlite', '/srv/shop')).toBe(
      '/srv/shop/data/app.sqlite',
    )
    expect(resolveSqliteFilename('db.sqlite', '/srv/shop')).toBe('/srv/shop/db.sqlite')
    expect(resolveSqliteFilename('../shared/db.sqlite', '/srv/shop')).toBe('/srv/shared/db.sqlite')
    for (const given of [':memory:', 'file::memory:?cache=shared', '/var/lib/shop.sqlite'])
      expect(resolveSqliteFilename(given, '/srv/shop')).toBe(given)
    const context = { alias: 'db', kind: 'db' as const, app: 'mega' }
    const created = (options: Record<string, unknown>, root?: string) =>
      (
        sqliteDriver.create({
          ...context,
          options,
          ...(root === undefined ? {} : { root }),
        }) as SqliteAdapter
      ).options.filename
    expect(created({ filename: './data/app.sqlite' }, '/srv/shop')).toBe(
      '/srv/shop/data/app.sqlite',
    )
    expect(created({}, '/srv/shop')).toBe('/srv/shop/data/app.sqlite')
    expect(created({ filename: ':memory:' }, '/srv/shop')).toBe(':memory:')
    // A driver created without a root (no adapter manager) keeps the cwd.
    expect(created({ filename: 'x.sqlite' })).toBe(resolve('x.sqlite'))
  })

  it('open the file under the adapter manager root, creating nothing in the cwd', async () => {
    const root = await tempDir('mega-sqlite-root-')
    const cwdFile = resolve('data/app.sqlite')
    const before = existsSync(cwdFile)
    const manager = new AdapterManager({
      registry: new DriverRegistry([sqliteDriver], async () => undefined),
      root,
    })
    await manager.connectAll({ db: { driver: 'sqlite', filename: './data/app.sqlite' } })
    disposeAfterTest(() => manager.disconnectAll())
    expect(await manager.get('db').health()).toMatchObject({ ok: true })
    expect(readdirSync(join(root, 'data'))).toContain('app.sqlite')
    expect(existsSync(cwdFile)).toBe(before)
  })

  it('boot uses <root>/data/app.sqlite for a relative filename, wherever the process runs', async () => {
    const root = await tempDir('mega-sqlite-boot-')
    const cwdFile = resolve('data/app.sqlite')
    const before = existsSync(cwdFile)
    const runtime = await boot({
      root,
      config: { name: 'rooted', logger: false, adapters: { db: { driver: 'sqlite' } } },
      drivers: [sqliteDriver],
      listen: false,
      importer: async () => undefined,
    })
    disposeAfterTest(() => runtime.close())
    expect(runtime.adapters.get<SqliteAdapter>('db').options.filename).toBe(
      join(root, 'data/app.sqlite'),
    )
    expect(existsSync(join(root, 'data/app.sqlite'))).toBe(true)
    expect(existsSync(cwdFile)).toBe(before)
  })

  it('report every bad option through the adapter manager before connecting', async () => {
    const manager = new AdapterManager({
      registry: new DriverRegistry([postgresDriver], async () => undefined),
    })
    const err: unknown = await manager
      .connectAll({ db: { driver: 'postgres', pool: { max: -1 }, sll: true } })
      .catch((e: unknown) => e)
    expect((err as MegaError).issues?.map((i) => i.path).sort()).toEqual([
      'adapters.db',
      'adapters.db.pool.max',
      'adapters.db.url',
    ])
  })
})
