// Field names from a request that happen to be Object.prototype members (`constructor`, `__proto__`,
// `toString`, ...) are unknown fields like any other: a 422 MEGA_CRUD_INVALID_QUERY before any query,
// on SQLite and on Mongo (FakeMongo). A model may still declare such a column, and migrations handle
// it. Also: a 404 names no table in its message.
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import { col } from '../../src/model/column.js'
import { defineModel } from '../../src/model/define-model.js'
import { createCrud } from '../../src/crud/create-crud.js'
import type { Crud } from '../../src/crud/crud.js'
import { encodeCursor } from '../../src/crud/cursor.js'
import { SqliteAdapter } from '../../src/sql/sqlite/sqlite-adapter.js'
import { diffSchemas } from '../../src/migrations/differ.js'
import { scanModels } from '../../src/migrations/model-scan.js'
import {
  EMPTY_SCHEMA,
  applyOperation,
  createMigrationSchema,
} from '../../src/migrations/schema-builder.js'
import { FakeMongo } from '../helpers/mongo-crud-fake.js'
import { createModelTable } from '../helpers/model-table.js'

const Post = defineModel(
  'posts',
  {
    id: col.id(),
    title: col.string(100),
    views: col.integer().default(0),
    meta: col.json().nullable(),
  },
  { softDelete: true },
)

const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']

/** Every user-facing place a field name goes: sort, filter (plain and operator form), cursor sort. */
function queries(name: string): { label: string; run: (crud: Crud<typeof Post>) => unknown }[] {
  // JSON.parse, as a request body or parsed query would arrive: `__proto__` becomes an own key.
  const filter = (condition: unknown) =>
    JSON.parse(JSON.stringify({ [name]: condition })) as Record<string, never>
  return [
    { label: `sort '${name}'`, run: (c) => c.list({ sort: name as never }) },
    { label: `sort '-${name}'`, run: (c) => c.list({ sort: [`-${name}`] as never }) },
    { label: `sort 'title,${name}'`, run: (c) => c.list({ sort: `title,${name}` as never }) },
    { label: `filter { ${name}: 'x' }`, run: (c) => c.list({ filter: filter('x') }) },
    { label: `filter { ${name}: 1 }`, run: (c) => c.list({ filter: filter(1) }) },
    {
      label: `filter { ${name}: { isNull: true } }`,
      run: (c) => c.list({ filter: filter({ isNull: true }) }),
    },
    {
      label: `filter { ${name}: { like: '%' } }`,
      run: (c) => c.list({ filter: filter({ like: '%' }) }),
    },
    {
      label: `filter { title: { ${name}: 'x' } }`,
      run: (c) => c.list({ filter: { title: JSON.parse(`{"${name}":"x"}`) as never } }),
    },
    { label: `count { ${name} }`, run: (c) => c.count(filter('x')) },
    { label: `exists { ${name} }`, run: (c) => c.exists(filter({ isNull: false })) },
    { label: `listByCursor sort '${name}'`, run: (c) => c.listByCursor({ sort: [name] as never }) },
    {
      label: `listByCursor filter { ${name} }`,
      run: (c) => c.listByCursor({ filter: filter('x') }),
    },
  ]
}

const CASES = PROTOTYPE_NAMES.flatMap(queries)

async function rejection(run: () => unknown): Promise<unknown> {
  try {
    await run()
  } catch (err) {
    return err
  }
  return new Error('expected a rejection')
}

describe('CRUD refuses Object.prototype names as fields (SQLite)', () => {
  const statements: string[] = []
  const db = new SqliteAdapter(
    'db',
    { filename: ':memory:' },
    {
      open: (filename, options) => {
        const database = new Database(filename, options)
        const prepare = database.prepare.bind(database)
        database.prepare = (source: string) => {
          statements.push(source)
          return prepare(source)
        }
        return database
      },
    },
  )
  const posts = createCrud(Post, db)

  beforeAll(async () => {
    await db.connect()
    await createModelTable(db.kysely(), 'sqlite', Post)
    await posts.createMany([{ title: 'a' }, { title: 'b' }])
  })
  afterAll(() => db.disconnect())

  it.each(CASES)('$label → 422 MEGA_CRUD_INVALID_QUERY, no SQL', async ({ run }) => {
    statements.length = 0
    const error = await rejection(() => run(posts))
    expect(MegaError.is(error), String(error)).toBe(true)
    expect(error).toMatchObject({ code: 'MEGA_CRUD_INVALID_QUERY', statusCode: 422 })
    expect(statements).toEqual([])
  })

  it('refuses a cursor whose values do not fit the sort columns with a 422, no SQL', async () => {
    for (const cursor of [
      encodeCursor([{ a: 1 }, 1]),
      encodeCursor(['b', '2']),
      encodeCursor([['b'], 1]),
      Buffer.from('[{"__proto__":{"x":1}},1]').toString('base64url'),
    ]) {
      statements.length = 0
      const error = await rejection(() => posts.listByCursor({ sort: ['title'], cursor }))
      expect(error).toMatchObject({ code: 'MEGA_CRUD_INVALID_QUERY', statusCode: 422 })
      expect(statements).toEqual([])
    }
    const page = await posts.listByCursor({ sort: ['title'], limit: 1 })
    const next = await posts.listByCursor({ sort: ['title'], limit: 1, cursor: page.nextCursor })
    expect(next.items.map((p) => p.title)).toEqual(['b'])
  })

  it('answers a missing id with a 404 whose message names no table', async () => {
    for (const run of [
      () => posts.get(99_999),
      () => posts.update(99_999, { title: 'x' }),
      () => posts.remove(99_999),
      () => posts.restore(99_999),
    ]) {
      const error = await rejection(run)
      expect(error).toMatchObject({
        code: 'MEGA_CRUD_NOT_FOUND',
        statusCode: 404,
        message: 'No record with id 99999: check the id.',
        details: { table: 'posts', id: 99_999 },
      })
      expect((error as Error).message).not.toContain('posts')
    }
  })
})

describe('CRUD refuses Object.prototype names as fields (Mongo)', () => {
  const db = new FakeMongo()
  const posts = createCrud(Post, db)

  beforeAll(async () => {
    await posts.createMany([{ title: 'a' }, { title: 'b' }])
  })

  it.each(CASES)('$label → 422 MEGA_CRUD_INVALID_QUERY, no driver call', async ({ run }) => {
    db.calls.length = 0
    const error = await rejection(() => run(posts))
    expect(MegaError.is(error), String(error)).toBe(true)
    expect(error).toMatchObject({ code: 'MEGA_CRUD_INVALID_QUERY', statusCode: 422 })
    expect(db.calls).toEqual([])
  })

  it('answers a missing id with a 404 whose message names no table', async () => {
    const error = await rejection(() => posts.get(99_999))
    expect(error).toMatchObject({
      code: 'MEGA_CRUD_NOT_FOUND',
      statusCode: 404,
      message: 'No record with id 99999: check the id.',
      details: { table: 'posts', id: 99_999 },
    })
  })
})

describe('models hold columns and field schemas without a prototype', () => {
  it('finds no column or schema named after an Object.prototype member', () => {
    for (const name of PROTOTYPE_NAMES) {
      expect(Post.columns[name]).toBeUndefined()
      expect(Post.schemas.fields[name]).toBeUndefined()
    }
    expect(Object.keys(Post.columns)).toEqual([
      'id',
      'title',
      'views',
      'meta',
      'created_at',
      'updated_at',
      'deleted_at',
    ])
  })

  it('accepts a column named constructor, and filters and sorts on it', async () => {
    const Odd = defineModel(
      'odd',
      { id: col.id(), constructor: col.string(20), toString: col.integer().nullable() },
      { timestamps: false },
    )
    const db = new FakeMongo()
    const odd = createCrud(Odd, db)
    await odd.createMany([
      { constructor: 'b', toString: 2 },
      { constructor: 'a', toString: null },
    ])
    const filter = { constructor: { like: '%' } } as never
    const page = await odd.list({ filter, sort: ['-constructor'] })
    expect(page.items.map((r) => r.constructor)).toEqual(['b', 'a'])
    expect((await odd.list({ filter: { toString: { isNull: true } } as never })).total).toBe(1)
    // The Mongo filter is built on a record without prototype: `Object.like` was never assigned.
    expect(Object.hasOwn(Object, 'like')).toBe(false)
  })

  it('refuses a column or table named __proto__ (a plain row object cannot hold it)', () => {
    expect(() => defineModel('__proto__', { id: col.id() })).toThrow(
      expect.objectContaining({ code: 'MEGA_MODEL_INVALID' }),
    )
    expect(() =>
      defineModel('things', { id: col.id(), ['__proto__']: col.string() } as never),
    ).toThrow(/__proto__/)
  })
})

describe('migrations with tables and columns named after Object.prototype members', () => {
  const Odd = defineModel(
    'constructor',
    { id: col.id(), toString: col.string(20) },
    { timestamps: false },
  )
  const OddV2 = defineModel(
    'constructor',
    { id: col.id(), toString: col.string(20), valueOf: col.integer().nullable() },
    { timestamps: false },
  )

  it('diffs them like any other name', () => {
    const v1 = scanModels([Odd]).schema
    expect(diffSchemas(EMPTY_SCHEMA, v1).map((op) => op.op)).toEqual(['createTable'])
    expect(diffSchemas(v1, v1)).toEqual([])
    expect(diffSchemas(v1, scanModels([OddV2]).schema)).toEqual([
      {
        op: 'addColumn',
        table: 'constructor',
        column: { name: 'valueOf', type: 'integer', nullable: true },
      },
    ])
  })

  it('refuses an operation on a table the schema does not have, even "toString"', () => {
    const schema = createMigrationSchema()
    schema.rebuildTable('toString')
    expect(() => applyOperation(EMPTY_SCHEMA, schema.operations[0]!)).toThrow(
      expect.objectContaining({ code: 'MEGA_DB_MIGRATION_INVALID' }),
    )
  })
})
