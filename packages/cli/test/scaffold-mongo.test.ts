// `mega scaffold` in a project whose `db` adapter is MongoDB: the Mongo service and route test, the
// same model, routes and migration; the migration is applied to @mega/db's in-memory stand-in for
// the driver (no MongoDB server runs here).
import { readFile, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { MegaAdapter, MegaConfig } from '@mega/core'
import { createTestApp } from '@mega/core/testing'
import type { MongoDbAdapter } from '@mega/db'
import { describe, expect, it } from 'vitest'
import { run } from '../src/cli.js'
import { migrateCommand } from '../src/commands/migrate-command.js'
import { scaffold } from '../src/commands/scaffold-command.js'
import { parseArgs } from '../src/internal/parse-args.js'
import { FakeMongo } from '../../db/test/helpers/mongo-crud-fake.js'
import { FakeMigrationMongo } from '../../db/test/helpers/mongo-migration-fake.js'
import { dbProject } from './helpers/db-project.js'
import { memoryIo } from './helpers/memory-io.js'

const MONGO = { db: { driver: 'mongo', url: 'mongodb://127.0.0.1:1/shop' } }

describe('mega scaffold on MongoDB', () => {
  it('writes a createMongoCrud service and a route test against a MongoDB server', async () => {
    const root = await dbProject(MONGO)
    const m = memoryIo(root)
    expect(await run(['scaffold', 'Post', 'title:string', 'views:integer?'], m.io)).toBe(0)
    expect(m.stdout).toContain('created apps/main/services/post-service.ts')
    const read = (file: string) => readFile(join(root, file), 'utf8')
    const service = await read('apps/main/services/post-service.ts')
    expect(service).toContain('createMongoCrud(Post, this.db<MongoDbAdapter>())')
    expect(service).not.toContain('createCrud(')
    const test = await read('test/routes/posts.test.ts')
    expect(test).toContain("import { createMongoMigrator, type MongoDbAdapter } from '@mega/db'")
    expect(test).toContain('MEGA_TEST_MONGO_URL')
    expect(test).toContain("const input = { title: 'title 1', views: 1 }")
    for (const text of [service, test]) expect(text).not.toContain('{{')
    // Model and routes are the SQL scaffold's: the model and the numeric ids work on both.
    expect(await read('apps/main/routes/posts.ts')).toContain("r.resource('posts'")
  })

  it('writes a migration the Mongo migrator applies as a collection with a validator', async () => {
    const root = await dbProject(MONGO)
    const { migration } = await scaffold({ root, name: 'Post', fields: ['title:string'] })
    const mongo = new FakeMigrationMongo()
    const connect = () =>
      Promise.resolve({
        config: {} as MegaConfig,
        alias: 'db',
        db: mongo as unknown as MongoDbAdapter,
        close: () => Promise.resolve(),
      })
    const m = memoryIo(root)
    expect(await migrateCommand(parseArgs('migrate', ['up']), m.io, { connect })).toBe(0)
    expect(m.stdout).toContain(migration!.replace(/^.*\//, '').replace(/\.ts$/, ''))
    expect(mongo.collections.get('posts')?.validator).toBeDefined()
  })

  it('keeps the SQL service and test when the db adapter is SQL, or when told sql', async () => {
    const sqlite = await dbProject({ db: { driver: 'sqlite', filename: ':memory:' } })
    await scaffold({ root: sqlite, name: 'Post', fields: ['title:string'] })
    const forced = await dbProject(MONGO)
    await scaffold({ root: forced, name: 'Post', fields: ['title:string'], dialect: 'sql' })
    for (const root of [sqlite, forced]) {
      const service = await readFile(join(root, 'apps/main/services/post-service.ts'), 'utf8')
      expect(service).toContain('createCrud(Post, this.db())')
      const test = await readFile(join(root, 'test/routes/posts.test.ts'), 'utf8')
      expect(test).toContain('withRollback')
    }
  })

  it('boots: the generated service and routes create, list, update and delete on Mongo CRUD', async () => {
    const root = await dbProject(MONGO)
    await symlink(
      new URL('../node_modules/zod', import.meta.url).pathname,
      join(root, 'node_modules/zod'),
    )
    await scaffold({ root, name: 'Post', fields: ['title:string', 'views:integer?'] })
    const mongo = new FakeMongo()
    const adapter: MegaAdapter = Object.assign(mongo, {
      kind: 'db' as const,
      driver: 'fake-mongo',
      alias: 'db',
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      health: () => Promise.resolve({ ok: true }),
    })
    const app = await createTestApp({
      root,
      config: { name: 'dbapp', adapters: { db: { driver: 'fake-mongo' } } },
      drivers: [{ name: 'fake-mongo', kinds: ['db'], create: () => adapter }],
    })
    const created = await app.inject({ method: 'POST', url: '/posts', payload: { title: 'Hi' } })
    expect(created.statusCode).toBe(201)
    const { id } = created.json().data
    expect(id).toBe(1)
    expect(mongo.docs('posts')).toMatchObject([{ title: 'Hi' }])
    expect((await app.inject('/posts')).json().data).toMatchObject({ total: 1, items: [{ id }] })
    const patch = { method: 'PATCH' as const, url: `/posts/${id}`, payload: { views: 3 } }
    expect((await app.inject(patch)).json().data).toMatchObject({ id, title: 'Hi', views: 3 })
    expect((await app.inject({ method: 'DELETE', url: `/posts/${id}` })).statusCode).toBe(200)
    expect((await app.inject(`/posts/${id}`)).statusCode).toBe(404)
    expect(mongo.docs('posts')).toEqual([])
    expect(mongo.calls.length).toBeGreaterThan(0)
  })
})
