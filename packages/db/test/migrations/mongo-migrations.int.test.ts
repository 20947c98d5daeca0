import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MegaError } from '@mega/observe'
import { requireService, tempDir, uniqueName } from '@mega/test-utils'
import { acquireMongoMigrationLock } from '../../src/mongo/mongo-migration-lock.js'
import { createMongoMigrator, type MongoMigratorConfig } from '../../src/migrations/mongo-runner.js'
import { MegaMongoAdapter } from '../../src/mongo/mongo-adapter.js'
import {
  createTableMigration,
  simpleTable,
  writeMigrations,
} from '../helpers/migration-runner-helpers.js'

// No MongoDB server runs on the development and CI machines: this suite runs only when
// MEGA_TEST_MONGO_URL points at one (requireService never fails CI for mongo).
const mongo = await requireService('mongo')

const A = '20260101000001-create-alpha'
const B = '20260101000002-reshape-alpha'
const C = '20260101000003-create-beta'

const reshape = `export function up(schema) {
  schema.renameColumn('alpha', 'label', 'title')
  schema.addColumn('alpha', { name: 'rank', type: 'integer', nullable: false, default: 0 })
  schema.createIndex('alpha', { name: 'alpha_title_key', columns: ['title'], unique: true })
}
export function down(schema) {
  schema.dropIndex('alpha', { name: 'alpha_title_key', columns: ['title'], unique: true })
  schema.dropColumn('alpha', 'rank', { name: 'rank', type: 'integer', nullable: false, default: 0 })
  schema.renameColumn('alpha', 'title', 'label')
}
`

const statuses = (results: readonly { status: string }[]) => results.map((r) => r.status)

describe.runIf(mongo.available)('Mongo migrations against a real server', () => {
  const adapters: MegaMongoAdapter[] = []
  let database: string
  let root: string
  let db: MegaMongoAdapter

  async function connect(): Promise<MegaMongoAdapter> {
    const url = mongo.url ?? ''
    const adapter = new MegaMongoAdapter('db', { url, database, serverSelectionTimeoutMs: 3000 })
    adapters.push(adapter)
    await adapter.connect()
    return adapter
  }

  function migrator(extra: Partial<MongoMigratorConfig> = {}) {
    return createMongoMigrator({ db, root, lockPollMs: 20, ...extra })
  }

  const alpha = () => db.collection<{ _id: string; label?: string; title?: unknown }>('alpha')

  async function collections(): Promise<string[]> {
    const list = await db.db().listCollections({}, { nameOnly: true }).toArray()
    return list.map((c) => c.name).sort()
  }

  beforeEach(async () => {
    database = uniqueName('mega_migrate')
    root = await tempDir('mega-mongo-migrate-int-')
    db = await connect()
  })

  afterEach(async () => {
    await db.db().dropDatabase()
    for (const adapter of adapters.splice(0)) await adapter.disconnect()
  })

  it('applies, reshapes documents and reverts to an empty database', async () => {
    await writeMigrations(root, { [A]: createTableMigration('alpha'), [B]: reshape })
    expect(statuses(await migrator().up({ to: A }))).toEqual(['applied'])
    await alpha().insertOne({ _id: 'a1', label: 'first' })
    expect(statuses(await migrator().up())).toEqual(['applied'])
    expect(await alpha().find({}).toArray()).toEqual([{ _id: 'a1', title: 'first', rank: 0 }])
    const indexes = await alpha().indexes()
    expect(indexes.find((i) => i.name === 'alpha_title_key')?.unique).toBe(true)
    const rejected = await alpha()
      .insertOne({ _id: 'a2', title: 7 })
      .catch((err: unknown) => db.mapError(err))
    expect(rejected).toMatchObject({ code: 'MEGA_DB_CHECK' })
    expect(statuses(await migrator().down({ steps: 2 }))).toEqual(['reverted', 'reverted'])
    expect(await collections()).toEqual(['mega_migrations', 'mega_migrations_lock'])
    expect(await db.collection('mega_migrations').countDocuments()).toBe(0)
  })

  it('reports a failed migration and the later ones as not run', async () => {
    const dup = JSON.stringify(simpleTable('alpha'))
    await writeMigrations(root, {
      [A]: createTableMigration('alpha'),
      [B]: `export function up(schema) { schema.createTable(${dup}) }\nexport function down() {}\n`,
      [C]: createTableMigration('beta'),
    })
    const results = await migrator().up()
    expect(statuses(results)).toEqual(['applied', 'failed', 'not-run'])
    expect(results[1]?.error).toMatchObject({ code: 'MEGA_DB_MIGRATION_FAILED' })
    expect(statuses(await migrator().status())).toEqual(['applied', 'pending', 'pending'])
  })

  it('changes nothing on a dry run', async () => {
    await writeMigrations(root, { [A]: createTableMigration('alpha') })
    const [result] = await migrator().up({ dryRun: true })
    expect(result?.statements[0]).toMatch(/^db\.createCollection\("alpha"/)
    expect(await collections()).toEqual([])
  })

  it('applies each migration once when four migrators start at once', async () => {
    await writeMigrations(root, {
      [A]: createTableMigration('alpha'),
      [C]: createTableMigration('beta'),
    })
    const others = await Promise.all([connect(), connect(), connect()])
    const runs = await Promise.all(
      [db, ...others].map((d, i) => createMongoMigrator({ db: d, root, holder: `run-${i}` }).up()),
    )
    expect(runs.map((r) => r.filter((x) => x.status === 'applied').length).sort()).toEqual([
      0, 0, 0, 2,
    ])
    expect(runs.flat().filter((r) => r.status === 'failed')).toEqual([])
    expect(await db.collection('mega_migrations').countDocuments()).toBe(2)
  })

  it('times out on a lock another run holds, naming the holder', async () => {
    await writeMigrations(root, { [A]: createTableMigration('alpha') })
    const held = await acquireMongoMigrationLock({
      ...{ db, name: 'mega_migrations', timeoutMs: 1000, ttlMs: 60_000, pollMs: 20 },
      ...{ holder: 'other-host:4242', clock: () => new Date() },
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    })
    try {
      const error = await migrator({ lockTimeoutMs: 200 })
        .up()
        .then(
          () => undefined,
          (err: unknown) => err as MegaError,
        )
      expect(error).toMatchObject({ code: 'MEGA_DB_MIGRATION_LOCKED', statusCode: 409 })
      expect(error?.message).toContain('other-host:4242')
    } finally {
      await held.release()
    }
    expect(statuses(await migrator().up())).toEqual(['applied'])
  })
})
