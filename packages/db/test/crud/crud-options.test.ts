// CRUD options are validated at construction, on SQL (SQLite here) as on Mongo (FakeMongo): one
// MEGA_CONFIG_INVALID naming every problem, nothing silently corrected. Both implementations are
// held behind the one Crud<M> contract.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { MegaError } from '@mega/observe'
import { col } from '../../src/model/column.js'
import { defineModel } from '../../src/model/define-model.js'
import { createCrud } from '../../src/crud/create-crud.js'
import type { Crud } from '../../src/crud/crud.js'
import type { CrudOptions } from '../../src/crud/crud-options.js'
import { ModelCrud } from '../../src/crud/model-crud.js'
import { MongoModelCrud } from '../../src/crud/mongo-crud.js'
import type { MongoDatabase } from '../../src/mongo/mongo-adapter.js'
import { SqliteAdapter } from '../../src/sql/sqlite/sqlite-adapter.js'
import type { SqlDatabase } from '../../src/sql/sql-types.js'
import { FakeMongo } from '../helpers/mongo-crud-fake.js'
import { createModelTable } from '../helpers/model-table.js'

const Note = defineModel('notes', { id: col.id(), title: col.string(50) }, { timestamps: false })

const sqlDb = { dialect: 'sqlite' } as SqlDatabase

const IMPLEMENTATIONS = [
  { name: 'SQL', make: (options: unknown) => new ModelCrud(Note, sqlDb, options as CrudOptions) },
  {
    name: 'Mongo',
    make: (options: unknown) => new MongoModelCrud(Note, new FakeMongo(), options as CrudOptions),
  },
  {
    name: 'createCrud (SQL)',
    make: (options: unknown) => createCrud(Note, sqlDb, options as never),
  },
]

const BAD_OPTIONS: { options: unknown; path: string }[] = [
  { options: { maxPerPage: 0 }, path: 'crud.notes.maxPerPage' },
  { options: { defaultPerPage: 2.5 }, path: 'crud.notes.defaultPerPage' },
  { options: { defaultPerPage: '20' }, path: 'crud.notes.defaultPerPage' },
  { options: { defaultPerPage: 50, maxPerPage: 10 }, path: 'crud.notes.defaultPerPage' },
  { options: { defaultPerPage: 101 }, path: 'crud.notes.defaultPerPage' },
  { options: { clock: 'now' }, path: 'crud.notes.clock' },
  { options: { perPage: 10 }, path: 'crud.notes' },
]

function thrown(run: () => unknown): MegaError {
  try {
    run()
  } catch (err) {
    if (MegaError.is(err)) return err
    throw err
  }
  throw new Error('expected a throw')
}

describe.each(IMPLEMENTATIONS)('$name CRUD options', ({ make }) => {
  it.each(BAD_OPTIONS)('refuses $options at construction ($path)', ({ options, path }) => {
    const error = thrown(() => make(options))
    expect(error.code).toBe('MEGA_CONFIG_INVALID')
    expect(error.issues?.map((i) => i.path)).toEqual([path])
  })

  it('lists every problem in one error that says what to do', () => {
    const error = thrown(() => make({ maxPerPage: 0, clock: 1 }))
    expect(error.message).toMatchInlineSnapshot(`
      "Invalid crud.notes (2 problems); fix each and try again:
        - crud.notes.clock: must be a function returning a Date
        - crud.notes.maxPerPage: must be at least 1"
    `)
  })

  it('accepts no options, empty options and valid ones, leaving the caller object as it was', () => {
    const options = Object.freeze({ defaultPerPage: 5, maxPerPage: 10, clock: () => new Date(0) })
    expect(() => make(undefined)).not.toThrow()
    expect(() => make({})).not.toThrow()
    expect(() => make(options)).not.toThrow()
    expect(options).toEqual({ defaultPerPage: 5, maxPerPage: 10, clock: options.clock })
  })
})

describe('SQL CRUD paging options', () => {
  const db = new SqliteAdapter('db', { filename: ':memory:' })
  const notes = createCrud(Note, db, { defaultPerPage: 2, maxPerPage: 3 })

  beforeAll(async () => {
    await db.connect()
    await createModelTable(db.kysely(), 'sqlite', Note)
    await notes.createMany([{ title: 'a' }, { title: 'b' }, { title: 'c' }, { title: 'd' }])
  })
  afterAll(() => db.disconnect())

  it('lists defaultPerPage rows and refuses a perPage or limit above maxPerPage', async () => {
    expect(await notes.list()).toMatchObject({ perPage: 2, total: 4, pages: 2 })
    expect((await notes.list({ perPage: 3 })).items).toHaveLength(3)
    await expect(notes.list({ perPage: 4 })).rejects.toMatchObject({
      code: 'MEGA_CRUD_INVALID_QUERY',
      issues: [{ path: 'perPage', message: 'perPage is an integer from 1 to 3' }],
    })
    await expect(notes.listByCursor({ limit: 4 })).rejects.toMatchObject({
      code: 'MEGA_CRUD_INVALID_QUERY',
      issues: [{ path: 'limit', message: 'limit is an integer from 1 to 3' }],
    })
    expect((await notes.listByCursor()).items).toHaveLength(2)
  })
})

describe('Crud<M>', () => {
  it('holds SQL and Mongo CRUD behind one type', async () => {
    const db = new SqliteAdapter('db', { filename: ':memory:' })
    await db.connect()
    await createModelTable(db.kysely(), 'sqlite', Note)
    const cruds: Crud<typeof Note>[] = [createCrud(Note, db), createCrud(Note, new FakeMongo())]
    for (const crud of cruds) {
      const created = await crud.create({ title: 'same' })
      expect(await crud.get(created.id)).toEqual({ id: 1, title: 'same' })
      await expect(crud.restore(created.id)).rejects.toMatchObject({
        code: 'MEGA_CRUD_INVALID_QUERY',
      })
      await crud.remove(created.id)
      await expect(crud.get(created.id)).rejects.toMatchObject({ code: 'MEGA_CRUD_NOT_FOUND' })
    }
    await db.disconnect()
  })

  it('is what createCrud returns for a database of either kind', () => {
    expectTypeOf(createCrud(Note, sqlDb)).toExtend<Crud<typeof Note>>()
    expectTypeOf(createCrud(Note, new FakeMongo() as MongoDatabase)).toExtend<Crud<typeof Note>>()
    expectTypeOf(createCrud(Note, sqlDb as SqlDatabase | MongoDatabase)).toEqualTypeOf<
      Crud<typeof Note>
    >()
  })
})
