import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import { tempDir } from '@mega/test-utils'
import { format } from 'prettier'
import { loadMigrationFiles, migrationChecksum } from '../../src/migrations/migration-files.js'
import { operationsChecksum } from '../../src/migrations/migration-fingerprint.js'
import { createMigrationSchema } from '../../src/migrations/schema-builder.js'
import type { MigrationDialect, MigrationOperation } from '../../src/migrations/migration-types.js'
import type { MigratorConfig } from '../../src/migrations/migrator-config.js'
import { createSqlMigrator } from '../../src/migrations/runner.js'
import { SqliteAdapter } from '../../src/sql/sqlite/sqlite-adapter.js'
import {
  createTableMigration,
  importFresh,
  rawMigration,
  writeMigrations,
} from '../helpers/migration-runner-helpers.js'

/** A stand-in dialect: enough SQL for tables and raw statements, so the runner is tested alone. */
const standIn: MigrationDialect = {
  name: 'sqlite',
  transactionalDdl: true,
  compile(op: MigrationOperation): string[] {
    switch (op.op) {
      case 'createTable': {
        const cols = op.table.columns.map((c) => `"${c.name}" varchar(${c.length ?? 255})`)
        return [`create table "${op.table.name}" (${cols.join(', ')}, primary key ("id"))`]
      }
      case 'dropTable':
        return [`drop table "${op.table}"`]
      case 'raw':
        return op.dialect === undefined || op.dialect === 'sqlite' ? [op.sql] : []
      case 'renameTable':
      case 'addColumn':
      case 'dropColumn':
      case 'renameColumn':
      case 'alterColumn':
      case 'createIndex':
      case 'dropIndex':
      case 'rebuildTable':
        throw new Error(`stand-in cannot compile ${op.op}`)
    }
  },
}

let db: SqliteAdapter
let root: string

beforeEach(async () => {
  db = new SqliteAdapter('db', { filename: ':memory:' })
  await db.connect()
  root = await tempDir('mega-migrate-unit-')
})

afterEach(async () => {
  await db.disconnect()
})

function migrator(extra: Partial<MigratorConfig> = {}) {
  return createSqlMigrator({
    db,
    root,
    dialect: standIn,
    lockPollMs: 5,
    importer: importFresh,
    ...extra,
  })
}

async function tables(): Promise<string[]> {
  const rows = await sql<{
    name: string
  }>`select name from sqlite_master where type = 'table' order by name`.execute(db.kysely())
  return rows.rows.map((r) => r.name)
}

const A = '20260101000001-create-alpha'
const B = '20260101000002-create-beta'
const C = '20260101000003-create-gamma'

/** The bookkeeping rows, by name. */
async function appliedRows() {
  return db
    .kysely<{
      mega_migrations: { name: string; checksum: string; applied_at: string; batch: number }
    }>()
    .selectFrom('mega_migrations')
    .selectAll()
    .orderBy('name')
    .execute()
}

async function threeMigrations(): Promise<void> {
  await writeMigrations(root, {
    [A]: createTableMigration('alpha'),
    [B]: createTableMigration('beta'),
    [C]: createTableMigration('gamma'),
  })
}

describe('createSqlMigrator', () => {
  it('reports every invalid option in one error', () => {
    let error: unknown
    try {
      createSqlMigrator({ db, root: '', table: 'Bad-Name', lockTimeoutMs: -1 })
    } catch (err) {
      error = err
    }
    expect(MegaError.is(error)).toBe(true)
    const paths = (error as MegaError).issues?.map((i) => i.path)
    expect(paths).toEqual(
      expect.arrayContaining(['migrator.root', 'migrator.table', 'migrator.lockTimeoutMs']),
    )
  })

  it('applies pending migrations in name order and records each once', async () => {
    await threeMigrations()
    const results = await migrator().up()
    expect(results.map((r) => [r.name, r.status])).toEqual([
      [A, 'applied'],
      [B, 'applied'],
      [C, 'applied'],
    ])
    expect(results[0]?.statements).toEqual([
      'create table "alpha" ("id" varchar(36), "label" varchar(100), primary key ("id"))',
    ])
    expect(await tables()).toEqual(
      expect.arrayContaining(['alpha', 'beta', 'gamma', 'mega_migrations']),
    )
    expect(await migrator().up()).toEqual([])
  })

  it('records the checksum of what each migration does, the batch and the time applied', async () => {
    await threeMigrations()
    const clock = () => new Date('2026-06-12T09:25:43.000Z')
    await migrator({ clock }).up({ to: A })
    await migrator({ clock }).up()
    const rows = await appliedRows()
    expect(rows.map((r) => [r.name, r.batch, r.applied_at])).toEqual([
      [A, 1, '2026-06-12T09:25:43.000Z'],
      [B, 2, '2026-06-12T09:25:43.000Z'],
      [C, 2, '2026-06-12T09:25:43.000Z'],
    ])
    const [fileA] = await loadMigrationFiles({ root })
    expect(rows[0]?.checksum).toBe(await operationsChecksum(fileA!, createMigrationSchema))
    expect(rows[0]?.checksum).not.toBe(fileA?.textChecksum)
  })

  it('applies up to a target given by name or stamp', async () => {
    await threeMigrations()
    expect((await migrator().up({ to: '20260101000002' })).map((r) => r.name)).toEqual([A, B])
    expect((await migrator().status()).map((r) => r.status)).toEqual([
      'applied',
      'applied',
      'pending',
    ])
  })

  it('refuses an unknown target', async () => {
    await threeMigrations()
    await expect(migrator().up({ to: 'nope' })).rejects.toMatchObject({
      code: 'MEGA_DB_MIGRATION_INVALID',
    })
  })

  it('reverts the latest migrations with down and deletes their rows', async () => {
    await threeMigrations()
    await migrator().up()
    const results = await migrator().down({ steps: 2 })
    expect(results.map((r) => [r.name, r.status, r.direction])).toEqual([
      [C, 'reverted', 'down'],
      [B, 'reverted', 'down'],
    ])
    expect(await tables()).not.toContain('beta')
    expect((await migrator().status()).map((r) => r.status)).toEqual([
      'applied',
      'pending',
      'pending',
    ])
  })

  it('refuses a step count that is not a positive integer', async () => {
    await expect(migrator().down({ steps: 0 })).rejects.toMatchObject({
      code: 'MEGA_DB_MIGRATION_INVALID',
    })
  })

  it('redoes the latest migration', async () => {
    await threeMigrations()
    await migrator().up()
    const results = await migrator().redo()
    expect(results.map((r) => [r.name, r.status])).toEqual([
      [C, 'reverted'],
      [C, 'applied'],
    ])
    expect(await tables()).toContain('gamma')
  })

  it('returns the statements of a dry run and changes nothing', async () => {
    await threeMigrations()
    const results = await migrator().up({ dryRun: true })
    expect(results.map((r) => r.status)).toEqual(['pending', 'pending', 'pending'])
    expect(results[2]?.statements).toEqual([
      'create table "gamma" ("id" varchar(36), "label" varchar(100), primary key ("id"))',
    ])
    expect(await tables()).toEqual([])
    await migrator().up()
    const down = await migrator().down({ steps: 3, dryRun: true })
    expect(down.map((r) => r.statements)).toEqual([
      ['drop table "gamma"'],
      ['drop table "beta"'],
      ['drop table "alpha"'],
    ])
    expect(await tables()).toContain('alpha')
  })

  it('reports the failing migration as failed and the later ones as not run', async () => {
    await writeMigrations(root, {
      [A]: createTableMigration('alpha'),
      [B]: createTableMigration('beta', ['insert into no_such_table values (1)']),
      [C]: createTableMigration('gamma'),
    })
    const results = await migrator().up()
    expect(results.map((r) => r.status)).toEqual(['applied', 'failed', 'not-run'])
    const error = results[1]?.error as MegaError
    expect(error.code).toBe('MEGA_DB_MIGRATION_FAILED')
    expect(error.message).toContain('at statement 2')
    expect(await tables()).toEqual(['alpha', 'mega_migrations', 'mega_migrations_lock'])
    expect((await migrator().status()).map((r) => r.status)).toEqual([
      'applied',
      'pending',
      'pending',
    ])
  })

  it('refuses drift before running anything: an edited or a missing applied file', async () => {
    await threeMigrations()
    await migrator().up({ to: B })
    const dir = join(root, 'apps/main/migrations')
    // What it does changed (another table), not only its text.
    await writeFile(join(dir, `${A}.mjs`), createTableMigration('alpha_v2'))
    await rm(join(dir, `${B}.mjs`))
    const error = await migrator()
      .up()
      .catch((err: unknown) => err)
    expect(error).toMatchObject({ code: 'MEGA_DB_MIGRATION_DRIFT' })
    expect((error as MegaError).issues?.map((i) => i.path)).toEqual([A, B])
    expect(await tables()).not.toContain('gamma')
    const status = await migrator().status()
    expect(status.map((r) => [r.name, r.status, (r.error as MegaError | undefined)?.code])).toEqual(
      [
        [A, 'applied', 'MEGA_DB_MIGRATION_DRIFT'],
        [B, 'applied', 'MEGA_DB_MIGRATION_DRIFT'],
        [C, 'pending', undefined],
      ],
    )
  })

  it('skips raw SQL meant for another dialect', async () => {
    const text = `export function up(schema) { schema.raw('create table only_pg (id integer)', 'postgres') }
export function down() {}\n`
    await writeMigrations(root, { [A]: text })
    const [result] = await migrator().up()
    expect(result).toMatchObject({ status: 'applied', statements: [] })
  })
})

describe('loadMigrationFiles', () => {
  it('lists nothing when the app has no migrations folder', async () => {
    expect(await loadMigrationFiles({ root })).toEqual([])
  })

  it('refuses misnamed, duplicate and incomplete files, listing each', async () => {
    await writeMigrations(root, {
      'create-users': rawMigration([]),
      '20260101000001-no-down': 'export function up() {}\n',
      [A]: rawMigration([]),
    })
    await writeFile(join(root, 'apps/main/migrations', `${A}.js`), rawMigration([]))
    await writeFile(join(root, 'apps/main/migrations', 'README.md'), '# notes\n')
    const error = await loadMigrationFiles({ root }).catch((err: unknown) => err)
    expect(error).toMatchObject({ code: 'MEGA_DB_MIGRATION_INVALID' })
    expect((error as MegaError).issues?.map((i) => i.path).sort()).toEqual([
      `${A}.mjs`,
      '20260101000001-no-down.mjs',
      'create-users.mjs',
    ])
  })

  it('ignores line endings in the checksum', () => {
    expect(migrationChecksum('a\r\nb\r\n')).toBe(migrationChecksum('a\nb\n'))
    expect(migrationChecksum('a\nb\n')).not.toBe(migrationChecksum('a\nc\n'))
  })
})

describe('migrations that survive formatting', () => {
  const dir = () => join(root, 'apps/main/migrations')
  const reformat = async (name: string, options: Record<string, unknown>) => {
    const file = join(dir(), `${name}.mjs`)
    const text = await readFile(file, 'utf8')
    const formatted = await format(`// Reviewed.\n${text}`, { filepath: file, ...options })
    expect(formatted).not.toBe(text)
    await writeFile(file, formatted)
  }

  it('formatting an applied migration with prettier is no drift; changing a column type is', async () => {
    await threeMigrations()
    await migrator().up({ to: B })
    await reformat(A, { semi: false, singleQuote: true, printWidth: 60 })
    await reformat(B, { semi: true, singleQuote: false, tabWidth: 4 })
    expect((await migrator().status()).map((r) => [r.name, r.status, r.error])).toEqual([
      [A, 'applied', undefined],
      [B, 'applied', undefined],
      [C, 'pending', undefined],
    ])
    expect((await migrator().up()).map((r) => [r.name, r.status])).toEqual([[C, 'applied']])

    const file = join(dir(), `${B}.mjs`)
    const text = await readFile(file, 'utf8')
    const length = /(["']?length["']?):\s*100/
    expect(text).toMatch(length)
    await writeFile(file, text.replace(new RegExp(length, 'g'), '$1: 50'))
    const [, beta] = await migrator().status()
    expect(beta?.error).toMatchObject({ code: 'MEGA_DB_MIGRATION_DRIFT' })
  })

  it('keeps accepting the text checksum of databases that applied a migration before, and upgrades it', async () => {
    await threeMigrations()
    await migrator().up({ to: A })
    const text = await readFile(join(dir(), `${A}.mjs`), 'utf8')
    // What a database migrated by an earlier version holds: the checksum of the text.
    await db
      .kysely<{ mega_migrations: { name: string; checksum: string } }>()
      .updateTable('mega_migrations')
      .set({ checksum: migrationChecksum(text) })
      .where('name', '=', A)
      .execute()
    expect((await migrator().status())[0]?.error).toBeUndefined()
    await migrator().up() // re-records the checksum of what A does
    const [fileA] = await loadMigrationFiles({ root })
    expect((await appliedRows())[0]?.checksum).toBe(
      await operationsChecksum(fileA!, createMigrationSchema),
    )
    await reformat(A, { semi: false })
    expect((await migrator().status())[0]?.error).toBeUndefined()
  })
})
