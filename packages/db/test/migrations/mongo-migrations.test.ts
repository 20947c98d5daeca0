import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import type { MegaError } from '@mega/observe'
import { tempDir } from '@mega/test-utils'
import { createMigrator } from '../../src/migrations/create-migrator.js'
import { loadMigrationFiles } from '../../src/migrations/migration-files.js'
import { operationsChecksum } from '../../src/migrations/migration-fingerprint.js'
import { createMigrationSchema } from '../../src/migrations/schema-builder.js'
import {
  createMongoMigrator,
  isTransactionSafe,
  type MongoMigratorConfig,
} from '../../src/migrations/mongo-runner.js'
import { SqliteAdapter } from '../../src/sql/sqlite/sqlite-adapter.js'
import {
  createTableMigration,
  importFresh,
  simpleTable,
  writeMigrations,
} from '../helpers/migration-runner-helpers.js'
import { FakeMigrationMongo } from '../helpers/mongo-migration-fake.js'

const A = '20260101000001-create-alpha'
const B = '20260101000002-create-beta'
const C = '20260101000003-create-gamma'

let root: string
let fake: FakeMigrationMongo

beforeEach(async () => {
  root = await tempDir('mega-mongo-migrate-')
  fake = new FakeMigrationMongo()
})

function migrator(extra: Partial<MongoMigratorConfig> = {}) {
  return createMongoMigrator({ db: fake, root, lockPollMs: 5, importer: importFresh, ...extra })
}

async function threeMigrations(): Promise<void> {
  await writeMigrations(root, {
    [A]: createTableMigration('alpha'),
    [B]: createTableMigration('beta'),
    [C]: createTableMigration('gamma'),
  })
}

/** A migration whose `up` makes the given schema calls (as JS source) and whose `down` does nothing. */
function callsMigration(up: string): string {
  return `export function up(schema) {\n${up}\n}\nexport function down() {}\n`
}

const statuses = (results: readonly { status: string }[]) => results.map((r) => r.status)
const userCollections = () => [...fake.collections.keys()].filter((n) => !n.startsWith('mega_'))

describe('createMongoMigrator', () => {
  it('reports every invalid option in one error, and refuses a SQL database', async () => {
    let error: MegaError | undefined
    try {
      createMongoMigrator({ db: fake, root: '', table: 'Bad-Name', lockTimeoutMs: -1 })
    } catch (err) {
      error = err as MegaError
    }
    expect(error?.issues?.map((i) => i.path)).toEqual(
      expect.arrayContaining(['migrator.root', 'migrator.table', 'migrator.lockTimeoutMs']),
    )
    const sqlite = new SqliteAdapter('db', { filename: ':memory:' })
    const db = sqlite as unknown as MongoMigratorConfig['db']
    expect(() => createMongoMigrator({ db, root })).toThrow(/Mongo database adapter/)
  })

  it('applies pending migrations in order: collections, validators, indexes and bookkeeping', async () => {
    await threeMigrations()
    const clock = () => new Date('2026-06-12T09:25:43.000Z')
    const results = await migrator({ clock }).up()
    expect(results.map((r) => [r.name, r.status, r.direction])).toEqual([
      [A, 'applied', 'up'],
      [B, 'applied', 'up'],
      [C, 'applied', 'up'],
    ])
    expect(results[0]?.statements).toEqual([
      'db.createCollection("alpha", {"validator":{"$jsonSchema":{"bsonType":"object","properties":{"_id":{"bsonType":"string","maxLength":36},"label":{"bsonType":["string","null"],"maxLength":100}},"required":["_id"]}}})',
    ])
    expect(userCollections().sort()).toEqual(['alpha', 'beta', 'gamma'])
    expect(fake.collections.get('alpha')?.validator).toHaveProperty('$jsonSchema.required', ['_id'])
    const [fileA] = await loadMigrationFiles({ root })
    expect(fake.docs('mega_migrations')[0]).toEqual({
      _id: A,
      checksum: await operationsChecksum(fileA!, createMigrationSchema),
      appliedAt: new Date('2026-06-12T09:25:43.000Z'),
      batch: 1,
    })
    expect(fake.docs('mega_migrations_lock')).toEqual([])
    expect(await migrator().up()).toEqual([])
  })

  it('applies up to a target, numbers batches per run and lists the status', async () => {
    await threeMigrations()
    expect((await migrator().up({ to: '20260101000001' })).map((r) => r.name)).toEqual([A])
    expect(statuses(await migrator().status())).toEqual(['applied', 'pending', 'pending'])
    await migrator().up()
    expect(fake.docs('mega_migrations').map((d) => d['batch'])).toEqual([1, 2, 2])
    await expect(migrator().up({ to: 'nope' })).rejects.toMatchObject({
      code: 'MEGA_DB_MIGRATION_INVALID',
    })
  })

  it('reverts the latest migrations with down, dropping collections and records', async () => {
    await threeMigrations()
    await migrator().up()
    const results = await migrator().down({ steps: 2 })
    expect(results.map((r) => [r.name, r.status, r.statements])).toEqual([
      [C, 'reverted', ['db.getCollection("gamma").drop()']],
      [B, 'reverted', ['db.getCollection("beta").drop()']],
    ])
    expect(userCollections()).toEqual(['alpha'])
    expect(statuses(await migrator().status())).toEqual(['applied', 'pending', 'pending'])
    await expect(migrator().down({ steps: 0 })).rejects.toMatchObject({
      code: 'MEGA_DB_MIGRATION_INVALID',
    })
  })

  it('redoes the latest migration', async () => {
    await threeMigrations()
    await migrator().up()
    fake.collections.get('gamma')?.docs.push({ _id: 'x', label: 'kept?' })
    const results = await migrator().redo()
    expect(results.map((r) => [r.name, r.status])).toEqual([
      [C, 'reverted'],
      [C, 'applied'],
    ])
    expect(fake.docs('gamma')).toEqual([])
    expect(fake.docs('mega_migrations').map((d) => d['_id'])).toEqual([A, B, C])
  })

  it('returns the commands of a dry run and touches nothing, not even the lock', async () => {
    await threeMigrations()
    const up = await migrator().up({ dryRun: true })
    expect(statuses(up)).toEqual(['pending', 'pending', 'pending'])
    expect(up[2]?.statements[0]).toMatch(/^db\.createCollection\("gamma"/)
    expect(fake.collections.size).toBe(0)
    await migrator().up()
    const calls = fake.calls.length
    const down = await migrator().down({ steps: 3, dryRun: true })
    expect(down.map((r) => r.statements)).toEqual([
      ['db.getCollection("gamma").drop()'],
      ['db.getCollection("beta").drop()'],
      ['db.getCollection("alpha").drop()'],
    ])
    expect(fake.calls.slice(calls).map((c) => c.op)).toEqual(['find'])
    expect(statuses(await migrator().redo({ dryRun: true }))).toEqual(['pending', 'pending'])
  })

  it('rewrites documents: renamed fields, defaults of added fields, renamed collections', async () => {
    await writeMigrations(root, {
      [A]: createTableMigration('alpha'),
      [B]: callsMigration(`  schema.renameColumn('alpha', 'label', 'title')
  schema.addColumn('alpha', { name: 'rank', type: 'integer', nullable: false, default: 0 })
  schema.createIndex('alpha', { name: 'alpha_title_key', columns: ['title'], unique: true })
  schema.renameTable('alpha', 'articles')`),
    })
    await migrator().up({ to: A })
    fake.collections.get('alpha')?.docs.push({ _id: 'a1', label: 'first' }, { _id: 'a2' })
    const [result] = await migrator().up()
    expect(result?.status).toBe('applied')
    expect(result?.statements).toContain(
      'db.getCollection("alpha").updateMany({}, {"$rename":{"label":"title"}}, {"bypassDocumentValidation":true})',
    )
    expect(userCollections()).toEqual(['articles'])
    expect(fake.docs('articles')).toEqual([
      { _id: 'a1', title: 'first', rank: 0 },
      { _id: 'a2', rank: 0 },
    ])
    const articles = fake.collections.get('articles')
    expect([...(articles?.indexes.keys() ?? [])]).toEqual(['alpha_title_key'])
    expect(articles?.validator).toHaveProperty('$jsonSchema.properties.title')
  })

  it('reports the failing migration as failed and the later ones as not run', async () => {
    await writeMigrations(root, {
      [A]: createTableMigration('alpha'),
      [B]: callsMigration(`  schema.createTable(${JSON.stringify({ name: 'beta', columns: [{ name: 'id', type: 'string', nullable: false }], primaryKey: 'id', indexes: [] })})
  schema.dropIndex('beta', { name: 'beta_nope_idx', columns: ['id'], unique: false })`),
      [C]: createTableMigration('gamma'),
    })
    const results = await migrator().up()
    expect(statuses(results)).toEqual(['applied', 'failed', 'not-run'])
    const error = results[1]?.error as MegaError
    expect(error.code).toBe('MEGA_DB_MIGRATION_FAILED')
    expect(error.message).toContain(
      'at statement 2 (db.getCollection("beta").dropIndex("beta_nope_idx"))',
    )
    expect(error.message).toContain('no transactions')
    expect(error.message).toContain('first 1 statement(s) stay applied')
    expect(userCollections().sort()).toEqual(['alpha', 'beta'])
    expect(statuses(await migrator().status())).toEqual(['applied', 'pending', 'pending'])
    expect(fake.docs('mega_migrations_lock')).toEqual([])
  })

  it('refuses drift before running anything: an edited or a missing applied file', async () => {
    await threeMigrations()
    await migrator().up({ to: B })
    const dir = join(root, 'apps/main/migrations')
    // What it does changed (another collection), not only its text.
    await writeFile(join(dir, `${A}.mjs`), createTableMigration('alpha_v2'))
    await rm(join(dir, `${B}.mjs`))
    const error = await migrator()
      .up()
      .then(
        () => undefined,
        (err: unknown) => err as MegaError,
      )
    expect(error).toMatchObject({ code: 'MEGA_DB_MIGRATION_DRIFT' })
    expect(error?.issues?.map((i) => i.path)).toEqual([A, B])
    expect(fake.collections.has('gamma')).toBe(false)
    expect(fake.docs('mega_migrations_lock')).toEqual([])
    const status = await migrator().status()
    expect(status.map((r) => [r.name, r.status, (r.error as MegaError | undefined)?.code])).toEqual(
      [
        [A, 'applied', 'MEGA_DB_MIGRATION_DRIFT'],
        [B, 'applied', 'MEGA_DB_MIGRATION_DRIFT'],
        [C, 'pending', undefined],
      ],
    )
  })

  it('runs only mongo raw commands and refuses one that is not JSON', async () => {
    await writeMigrations(root, {
      [A]: callsMigration(`  schema.raw('create table x (id int)', 'postgres')`),
      [B]: callsMigration(`  schema.raw('not json', 'mongo')`),
    })
    const results = await migrator().up()
    expect(results.map((r) => [r.status, r.statements])).toEqual([
      ['applied', []],
      ['failed', []],
    ])
    expect((results[1]?.error as MegaError).message).toMatch(/JSON command document/)
  })
})

describe('createMongoMigrator on a server with transactions', () => {
  beforeEach(() => {
    fake = new FakeMigrationMongo({ transactions: true })
  })

  it('runs a migration that creates collections in one transaction, rolled back on failure', async () => {
    await writeMigrations(root, {
      [A]: createTableMigration('alpha'),
      [B]: callsMigration(`  schema.createTable(${JSON.stringify(simpleTable('beta'))})
  schema.createTable(${JSON.stringify(simpleTable('alpha'))})`),
    })
    const results = await migrator().up()
    expect(statuses(results)).toEqual(['applied', 'failed'])
    expect((results[1]?.error as MegaError).message).toContain('nothing of it was kept')
    expect(userCollections()).toEqual(['alpha'])
    expect(fake.docs('mega_migrations').map((d) => d['_id'])).toEqual([A])
    const ddl = fake.calls.filter(
      (c) => c.op === 'createCollection' && c.target !== 'mega_migrations',
    )
    expect(ddl.map((c) => [c.target, c.session])).toEqual([
      ['alpha', true],
      ['beta', true],
      ['alpha', true],
    ])
    expect(fake.calls.find((c) => c.op === 'insertOne')).toMatchObject({ session: true })
  })

  it('runs DDL a transaction cannot hold (collMod, drop) one command at a time', async () => {
    await writeMigrations(root, {
      [A]: createTableMigration('alpha'),
      [B]: callsMigration(
        `  schema.addColumn('alpha', { name: 'rank', type: 'integer', nullable: true })`,
      ),
    })
    expect(statuses(await migrator().up())).toEqual(['applied', 'applied'])
    expect(fake.calls.find((c) => c.op === 'collMod')).toEqual({
      op: 'collMod',
      target: 'alpha',
      session: false,
    })
    expect(statuses(await migrator().down({ steps: 2 }))).toEqual(['reverted', 'reverted'])
    expect(userCollections()).toEqual([])
  })
})

describe('isTransactionSafe', () => {
  it('accepts creating collections, their indexes and rewrites; nothing else', () => {
    const index = { kind: 'createIndex', name: 'i', keys: { a: 1 }, unique: false } as const
    const created = { kind: 'createCollection', collection: 'a', validator: {} } as const
    expect(isTransactionSafe([created, { ...index, collection: 'a' }])).toBe(true)
    expect(isTransactionSafe([{ ...index, collection: 'a' }])).toBe(false)
    expect(isTransactionSafe([{ kind: 'dropCollection', collection: 'a' }])).toBe(false)
  })
})

describe('two Mongo migrators racing', () => {
  it('apply each migration once: one applies them all, the other finds nothing to do', async () => {
    await threeMigrations()
    const runs = await Promise.all(
      ['host-a:1', 'host-b:2', 'host-c:3'].map((holder) => migrator({ holder }).up()),
    )
    expect(runs.map((r) => r.length).sort()).toEqual([0, 0, 3])
    expect(
      fake.calls.filter((c) => c.op === 'createCollection' && c.target === 'alpha'),
    ).toHaveLength(1)
    expect(fake.docs('mega_migrations').map((d) => d['_id'])).toEqual([A, B, C])
    expect(fake.docs('mega_migrations_lock')).toEqual([])
  })
})

describe('createMigrator', () => {
  it('returns the Mongo migrator for a mongo database and the SQL one otherwise', async () => {
    await threeMigrations()
    expect(statuses(await createMigrator({ db: fake, root }).up())).toEqual([
      'applied',
      'applied',
      'applied',
    ])
    const sqlite = new SqliteAdapter('db', { filename: ':memory:' })
    await sqlite.connect()
    try {
      expect(statuses(await createMigrator({ db: sqlite, root }).status())).toEqual([
        'pending',
        'pending',
        'pending',
      ])
    } finally {
      await sqlite.disconnect()
    }
  })
})
