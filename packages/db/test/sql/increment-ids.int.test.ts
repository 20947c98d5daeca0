// Increment ids are never handed out twice. A deleted user's id going to the next sign-up lets
// whatever still holds the old id (a cookie session, a token row, log lines) act as the new user.
// SQLite only guarantees this with AUTOINCREMENT; PostgreSQL identities and MariaDB AUTO_INCREMENT
// never go back while the server runs. Also: `rebuildTable` gives a table made before that fix its
// AUTOINCREMENT, keeping rows, indexes, foreign keys and the counter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { uniqueName } from '@mega/test-utils'
import { col, createCrud, defineModel } from '../../src/index.js'
import { sqliteMigrationDialect } from '../../src/sql/sqlite/sqlite-migration-dialect.js'
import { generateMigration } from '../../src/migrations/generate.js'
import type { MigrationDialect, TableSchema } from '../../src/migrations/migration-types.js'
import { createSqlMigrator } from '../../src/migrations/runner.js'
import { SqliteAdapter } from '../../src/sql/sqlite/sqlite-adapter.js'
import type { SqlDbAdapter } from '../../src/sql/sql-types.js'
import { sqlDialects } from '../helpers/sql-dialects.js'
import { writeMigrations } from '../helpers/migration-runner-helpers.js'

const dialects = await sqlDialects()

type AnyDB = Record<string, Record<string, unknown>>

describe.each(dialects)('increment ids from generated migrations on $name', (d) => {
  const suffix = uniqueName('ai')
  const users = `users_${suffix}`
  const table = `mig_${suffix}`
  let root = ''
  let db: SqlDbAdapter
  let second = 0
  const clock = () => new Date(Date.UTC(2026, 11, 1, 12, 0, (second += 1)))
  const v1 = { id: col.id(), email: col.string(100).unique(), name: col.string(20) }

  beforeAll(async () => {
    if (!d.available) return
    root = await mkdtemp(join(tmpdir(), 'mega-ids-'))
    db = d.open(root)
    await db.connect()
  })

  afterAll(async () => {
    if (!d.available) return
    await createSqlMigrator({ db, root, table })
      .down({ steps: 10 })
      .catch(() => undefined)
    for (const t of [users, `${table}_lock`, table])
      await db.kysely().schema.dropTable(t).ifExists().execute()
    await db.disconnect()
    await rm(root, { recursive: true, force: true })
  })

  it.runIf(d.available)('never gives a deleted id to the next row', async () => {
    const User = defineModel(users, v1, { timestamps: false })
    await generateMigration({ root, name: 'users', models: [User], clock })
    expect((await createSqlMigrator({ db, root, table }).up()).map((r) => r.status)).toEqual([
      'applied',
    ])
    const crud = createCrud(User, db)
    const [, mallory] = await crud.createMany([
      { email: 'alice@example.com', name: 'Alice' },
      { email: 'mallory@example.com', name: 'Mallory' },
    ])
    await crud.remove(mallory!.id)
    const victim = await crud.create({ email: 'victim@example.com', name: 'Victim' })
    expect(victim.id).not.toBe(mallory!.id)
    expect(victim.id).toBeGreaterThan(mallory!.id)
  })

  it.runIf(d.available)('keeps the counter when a later migration rebuilds the table', async () => {
    // string(20) → text: SQLite rebuilds the table for it (copy, drop, rename).
    const User = defineModel(users, { ...v1, name: col.text() }, { timestamps: false })
    const crud = createCrud(User, db)
    const top = await crud.create({ email: 'top@example.com', name: 'Top' })
    await crud.remove(top.id)
    await generateMigration({ root, name: 'widen name', models: [User], clock })
    const results = await createSqlMigrator({ db, root, table }).up()
    expect(results.map((r) => r.status)).toEqual(['applied'])
    if (d.name === 'sqlite')
      expect(results[0]?.statements.join('\n')).toContain('CREATE TABLE "__mega_rebuild_')
    const next = await crud.create({ email: 'next@example.com', name: 'Next' })
    expect(next.id).toBeGreaterThan(top.id)
  })
})

describe('SQLite tables from before AUTOINCREMENT: rebuildTable', () => {
  const usersTable: TableSchema = {
    name: 'users',
    primaryKey: 'id',
    columns: [
      { name: 'id', type: 'id', nullable: false, idStrategy: 'increment' },
      { name: 'email', type: 'string', length: 100, nullable: false },
    ],
    indexes: [{ name: 'users_email_key', columns: ['email'], unique: true }],
  }
  const sessionsTable: TableSchema = {
    name: 'sessions',
    primaryKey: 'id',
    columns: [
      { name: 'id', type: 'id', nullable: false, idStrategy: 'increment' },
      {
        name: 'user_id',
        type: 'integer',
        nullable: false,
        references: {
          name: 'sessions_user_id_fkey',
          table: 'users',
          column: 'id',
          onDelete: 'cascade',
        },
      },
    ],
    indexes: [],
  }
  /** What Mega's SQLite dialect emitted before: `integer PRIMARY KEY` without AUTOINCREMENT. */
  const legacyDialect: MigrationDialect = {
    ...sqliteMigrationDialect,
    compile: (op, schema) =>
      sqliteMigrationDialect.compile(op, schema).map((s) => s.replace(' AUTOINCREMENT', '')),
  }
  const migrationTable = 'mega_migrations'
  let root = ''
  let db: SqliteAdapter

  const k = () => db.kysely<AnyDB>()
  const ids = async (t: string) =>
    (await k().selectFrom(t).select('id').orderBy('id').execute()).map((r) => r.id)
  const ddl = async (t: string) =>
    (
      await k()
        .selectFrom('sqlite_master')
        .select('sql')
        .where('type', '=', 'table')
        .where('name', '=', t)
        .executeTakeFirstOrThrow()
    ).sql as string

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mega-rebuild-'))
    db = new SqliteAdapter('db', { filename: join(root, 'app.sqlite') })
    await db.connect()
    const created = JSON.stringify([usersTable, sessionsTable])
    await writeMigrations(root, {
      '20260101000000-create-users': [
        `const tables = ${created}`,
        'export function up(schema) { for (const t of tables) schema.createTable(t) }',
        'export function down(schema) { for (const t of [...tables].reverse()) schema.dropTable(t.name, t) }',
        '',
      ].join('\n'),
    })
    const legacy = createSqlMigrator({ db, root, table: migrationTable, dialect: legacyDialect })
    expect((await legacy.up()).map((r) => r.status)).toEqual(['applied'])
  })

  afterAll(async () => {
    await db.disconnect()
    await rm(root, { recursive: true, force: true })
  })

  it('a legacy table reuses a deleted top id (the bug rebuildTable fixes)', async () => {
    expect(await ddl('users')).toMatch(/"id" integer PRIMARY KEY,/)
    await k()
      .insertInto('users')
      .values([1, 2, 3, 4].map((n) => ({ email: `u${n}@example.com` })))
      .execute()
    await k().deleteFrom('users').where('id', '=', 4).execute()
    await k().insertInto('users').values({ email: 'reuse@example.com' }).execute()
    expect(await ids('users')).toEqual([1, 2, 3, 4])
    await k().deleteFrom('users').where('email', '=', 'reuse@example.com').execute()
    await k()
      .insertInto('sessions')
      .values([{ user_id: 1 }, { user_id: 3 }])
      .execute()
  })

  it('rebuilds with AUTOINCREMENT, keeping rows, indexes, foreign keys and the counter', async () => {
    await writeMigrations(root, {
      '20260102000000-autoincrement-ids': [
        'export function up(schema) {',
        "  schema.rebuildTable('users')",
        "  schema.rebuildTable('sessions')",
        // Ids deleted before the rebuild above the highest kept one (4) are unknown to SQLite:
        // move the counter past them so none is handed out again.
        "  schema.raw(\"UPDATE sqlite_sequence SET seq = seq + 1000 WHERE name = 'users'\", 'sqlite')",
        '}',
        'export function down() {}',
        '',
      ].join('\n'),
    })
    const results = await createSqlMigrator({ db, root, table: migrationTable }).up()
    expect(results.map((r) => [r.status, r.error])).toEqual([['applied', undefined]])
    expect(await ddl('users')).toMatch(/"id" integer PRIMARY KEY AUTOINCREMENT,/)
    expect(await ddl('sessions')).toMatch(/"id" integer PRIMARY KEY AUTOINCREMENT,/)
    expect(await ddl('sessions')).toContain(
      'CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE',
    )
    expect(await ids('users')).toEqual([1, 2, 3])
    expect(
      (await k().selectFrom('sessions').select('user_id').orderBy('id').execute()).map(
        (r) => r.user_id,
      ),
    ).toEqual([1, 3])

    // The unique index is back.
    await expect(
      k().insertInto('users').values({ email: 'u1@example.com' }).execute(),
    ).rejects.toThrow(/UNIQUE/)
    // Foreign keys are on again and enforced, cascades included.
    await expect(k().insertInto('sessions').values({ user_id: 999 }).execute()).rejects.toThrow(
      /FOREIGN KEY/,
    )
    await k().deleteFrom('users').where('id', '=', 3).execute()
    expect(
      (await k().selectFrom('sessions').select('user_id').execute()).map((r) => r.user_id),
    ).toEqual([1])

    // The next id is past everything ever handed out, and a deleted top id stays retired.
    await k().insertInto('users').values({ email: 'new@example.com' }).execute()
    const [newId] = (await ids('users')).slice(-1)
    expect(newId).toBe(1004)
    await k().deleteFrom('users').where('id', '=', 1004).execute()
    await k().insertInto('users').values({ email: 'after@example.com' }).execute()
    expect((await ids('users')).slice(-1)).toEqual([1005])
  })

  it('refuses to rebuild a table the schema does not have', async () => {
    await writeMigrations(root, {
      '20260103000000-missing': [
        "export function up(schema) { schema.rebuildTable('nope') }",
        'export function down() {}',
        '',
      ].join('\n'),
    })
    const [result] = await createSqlMigrator({ db, root, table: migrationTable }).up()
    expect(result?.status).toBe('failed')
    expect(result?.error).toMatchObject({ code: 'MEGA_DB_MIGRATION_FAILED' })
    expect(String((result?.error as Error).message)).toContain('nope')
  })
})
