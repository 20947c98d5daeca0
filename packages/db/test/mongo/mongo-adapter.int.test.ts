import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import { requireService, uniqueName, caught } from '@mega/test-utils'
import { MegaMongoAdapter } from '../../src/mongo/mongo-adapter.js'
import { toMongoFilter, toMongoSort } from '../../src/mongo/mongo-filter.js'

// No MongoDB server runs on the development and CI machines: this suite runs only when
// MEGA_TEST_MONGO_URL points at one (requireService never fails CI for mongo).
const mongo = await requireService('mongo')

describe.runIf(mongo.available)('MegaMongoAdapter against a real server', () => {
  // Built in beforeAll: a describe body runs (to collect tests) even when the suite is skipped.
  let adapter: MegaMongoAdapter
  let transactions = false

  beforeAll(async () => {
    adapter = new MegaMongoAdapter('db', {
      url: mongo.url ?? '',
      database: uniqueName('mega_mongo'),
      serverSelectionTimeoutMs: 3000,
    })
    await adapter.connect()
    transactions = await adapter.supportsTransactions()
  })

  afterAll(async () => {
    if (adapter?.state === 'connected') await adapter.db().dropDatabase()
    await adapter?.disconnect()
  })

  it('connects, pings and reports health with latency', async () => {
    const health = await adapter.health()
    expect(health.ok).toBe(true)
    expect(typeof health['latencyMs']).toBe('number')
  })

  it('inserts and finds documents with a translated filter and sort', async () => {
    const people = adapter.collection<{ name: string; age: number }>(uniqueName('people'))
    await people.insertMany([
      { name: 'Ann', age: 30 },
      { name: 'Bob', age: 20 },
      { name: "' OR 1=1 --", age: 40 },
    ])
    const found = await people
      .find(toMongoFilter({ age: { gte: 20, lt: 40 } }))
      .sort(toMongoSort(['-age']))
      .toArray()
    expect(found.map((p) => p.name)).toEqual(['Ann', 'Bob'])
    const literal = await people.find(toMongoFilter({ name: { like: "' OR 1=1 --" } })).toArray()
    expect(literal.map((p) => p.age)).toEqual([40])
    expect(await people.countDocuments(toMongoFilter({ name: { like: '.*' } }))).toBe(0)
    expect(await people.countDocuments(toMongoFilter({ name: { like: 'a%' } }))).toBe(0)
    expect(await people.countDocuments(toMongoFilter({ name: { like: 'A%' } }))).toBe(1)
  })

  it('maps a unique index violation to MEGA_DB_CONFLICT naming the index', async () => {
    const users = adapter.collection(uniqueName('users'))
    await users.createIndex({ email: 1 }, { unique: true, name: 'users_email_unique' })
    await users.insertOne({ email: 'ann@example.com' })
    const err = adapter.mapError(
      await users.insertOne({ email: 'ann@example.com' }).catch((e: unknown) => e),
    )
    expect(err.code).toBe('MEGA_DB_CONFLICT')
    expect(err.statusCode).toBe(409)
    expect(err.details).toMatchObject({ index: 'users_email_unique', fields: ['email'] })
  })

  it('maps a validator failure to MEGA_DB_CHECK', async () => {
    const name = uniqueName('checked')
    await adapter.db().createCollection(name, {
      validator: { $jsonSchema: { required: ['name'], properties: { age: { minimum: 0 } } } },
    })
    const err = adapter.mapError(
      await adapter
        .collection(name)
        .insertOne({ name: 'x', age: -1 })
        .catch((e: unknown) => e),
    )
    expect(err.code).toBe('MEGA_DB_CHECK')
    expect(err.statusCode).toBe(422)
  })

  it('commits a transaction and exposes its session to code inside it', async (ctx) => {
    if (!transactions) ctx.skip('the server is standalone: transactions need a replica set')
    const name = uniqueName('tx')
    await adapter.db().createCollection(name)
    const result = await adapter.transaction(async () => {
      const session = adapter.currentSession()
      expect(session?.inTransaction()).toBe(true)
      await adapter.collection(name).insertOne({ n: 1 }, { session })
      return 'done'
    })
    expect(result).toBe('done')
    expect(adapter.currentSession()).toBeUndefined()
    expect(await adapter.collection(name).countDocuments()).toBe(1)
  })

  it('rolls a transaction back when the function throws, rethrowing the error', async (ctx) => {
    if (!transactions) ctx.skip('the server is standalone: transactions need a replica set')
    const name = uniqueName('tx')
    await adapter.db().createCollection(name)
    const failure = new MegaError('MEGA_CRUD_NOT_FOUND', 'stop', { statusCode: 404 })
    const err = await caught<MegaError>(
      adapter.transaction(async () => {
        await adapter.collection(name).insertOne({ n: 1 }, { session: adapter.currentSession() })
        await adapter.transaction(async () => {
          await adapter.collection(name).insertOne({ n: 2 }, { session: adapter.currentSession() })
        })
        throw failure
      }),
    )
    expect(err).toBe(failure)
    expect(await adapter.collection(name).countDocuments()).toBe(0)
  })

  it('rolls back and maps a duplicate key raised inside a transaction', async (ctx) => {
    if (!transactions) ctx.skip('the server is standalone: transactions need a replica set')
    const name = uniqueName('tx')
    await adapter.collection(name).createIndex({ k: 1 }, { unique: true })
    const err = await caught<MegaError>(
      adapter.transaction(async () => {
        const session = adapter.currentSession()
        await adapter.collection(name).insertOne({ k: 1 }, { session })
        await adapter.collection(name).insertOne({ k: 1 }, { session })
      }),
    )
    expect(err.code).toBe('MEGA_DB_CONFLICT')
    expect(await adapter.collection(name).countDocuments()).toBe(0)
  })
})
