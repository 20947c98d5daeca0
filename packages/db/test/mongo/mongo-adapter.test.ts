import { afterEach, describe, expect, it } from 'vitest'
import { caught, freePort } from '@mega/test-utils'
import { type MegaError } from '@mega/observe'
import { MongoServerError, type MongoClient } from 'mongodb'
import { MegaMongoAdapter } from '../../src/mongo/mongo-adapter.js'
import { mongoDriver } from '../../src/mongo/mongo-driver.js'
import { databaseFromUrl, mongoOptionsSchema } from '../../src/mongo/mongo-options.js'

/** A port nothing listens on: bound, then closed. */

const adapters: MegaMongoAdapter[] = []
afterEach(async () => {
  await Promise.all(adapters.splice(0).map((a) => a.disconnect()))
})

describe('mongo options', () => {
  it('applies the defaults and takes the database from the URL path', () => {
    const options = mongoOptionsSchema.parse({ url: 'mongodb://u:p@h1:1,h2:2/shop?replicaSet=rs' })
    expect(options).toEqual({
      url: 'mongodb://u:p@h1:1,h2:2/shop?replicaSet=rs',
      database: 'shop',
      maxPoolSize: 10,
      serverSelectionTimeoutMs: 5000,
    })
  })

  it('prefers an explicit database and accepts mongodb+srv', () => {
    const options = mongoOptionsSchema.parse({
      url: 'mongodb+srv://cluster.example.net/ignored',
      database: 'app',
      connectTimeoutMs: 2000,
    })
    expect(options).toMatchObject({ database: 'app', connectTimeoutMs: 2000 })
  })

  it('accepts its own output (the driver registry validates before the adapter does)', () => {
    const once = mongoOptionsSchema.parse({ url: 'mongodb://h/db' })
    expect(mongoOptionsSchema.parse(once)).toEqual(once)
  })

  it('reads the database from a URL path, decoded, or nothing', () => {
    expect(databaseFromUrl('mongodb://h/my%2Ddb?x=1')).toBe('my-db')
    expect(databaseFromUrl('mongodb://h/?x=1')).toBeUndefined()
    expect(databaseFromUrl('mongodb://h')).toBeUndefined()
  })

  it('reports every problem at once, each with its path', async () => {
    const err = caught<MegaError>(
      () =>
        new MegaMongoAdapter('db', {
          url: 'postgres://h/db',
          maxPoolSize: 0,
          serverSelectionTimeoutMs: -1,
          extra: true,
        } as never),
    )
    expect(err.code).toBe('MEGA_CONFIG_INVALID')
    expect(err.issues?.map((i) => i.path).sort()).toEqual([
      'adapters.db',
      'adapters.db.database',
      'adapters.db.maxPoolSize',
      'adapters.db.serverSelectionTimeoutMs',
      'adapters.db.url',
    ])
  })

  it('requires a database when the URL names none', async () => {
    const err = caught<MegaError>(() => new MegaMongoAdapter('db', { url: 'mongodb://h:27017' }))
    expect(err.issues).toEqual([
      { path: 'adapters.db.database', message: expect.stringContaining('name the database') },
    ])
  })

  it('rejects invalid database names, given or in the URL', async () => {
    const given = caught<MegaError>(
      () => new MegaMongoAdapter('db', { url: 'mongodb://h', database: 'a.b' }),
    )
    expect(given.issues?.[0]?.path).toBe('adapters.db.database')
    const inUrl = caught<MegaError>(() => new MegaMongoAdapter('db', { url: 'mongodb://h/a$b' }))
    expect(inUrl.issues?.[0]?.path).toBe('adapters.db.url')
  })

  it('rejects a URL without a host', async () => {
    const err = caught<MegaError>(() => new MegaMongoAdapter('db', { url: 'mongodb:///db' }))
    expect(err.issues?.map((i) => i.path)).toContain('adapters.db.url')
  })
})

describe('MegaMongoAdapter', () => {
  it('is a db adapter of the mongo driver and dialect', () => {
    const adapter = new MegaMongoAdapter('main', { url: 'mongodb://127.0.0.1/app' })
    expect([adapter.kind, adapter.driver, adapter.dialect, adapter.alias]).toEqual([
      'db',
      'mongo',
      'mongo',
      'main',
    ])
  })

  it('throws MEGA_DB_NOT_CONNECTED from client, db() and collection() before connect', async () => {
    const adapter = new MegaMongoAdapter('db', { url: 'mongodb://127.0.0.1/app' })
    for (const use of [() => adapter.client, () => adapter.db(), () => adapter.collection('x')]) {
      const err = caught<MegaError>(use)
      expect(err.code).toBe('MEGA_DB_NOT_CONNECTED')
      expect(err.statusCode).toBe(503)
    }
    expect((await caught<MegaError>(adapter.transaction(async () => 1))).code).toBe(
      'MEGA_DB_NOT_CONNECTED',
    )
  })

  it('reports unhealthy and has no session before connect', async () => {
    const adapter = new MegaMongoAdapter('db', { url: 'mongodb://127.0.0.1/app' })
    expect((await adapter.health()).ok).toBe(false)
    expect(adapter.currentSession()).toBeUndefined()
  })

  it('fails connect to an unreachable port with MEGA_DB_UNAVAILABLE, hiding the password', async () => {
    const port = await freePort()
    const adapter = new MegaMongoAdapter('db', {
      url: `mongodb://user:secret@127.0.0.1:${port}/app?directConnection=true`,
      serverSelectionTimeoutMs: 200,
      connectTimeoutMs: 200,
    })
    adapters.push(adapter)
    const err = await caught<MegaError>(adapter.connect())
    expect(err.code).toBe('MEGA_DB_UNAVAILABLE')
    expect(err.statusCode).toBe(503)
    expect(err.message).toContain(`127.0.0.1:${port}`)
    expect(err.message).not.toContain('secret')
    expect(adapter.state).toBe('idle')
    expect(caught<MegaError>(() => adapter.client).code).toBe('MEGA_DB_NOT_CONNECTED')
  })

  it('maps driver errors with the Mongo mapper', () => {
    const adapter = new MegaMongoAdapter('db', { url: 'mongodb://127.0.0.1/app' })
    const err = adapter.mapError(Object.assign(new Error('dup'), { code: 11000 }))
    expect(err.code).toBe('MEGA_DB_CONFLICT')
  })
})

describe('mongoDriver', () => {
  it('serves the db kind under the name mongo and creates a MegaMongoAdapter', () => {
    expect(mongoDriver.name).toBe('mongo')
    expect(mongoDriver.kinds).toEqual(['db'])
    const options = mongoDriver.options?.parse({ url: 'mongodb://127.0.0.1/app' }) as Record<
      string,
      unknown
    >
    const adapter = mongoDriver.create({ alias: 'docs', kind: 'db', app: 'mega', options })
    expect(adapter).toBeInstanceOf(MegaMongoAdapter)
    expect((adapter as MegaMongoAdapter).options.database).toBe('app')
  })
})

describe('MegaMongoAdapter.transaction errors', () => {
  function stubClient(failWith?: Error) {
    const session = {
      withTransaction: async (fn: () => Promise<unknown>) => {
        if (failWith !== undefined) throw failWith
        return fn()
      },
      endSession: async () => undefined,
    }
    return {
      connect: async () => undefined,
      close: async () => undefined,
      db: () => ({ command: async () => ({ ok: 1 }) }),
      startSession: () => session,
    } as unknown as MongoClient
  }

  it("rethrows the caller's own error unchanged and maps only driver errors", async () => {
    const ours = new Error('abort')
    const a = new MegaMongoAdapter(
      'db',
      { url: 'mongodb://127.0.0.1:27017/t' },
      { createClient: () => stubClient() },
    )
    await a.connect()
    await expect(a.transaction(async () => Promise.reject(ours))).rejects.toBe(ours)
    const driver = new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 })
    const b = new MegaMongoAdapter(
      'db',
      { url: 'mongodb://127.0.0.1:27017/t' },
      { createClient: () => stubClient(driver) },
    )
    await b.connect()
    await expect(b.transaction(async () => 1)).rejects.toMatchObject({ code: 'MEGA_DB_CONFLICT' })
  })
})
