// The whole migration loop on real databases: models → generate → up → introspect == models, step by
// step through the kinds of change, each reverted and re-applied with data kept; then down to empty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { uniqueName } from '@mega/test-utils'
import { col, defineModel, type AnyModel } from '../../src/index.js'
import { canonicalSchema, introspectSchema } from '../../src/migrations/introspect.js'
import { generateMigration } from '../../src/migrations/generate.js'
import { scanModels } from '../../src/migrations/model-scan.js'
import { createSqlMigrator } from '../../src/migrations/runner.js'
import type { SqlDbAdapter } from '../../src/sql/sql-types.js'
import { sqlDialects } from '../helpers/sql-dialects.js'
import type { DatabaseSchema } from '../../src/migrations/migration-types.js'

const dialects = await sqlDialects()

type Rows = Record<string, unknown>[]

// Column order is physical (a renamed or altered column keeps its place); compare by name.
function byColumnName(schema: DatabaseSchema): DatabaseSchema {
  const tables = Object.fromEntries(
    Object.entries(schema.tables).map(([name, t]) => [
      name,
      { ...t, columns: [...t.columns].sort((a, b) => a.name.localeCompare(b.name)) },
    ]),
  )
  return { ...schema, tables }
}

describe.each(dialects)('migrations round trip on $name', ({ available, open }) => {
  const suffix = uniqueName('m')
  const orgs = `orgs_${suffix}`
  const users = `users_${suffix}`
  const posts = `posts_${suffix}`
  const table = `mig_${suffix}`
  let root = ''
  let db: SqlDbAdapter
  let second = 0
  const clock = () => new Date(Date.UTC(2026, 10, 21, 12, 0, (second += 1)))

  const Org = defineModel(
    orgs,
    { id: col.id(), name: col.string(50).unique() },
    { timestamps: false },
  )
  const v1User = {
    id: col.id(),
    name: col.string(50),
    bio: col.text().nullable(),
    orgId: col.references(() => Org).nullable(),
  }
  const Post1 = defineModel(posts, { id: col.id(), title: col.string(100) }, { timestamps: false })

  async function step(name: string, models: AnyModel[], allowDestructive = false): Promise<void> {
    const generated = await generateMigration({ root, name, models, clock, allowDestructive })
    expect(generated, `${name} generates a migration`).not.toBeNull()
    const results = await createSqlMigrator({ db, root, table }).up()
    expect(results.map((r) => r.status)).toEqual(['applied'])
    const live = byColumnName(
      canonicalSchema(await introspectSchema(db, { tables: [orgs, users, posts] })),
    )
    expect(live).toEqual(byColumnName(canonicalSchema(scanModels(models).schema)))
    expect(await generateMigration({ root, name: 'again', models, clock })).toBeNull()
  }

  async function redoKeeps(rowsOf: () => Promise<Rows>): Promise<void> {
    const before = await rowsOf()
    const results = await createSqlMigrator({ db, root, table }).redo()
    expect(results.map((r) => r.status)).toEqual(['reverted', 'applied'])
    expect(await rowsOf()).toEqual(before)
  }

  const select =
    (t: string, ...cols: string[]) =>
    () =>
      db
        .kysely<Record<string, Record<string, unknown>>>()
        .selectFrom(t)
        .select(cols)
        .orderBy('id')
        .execute() as Promise<Rows>

  beforeAll(async () => {
    if (!available) return
    root = await mkdtemp(join(tmpdir(), 'mega-migrate-'))
    db = open(root)
    await db.connect()
  })

  afterAll(async () => {
    if (!available) return
    await createSqlMigrator({ db, root, table })
      .down({ steps: 100 })
      .catch(() => undefined)
    for (const t of [posts, users, orgs, `${table}_lock`, table])
      await db.kysely().schema.dropTable(t).ifExists().execute()
    await db.disconnect()
    await rm(root, { recursive: true, force: true })
  })

  it.runIf(available)('creates the tables from the models', async () => {
    const User = defineModel(users, v1User, { timestamps: false })
    await step('init', [Org, User, Post1])
    await db
      .kysely<Record<string, Record<string, unknown>>>()
      .insertInto(orgs)
      .values({ name: 'acme' })
      .execute()
    await db
      .kysely<Record<string, Record<string, unknown>>>()
      .insertInto(users)
      .values([
        { name: 'Ada', bio: 'x', orgId: 1 },
        { name: 'Bob', bio: null, orgId: null },
      ])
      .execute()
  })

  it.runIf(available)('adds a column, keeping rows through down and up', async () => {
    const User = defineModel(
      users,
      { ...v1User, age: col.integer().nullable() },
      { timestamps: false },
    )
    await step('add age', [Org, User, Post1])
    await redoKeeps(select(users, 'id', 'name', 'bio'))
  })

  it.runIf(available)('adds an index', async () => {
    const User = defineModel(
      users,
      { ...v1User, age: col.integer().nullable().index() },
      { timestamps: false },
    )
    await step('index age', [Org, User, Post1])
    await redoKeeps(select(users, 'id', 'name', 'age'))
  })

  it.runIf(available)('renames a column declared with renamedFrom, keeping its data', async () => {
    const { name: _name, ...rest } = v1User
    const User = defineModel(
      users,
      {
        ...rest,
        fullName: col.string(50).renamedFrom('name'),
        age: col.integer().nullable().index(),
      },
      { timestamps: false },
    )
    await step('rename name', [Org, User, Post1])
    expect((await select(users, 'id', 'fullName')()).map((r) => r.fullName)).toEqual(['Ada', 'Bob'])
    await redoKeeps(select(users, 'id', 'fullName'))
  })

  it.runIf(available)('changes a type (widening integer to bigint) and keeps values', async () => {
    await db
      .kysely<Record<string, Record<string, unknown>>>()
      .updateTable(users)
      .set({ age: 36 })
      .where('id', '=', 1)
      .execute()
    const { name: _name, ...rest } = v1User
    const User = defineModel(
      users,
      {
        ...rest,
        fullName: col.string(50).renamedFrom('name'),
        age: col.bigint().nullable().index(),
      },
      { timestamps: false },
    )
    await step('widen age', [Org, User, Post1])
    expect((await select(users, 'id', 'age')()).map((r) => String(r.age))).toEqual(['36', 'null'])
    await redoKeeps(select(users, 'id', 'fullName', 'age'))
  })

  it.runIf(available)(
    'adds a foreign key column to an existing table (SQLite rebuilds it)',
    async () => {
      await db
        .kysely<Record<string, Record<string, unknown>>>()
        .insertInto(posts)
        .values({ title: 'hello' })
        .execute()
      const { name: _name, ...rest } = v1User
      const User = defineModel(
        users,
        {
          ...rest,
          fullName: col.string(50).renamedFrom('name'),
          age: col.bigint().nullable().index(),
        },
        { timestamps: false },
      )
      const Post = defineModel(
        posts,
        {
          id: col.id(),
          title: col.string(100),
          authorId: col
            .references(() => User)
            .nullable()
            .onDelete('set null'),
        },
        { timestamps: false },
      )
      await step('post author', [Org, User, Post])
      await redoKeeps(select(posts, 'id', 'title'))
    },
  )

  it.runIf(available)('drops a column only with allowDestructive', async () => {
    const { name: _name, bio: _bio, ...rest } = v1User
    const User = defineModel(
      users,
      { ...rest, fullName: col.string(50), age: col.bigint().nullable().index() },
      { timestamps: false },
    )
    const Post = defineModel(
      posts,
      {
        id: col.id(),
        title: col.string(100),
        authorId: col
          .references(() => User)
          .nullable()
          .onDelete('set null'),
      },
      { timestamps: false },
    )
    await expect(
      generateMigration({ root, name: 'drop bio', models: [Org, User, Post], clock }),
    ).rejects.toMatchObject({ code: 'MEGA_DB_MIGRATION_DESTRUCTIVE' })
    await step('drop bio', [Org, User, Post], true)
    expect((await select(users, 'id', 'fullName')()).map((r) => r.fullName)).toEqual(['Ada', 'Bob'])
  })

  it.runIf(available)('goes down to empty: no table of the models is left', async () => {
    const results = await createSqlMigrator({ db, root, table }).down({ steps: 100 })
    expect(results.every((r) => r.status === 'reverted')).toBe(true)
    expect(results).toHaveLength(7)
    const live = await introspectSchema(db, { tables: [orgs, users, posts] })
    expect(Object.keys(live.tables)).toEqual([])
  })
})
