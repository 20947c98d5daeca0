// One CRUD suite, run unchanged against SQLite, PostgreSQL and MariaDB (real servers), and against
// MongoDB when MEGA_TEST_MONGO_URL points at a replica set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import { requireService, serviceUrl, uniqueName } from '@mega/test-utils'
import { col } from '../../src/model/column.js'
import { defineModel } from '../../src/model/define-model.js'
import { createCrud } from '../../src/crud/create-crud.js'
import type { Crud } from '../../src/crud/crud.js'
import { SqliteAdapter } from '../../src/sql/sqlite/sqlite-adapter.js'
import { PostgresAdapter } from '../../src/sql/postgres/postgres-adapter.js'
import { MariaAdapter } from '../../src/sql/maria/maria-adapter.js'
import { mongoBackend, sqlBackend, type CrudDb } from '../helpers/crud-backends.js'

const pg = await requireService('postgres')
const maria = await requireService('maria')

const dialects = [
  sqlBackend('sqlite', true, () => new SqliteAdapter('db', { filename: ':memory:' })),
  sqlBackend(
    'postgres',
    pg.available,
    () => new PostgresAdapter('db', { url: serviceUrl('postgres') ?? '' }),
  ),
  sqlBackend(
    'maria',
    maria.available,
    () => new MariaAdapter('db', { url: serviceUrl('maria') ?? '' }),
  ),
  await mongoBackend(),
]

function models() {
  const Org = defineModel(
    uniqueName('orgs'),
    { id: col.id(), name: col.string(50).unique() },
    { timestamps: false },
  )
  const User = defineModel(
    uniqueName('users'),
    {
      id: col.id(),
      email: col.string(120).unique(),
      name: col.string(50),
      age: col.integer().nullable(),
      active: col.boolean().default(true),
      balance: col.decimal(10, 2).default('0.00'),
      role: col.enum(['user', 'admin']).default('user'),
      prefs: col.json<{ theme: string }>().nullable(),
      birthday: col.date().nullable(),
      orgId: col
        .references(() => Org)
        .nullable()
        .onDelete('set null'),
    },
    { softDelete: true },
  )
  const Tag = defineModel(uniqueName('tags'), { id: col.id('uuid'), label: col.string(30) })
  const Counter = defineModel(
    uniqueName('counters'),
    { id: col.id(), label: col.string(30), hits: col.integer().nullable() },
    { softDelete: true },
  )
  return { Org, User, Tag, Counter }
}

describe.each(dialects)('CRUD on $name', ({ name, available, open, createTables, dropTables }) => {
  const { Org, User, Tag, Counter } = models()
  let db: CrudDb
  let users: Crud<typeof User>
  let orgs: Crud<typeof Org>
  let tick = Date.UTC(2026, 0, 1)
  const clock = () => new Date((tick += 1000))

  beforeAll(async () => {
    if (!available) return
    db = open()
    await db.connect()
    await createTables(db, [Org, User, Tag, Counter])
    users = createCrud(User, db, { clock })
    orgs = createCrud(Org, db)
  })

  afterAll(async () => {
    if (!available) return
    await dropTables(db, [User, Tag, Org, Counter])
    await db.disconnect()
  })

  it.runIf(available)('creates a row with defaults, timestamps and typed values', async () => {
    const org = await orgs.create({ name: `org-${name}` })
    const user = await users.create({
      email: 'ada@example.com',
      name: 'Ada',
      age: 36,
      prefs: { theme: 'dark' },
      birthday: '1990-12-10',
      orgId: org.id,
    })
    expect(user).toMatchObject({
      email: 'ada@example.com',
      active: true,
      balance: '0.00',
      role: 'user',
      prefs: { theme: 'dark' },
      birthday: '1990-12-10',
      orgId: org.id,
      deleted_at: null,
    })
    expect(typeof user.id).toBe('number')
    expect(user.created_at).toBeInstanceOf(Date)
    expect(await users.get(user.id)).toEqual(user)
  })

  it.runIf(available)('generates uuid ids', async () => {
    const tag = await createCrud(Tag, db).create({ label: 'x' })
    expect(tag.id).toMatch(/^[0-9a-f-]{36}$/)
  })

  it.runIf(available)('validates input before any query and names each field', async () => {
    const before = await users.count(undefined, { withDeleted: true })
    const error = await users
      .create({ email: 'x', name: '', age: 1.5, role: 'root' } as never)
      .catch((e: unknown) => e)
    expect(MegaError.is(error, 'MEGA_VALIDATION_FAILED')).toBe(true)
    expect((error as MegaError).issues?.map((i) => i.path).sort()).toEqual(['age', 'role'])
    expect(await users.count(undefined, { withDeleted: true })).toBe(before)
  })

  it.runIf(available)('maps a unique violation to 409 MEGA_DB_CONFLICT', async () => {
    const error = await users
      .create({ email: 'ada@example.com', name: 'Other' })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'MEGA_DB_CONFLICT', statusCode: 409 })
  })

  it.runIf(available)('creates many in one statement, or none when one is invalid', async () => {
    const created = await users.createMany([
      { email: 'b@example.com', name: 'Bob', age: 20 },
      { email: 'c@example.com', name: 'Cy', age: 17 },
      { email: 'd@example.com', name: 'Di', age: 70, active: false },
    ])
    expect(created.map((u) => u.name)).toEqual(['Bob', 'Cy', 'Di'])
    const error = await users
      .createMany([
        { email: 'e@example.com', name: 'Eve' },
        { email: 'bad', name: 'F', age: -1.5 },
      ])
      .catch((e: unknown) => e)
    expect((error as MegaError).issues?.map((i) => i.path)).toEqual(['[1].age'])
    expect(await users.exists({ email: 'e@example.com' })).toBe(false)
  })

  it.runIf(available)('lists with filters, sorting and page totals', async () => {
    const adults = await users.list({ filter: { age: { gte: 18 }, active: true }, sort: ['-age'] })
    expect(adults.items.map((u) => u.name)).toEqual(['Ada', 'Bob'])
    expect(adults.total).toBe(2)
    const page = await users.list({ sort: ['name'], page: 2, perPage: 2 })
    expect(page).toMatchObject({ total: 4, page: 2, perPage: 2, pages: 2 })
    expect(page.items.map((u) => u.name)).toEqual(['Cy', 'Di'])
    expect((await users.list({ filter: { name: { in: ['Bob', 'Di'] } } })).total).toBe(2)
    expect((await users.list({ filter: { name: { in: [] } } })).total).toBe(0)
    expect(
      (await users.list({ filter: { age: { isNull: false, lt: 18 } } })).items.map((u) => u.name),
    ).toEqual(['Cy'])
    expect(
      (await users.list({ filter: { prefs: undefined, birthday: { isNull: true } } })).total,
    ).toBe(3)
    expect((await users.list({ filter: { name: { ne: 'Bob' }, role: 'user' } })).total).toBe(3)
  })

  it.runIf(available)('matches like patterns case-sensitively on every dialect', async () => {
    expect(
      (await users.list({ filter: { name: { like: 'A%' } } })).items.map((u) => u.name),
    ).toEqual(['Ada'])
    expect((await users.list({ filter: { name: { like: 'a%' } } })).total).toBe(0)
    expect(
      (await users.list({ filter: { email: { like: 'b_example.com' } } })).items.map((u) => u.name),
    ).toEqual(['Bob'])
    expect((await users.list({ filter: { email: { like: 'B%' } } })).total).toBe(0)
  })

  it.runIf(available)(
    "treats ' OR 1=1 -- as a plain value: matches nothing, changes nothing",
    async () => {
      const before = await users.count()
      for (const evil of ["' OR 1=1 --", "x'; DROP TABLE users; --", '%', '" OR ""="']) {
        expect((await users.list({ filter: { name: evil } })).total).toBe(0)
        expect(
          (await users.list({ filter: { email: { like: evil === '%' ? '\\%' : evil } } })).total,
        ).toBe(0)
      }
      expect(await users.count()).toBe(before)
    },
  )

  it.runIf(available)(
    'refuses unknown filter and sort fields and operators with a 422, never SQL',
    async () => {
      for (const query of [
        { filter: { nope: 1 } },
        { sort: ['password'] },
        { filter: { name: { regex: '.*' } } },
        { filter: { age: 'abc' } },
        { sort: ['prefs'] },
      ]) {
        const error = await users.list(query as never).catch((e: unknown) => e)
        expect(error).toMatchObject({ code: 'MEGA_CRUD_INVALID_QUERY', statusCode: 422 })
      }
    },
  )

  it.runIf(available)('pages by cursor in sort order without gaps or repeats', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page = await users.listByCursor({ sort: ['name'], limit: 3, cursor })
      seen.push(...page.items.map((u) => u.name))
      cursor = page.nextCursor
    } while (cursor !== null)
    expect(seen).toEqual(['Ada', 'Bob', 'Cy', 'Di'])
    const first = await users.listByCursor({ sort: ['-name'], limit: 2 })
    expect(first.items.map((u) => u.name)).toEqual(['Di', 'Cy'])
    const rest = await users.listByCursor({ sort: ['-name'], limit: 2, cursor: first.nextCursor })
    expect(rest.items.map((u) => u.name)).toEqual(['Bob', 'Ada'])
    expect(rest.nextCursor).toBeNull()
    await expect(users.listByCursor({ cursor: 'garbage' })).rejects.toMatchObject({
      code: 'MEGA_CRUD_INVALID_QUERY',
    })
    await expect(users.listByCursor({ sort: ['age'] })).rejects.toMatchObject({
      code: 'MEGA_CRUD_INVALID_QUERY',
    })
  })

  it.runIf(available)(
    'updates with validation and bumps updated_at; 404 for a missing id',
    async () => {
      const bob = (await users.list({ filter: { name: 'Bob' } })).items[0]!
      const updated = await users.update(bob.id, {
        age: 21,
        balance: '12.50',
        prefs: { theme: 'light' },
      })
      expect(updated).toMatchObject({ age: 21, balance: '12.50', prefs: { theme: 'light' } })
      expect(updated.updated_at.getTime()).toBeGreaterThan(bob.updated_at.getTime())
      await expect(users.update(bob.id, { age: 'old' } as never)).rejects.toMatchObject({
        code: 'MEGA_VALIDATION_FAILED',
      })
      await expect(users.update(999_999, { age: 1 })).rejects.toMatchObject({
        code: 'MEGA_CRUD_NOT_FOUND',
        statusCode: 404,
      })
    },
  )

  it.runIf(available)(
    'increments atomically: concurrent callers lose no update; null counts as 0',
    async () => {
      const counters = createCrud(Counter, db, { clock })
      const row = await counters.create({ label: 'a' })
      expect(row.hits).toBeNull()
      const once = await counters.increment(row.id, 'hits')
      expect(once.hits).toBe(1)
      expect(once.updated_at.getTime()).toBeGreaterThan(row.updated_at.getTime())
      await Promise.all(Array.from({ length: 20 }, () => counters.increment(row.id, 'hits', 2)))
      expect((await counters.get(row.id)).hits).toBe(41)
      expect((await counters.increment(row.id, 'hits', -41)).hits).toBe(0)
    },
  )

  it.runIf(available)(
    'refuses to increment a missing or deleted row (404), a non-integer column or step (422)',
    async () => {
      const counters = createCrud(Counter, db)
      const row = await counters.create({ label: 'b', hits: 5 })
      await expect(counters.increment(999_999, 'hits')).rejects.toMatchObject({
        code: 'MEGA_CRUD_NOT_FOUND',
      })
      for (const [column, by, path] of [
        ['label', 1, 'column'],
        ['id', 1, 'column'],
        ['nope', 1, 'column'],
        ['hits', 1.5, 'by'],
        ['hits', '1', 'by'],
      ] as const) {
        const error = await counters
          .increment(row.id, column as never, by as never)
          .catch((e: unknown) => e)
        expect(error).toMatchObject({ code: 'MEGA_CRUD_INVALID_QUERY', statusCode: 422 })
        expect((error as MegaError).issues?.[0]?.path).toBe(path)
      }
      expect((await counters.get(row.id)).hits).toBe(5)
      await counters.remove(row.id)
      await expect(counters.increment(row.id, 'hits')).rejects.toMatchObject({
        code: 'MEGA_CRUD_NOT_FOUND',
      })
    },
  )

  it.runIf(available)('soft-deletes, hides, shows withDeleted and restores', async () => {
    const cy = (await users.list({ filter: { name: 'Cy' } })).items[0]!
    await users.remove(cy.id)
    await expect(users.get(cy.id)).rejects.toMatchObject({ code: 'MEGA_CRUD_NOT_FOUND' })
    expect((await users.get(cy.id, { withDeleted: true })).deleted_at).toBeInstanceOf(Date)
    expect(await users.count()).toBe(3)
    expect(await users.count(undefined, { withDeleted: true })).toBe(4)
    await expect(users.remove(cy.id)).rejects.toMatchObject({ code: 'MEGA_CRUD_NOT_FOUND' })
    expect((await users.restore(cy.id)).deleted_at).toBeNull()
    await expect(users.restore(cy.id)).rejects.toMatchObject({ code: 'MEGA_CRUD_NOT_FOUND' })
  })

  it.runIf(available)('hard-deletes rows of models without softDelete', async () => {
    const org = await orgs.create({ name: `gone-${name}` })
    await orgs.remove(org.id)
    expect(await orgs.find(org.id)).toBeUndefined()
    await expect(orgs.restore(org.id)).rejects.toMatchObject({ code: 'MEGA_CRUD_INVALID_QUERY' })
  })

  it.runIf(available)('maps a foreign-key violation to 409 MEGA_DB_FOREIGN_KEY', async () => {
    const error = await users
      .create({ email: 'fk@example.com', name: 'Fk', orgId: 424242 })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'MEGA_DB_FOREIGN_KEY', statusCode: 409 })
  })

  it.runIf(available)('joins the surrounding transaction and rolls back with it', async () => {
    const before = await users.count()
    await expect(
      db.transaction(async () => {
        await users.create({ email: 'tx@example.com', name: 'Tx' })
        expect(await users.exists({ email: 'tx@example.com' })).toBe(true)
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(await users.exists({ email: 'tx@example.com' })).toBe(false)
    expect(await users.count()).toBe(before)
  })
})
