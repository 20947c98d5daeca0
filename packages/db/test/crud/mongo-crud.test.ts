// Mongo CRUD without a server: FakeMongo (test/helpers/mongo-crud-fake.ts) stands in for MongoDB.
// The same rules run against real servers in test/crud.int.test.ts (Mongo when MEGA_TEST_MONGO_URL).
import { describe, expect, it } from 'vitest'
import { caught } from '@mega/test-utils'
import { type MegaError } from '@mega/observe'
import { col } from '../../src/model/column.js'
import { defineModel } from '../../src/model/define-model.js'
import { ModelCrud } from '../../src/crud/model-crud.js'
import { createMongoCrud, MongoModelCrud } from '../../src/crud/mongo-crud.js'
import { createCrud } from '../../src/crud/create-crud.js'
import { encodeCursor } from '../../src/crud/cursor.js'
import type { SqlDatabase } from '../../src/sql/sql-types.js'
import { FakeMongo } from '../helpers/mongo-crud-fake.js'

const Org = defineModel('orgs', { id: col.id(), name: col.string(50) }, { timestamps: false })
const User = defineModel(
  'users',
  {
    id: col.id(),
    email: col.string(120).unique(),
    name: col.string(50),
    age: col.integer().nullable(),
    active: col.boolean().default(true),
    balance: col.decimal(10, 2).default('0.00'),
    visits: col.bigint().default('0'),
    prefs: col.json<{ theme: string }>().nullable(),
    birthday: col.date().nullable(),
    seenAt: col.timestamp().nullable(),
    orgId: col.references(() => Org).nullable(),
  },
  { softDelete: true },
)
const Tag = defineModel('tags', { id: col.id('ulid'), label: col.string(30) })

function setup() {
  const db = new FakeMongo({ users: ['email'] })
  let tick = Date.UTC(2026, 0, 1)
  const users = createMongoCrud(User, db, { clock: () => new Date((tick += 1000)) })
  const orgs = createMongoCrud(Org, db)
  return { db, users, orgs }
}

async function seeded() {
  const s = setup()
  await s.users.createMany([
    { email: 'a@example.com', name: 'Ada', age: 36 },
    { email: 'b@example.com', name: 'Bob', age: 20, balance: '12.5' },
    { email: 'c@example.com', name: 'Cy', age: 17 },
    { email: 'd@example.com', name: 'Di', age: null, active: false },
  ])
  s.db.calls.length = 0
  return s
}

describe('MongoModelCrud create', () => {
  it('stores the primary key as _id and typed values, and returns model fields', async () => {
    const { db, users } = setup()
    const user = await users.create({
      email: 'ada@example.com',
      name: 'Ada',
      balance: 3 as unknown as string,
      visits: '0042',
      prefs: { theme: 'dark' },
      birthday: '1990-12-10',
      seenAt: '2026-02-01T10:00:00.000Z' as never,
    })
    expect(user).toMatchObject({ id: 1, balance: '3.00', visits: '42', active: true, age: null })
    expect(user.created_at).toEqual(new Date(Date.UTC(2026, 0, 1, 0, 0, 1)))
    const [doc] = db.docs('users')
    expect(doc).toMatchObject({ _id: 1, balance: '3.00', birthday: '1990-12-10', deleted_at: null })
    expect(doc).not.toHaveProperty('id')
    expect(doc?.['seenAt']).toBeInstanceOf(Date)
    expect(doc?.['prefs']).toEqual({ theme: 'dark' })
    expect(await users.get(1)).toEqual(user)
  })

  it('allocates increment ids from the counters collection', async () => {
    const { db, users } = setup()
    await users.create({ email: 'a@example.com', name: 'A' })
    const many = await users.createMany([
      { email: 'b@example.com', name: 'B' },
      { email: 'c@example.com', name: 'C' },
    ])
    expect(many.map((u) => u.id)).toEqual([2, 3])
    expect(db.docs('counters')).toEqual([{ _id: 'users', seq: 3 }])
    expect(db.calls.filter((c) => c.op === 'insertMany')).toHaveLength(1)
  })

  it('generates ulid ids without a counter', async () => {
    const db = new FakeMongo()
    const tag = await createMongoCrud(Tag, db).create({ label: 'x' })
    expect(tag.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    expect(db.docs('tags')[0]?.['_id']).toBe(tag.id)
    expect(db.docs('counters')).toEqual([])
  })

  it('validates before any operation, with the same issue paths as SQL CRUD', async () => {
    const { db, users } = setup()
    const error = await caught<MegaError>(
      users.create({ email: 'x', name: '', age: 1.5, role: 1 } as never),
    )
    expect(error.code).toBe('MEGA_VALIDATION_FAILED')
    expect(error.issues?.map((i) => i.path).sort()).toEqual(['age', 'role'])
    const many = await caught<MegaError>(
      users.createMany([
        { email: 'e@example.com', name: 'E' },
        { email: 'f', name: 'F', age: -1.5 },
      ]),
    )
    expect(many.issues?.map((i) => i.path)).toEqual(['[1].age'])
    expect(db.calls).toEqual([])
  })

  it('maps a duplicate key to 409 MEGA_DB_CONFLICT', async () => {
    const { users } = await seeded()
    const error = await caught<MegaError>(users.create({ email: 'a@example.com', name: 'Other' }))
    expect(error).toMatchObject({ code: 'MEGA_DB_CONFLICT', statusCode: 409 })
  })

  it('removes what insertMany inserted before a failure, outside a transaction', async () => {
    const { db, users } = await seeded()
    const error = await caught<MegaError>(
      users.createMany([
        { email: 'new@example.com', name: 'New' },
        { email: 'a@example.com', name: 'Dup' },
      ]),
    )
    expect(error.code).toBe('MEGA_DB_CONFLICT')
    expect(await users.exists({ email: 'new@example.com' })).toBe(false)
    expect(db.docs('users')).toHaveLength(4)
  })

  it('refuses a reference to a missing row with 409 MEGA_DB_FOREIGN_KEY', async () => {
    const { db, users, orgs } = setup()
    const error = await caught<MegaError>(
      users.create({ email: 'x@example.com', name: 'X', orgId: 42 }),
    )
    expect(error).toMatchObject({ code: 'MEGA_DB_FOREIGN_KEY', statusCode: 409 })
    expect(db.docs('users')).toEqual([])
    const org = await orgs.create({ name: 'Acme' })
    expect((await users.create({ email: 'x@example.com', name: 'X', orgId: org.id })).orgId).toBe(1)
  })
})

describe('MongoModelCrud list', () => {
  it('filters, sorts and counts like SQL CRUD', async () => {
    const { users } = await seeded()
    const adults = await users.list({ filter: { age: { gte: 18 }, active: true }, sort: ['-age'] })
    expect(adults.items.map((u) => u.name)).toEqual(['Ada', 'Bob'])
    expect(adults.total).toBe(2)
    const page = await users.list({ sort: ['name'], page: 2, perPage: 2 })
    expect(page).toMatchObject({ total: 4, page: 2, perPage: 2, pages: 2 })
    expect(page.items.map((u) => u.name)).toEqual(['Cy', 'Di'])
    expect((await users.list({ filter: { name: { in: ['Bob', 'Di'] } } })).total).toBe(2)
    expect((await users.list({ filter: { name: { in: [] } } })).total).toBe(0)
    expect((await users.list({ filter: { age: { isNull: true } } })).items[0]?.name).toBe('Di')
    expect(await users.count({ age: { ne: 20 } })).toBe(2)
    expect(await users.count({ balance: '12.5' })).toBe(1)
    expect(await users.count({ id: { in: [1, 2] } })).toBe(2)
  })

  it('matches like patterns case-sensitively and values literally', async () => {
    const { users } = await seeded()
    expect((await users.list({ filter: { name: { like: 'A%' } } })).total).toBe(1)
    expect((await users.list({ filter: { name: { like: 'a%' } } })).total).toBe(0)
    expect((await users.list({ filter: { email: { like: 'b_example.com' } } })).total).toBe(1)
    expect(await users.count({ name: "' OR 1=1 --" })).toBe(0)
    expect(await users.count({ email: { like: '.*' } })).toBe(0)
  })

  it('refuses unknown fields, operators, Mongo operators and bad values with a 422', async () => {
    const { db, users } = await seeded()
    for (const query of [
      { filter: { nope: 1 } },
      { filter: { name: { $gt: '' } } },
      { filter: { $where: 'true' } },
      { filter: { age: 'abc' } },
      { sort: ['prefs'] },
      { sort: ['-$natural'] },
    ]) {
      const error = await caught<MegaError>(users.list(query as never))
      expect(error).toMatchObject({ code: 'MEGA_CRUD_INVALID_QUERY', statusCode: 422 })
    }
    expect(db.calls).toEqual([])
  })

  it('refuses range filters and sorts on decimal and bigint, stored as strings', async () => {
    const { users } = await seeded()
    for (const query of [{ filter: { balance: { gt: '1.00' } } }, { sort: ['-visits'] }]) {
      const error = await caught<MegaError>(users.list(query as never))
      expect(error.code).toBe('MEGA_CRUD_INVALID_QUERY')
    }
  })

  it('pages by cursor in sort order without gaps or repeats', async () => {
    const { users } = await seeded()
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page = await users.listByCursor({ sort: ['name'], limit: 3, cursor })
      seen.push(...page.items.map((u) => u.name))
      cursor = page.nextCursor
    } while (cursor !== null)
    expect(seen).toEqual(['Ada', 'Bob', 'Cy', 'Di'])
    const first = await users.listByCursor({ sort: ['-created_at'], limit: 2 })
    const rest = await users.listByCursor({
      sort: ['-created_at'],
      limit: 2,
      cursor: first.nextCursor,
    })
    expect([...first.items, ...rest.items].map((u) => u.name)).toEqual(['Di', 'Cy', 'Bob', 'Ada'])
    expect(rest.nextCursor).toBeNull()
  })

  it('refuses garbage or tampered cursors and nullable cursor sorts', async () => {
    const { users } = await seeded()
    for (const query of [
      { cursor: 'garbage' },
      { cursor: encodeCursor([{ $gt: 0 }]) },
      { cursor: encodeCursor(['1']) },
      { sort: ['age'] },
    ]) {
      const error = await caught<MegaError>(users.listByCursor(query as never))
      expect(error.code).toBe('MEGA_CRUD_INVALID_QUERY')
    }
  })
})

describe('MongoModelCrud update and delete', () => {
  it('validates updates, bumps updated_at and 404s a missing id', async () => {
    const { users } = await seeded()
    const bob = await users.get(2)
    const updated = await users.update(2, { age: 21, balance: '1.5', prefs: { theme: 'light' } })
    expect(updated).toMatchObject({ age: 21, balance: '1.50', prefs: { theme: 'light' } })
    expect(updated.updated_at.getTime()).toBeGreaterThan(bob.updated_at.getTime())
    expect((await caught<MegaError>(users.update(2, { age: 'old' } as never))).code).toBe(
      'MEGA_VALIDATION_FAILED',
    )
    expect(await caught<MegaError>(users.update(999, { age: 1 }))).toMatchObject({
      code: 'MEGA_CRUD_NOT_FOUND',
      statusCode: 404,
    })
    expect((await caught<MegaError>(users.update(2, { orgId: 7 }))).code).toBe(
      'MEGA_DB_FOREIGN_KEY',
    )
    expect((await caught<MegaError>(users.get('x' as never))).code).toBe('MEGA_CRUD_INVALID_QUERY')
  })

  it('soft-deletes, hides, shows withDeleted and restores', async () => {
    const { users } = await seeded()
    await users.remove(3)
    expect((await caught<MegaError>(users.get(3))).code).toBe('MEGA_CRUD_NOT_FOUND')
    expect((await users.get(3, { withDeleted: true })).deleted_at).toBeInstanceOf(Date)
    expect(await users.count()).toBe(3)
    expect(await users.count(undefined, { withDeleted: true })).toBe(4)
    expect(await users.exists({ name: 'Cy' })).toBe(false)
    expect((await caught<MegaError>(users.remove(3))).code).toBe('MEGA_CRUD_NOT_FOUND')
    expect((await caught<MegaError>(users.update(3, { age: 1 }))).code).toBe('MEGA_CRUD_NOT_FOUND')
    expect((await users.restore(3)).deleted_at).toBeNull()
    expect((await caught<MegaError>(users.restore(3))).code).toBe('MEGA_CRUD_NOT_FOUND')
  })

  it('hard-deletes rows of models without softDelete and refuses restore', async () => {
    const { db, orgs } = setup()
    const org = await orgs.create({ name: 'Gone' })
    await orgs.remove(org.id)
    expect(await orgs.find(org.id)).toBeUndefined()
    expect(db.docs('orgs')).toEqual([])
    expect((await caught<MegaError>(orgs.restore(org.id))).code).toBe('MEGA_CRUD_INVALID_QUERY')
  })
})

describe('MongoModelCrud sessions and errors', () => {
  it('passes the transaction session to every operation and rolls back with it', async () => {
    const { db, users } = await seeded()
    const failed = db.transaction(async () => {
      await users.create({ email: 'tx@example.com', name: 'Tx' })
      await users.update(1, { age: 40 })
      expect(await users.exists({ email: 'tx@example.com' })).toBe(true)
      throw new Error('abort')
    })
    await expect(failed).rejects.toThrow('abort')
    expect(db.calls.length).toBeGreaterThan(4)
    expect(db.calls.every((c) => c.session !== undefined)).toBe(true)
    expect(await users.exists({ email: 'tx@example.com' })).toBe(false)
    expect((await users.get(1)).age).toBe(36)
  })

  it('maps driver errors with the adapter mapper', async () => {
    const { db, users } = await seeded()
    db.failWith = Object.assign(new Error('connect ECONNREFUSED'), { name: 'MongoNetworkError' })
    expect((await caught<MegaError>(users.count())).code).toBe('MEGA_DB_UNAVAILABLE')
  })

  it('validates its options at construction', () => {
    expect(() => createMongoCrud(User, new FakeMongo(), { maxPerPage: 0 })).toThrow(/maxPerPage/)
  })
})

describe('createCrud', () => {
  it('picks Mongo CRUD for a mongo database and SQL CRUD otherwise', () => {
    expect(createCrud(User, new FakeMongo())).toBeInstanceOf(MongoModelCrud)
    const sqlite = { dialect: 'sqlite' } as SqlDatabase
    expect(createCrud(User, sqlite)).toBeInstanceOf(ModelCrud)
  })
})

describe('MongoModelCrud increment', () => {
  it('adds in one update pipeline that treats null as 0, bumping updated_at; 404 and 422 as on SQL', async () => {
    const { users, db } = await seeded()
    const di = (await users.list({ filter: { name: 'Di' } })).items[0]!
    expect(di.age).toBeNull()
    const once = await users.increment(di.id, 'age', 3)
    expect(once.age).toBe(3)
    expect(once.updated_at.getTime()).toBeGreaterThan(di.updated_at.getTime())
    expect((await users.increment(di.id, 'age')).age).toBe(4)
    expect(db.calls.filter((c) => c.op === 'updateOne')).toHaveLength(2)
    await expect(users.increment(999, 'age')).rejects.toMatchObject({ code: 'MEGA_CRUD_NOT_FOUND' })
    const error = await caught(users.increment(di.id, 'visits' as never))
    expect([error.code, error.issues?.[0]?.path]).toEqual(['MEGA_CRUD_INVALID_QUERY', 'column'])
    expect((await users.get(di.id)).age).toBe(4)
  })
})
