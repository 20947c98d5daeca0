import { describe, expect, it, onTestFinished } from 'vitest'
import { loadConfig } from '@mega/core'
import { createTestApp } from '@mega/core/testing'
import { {{dbImports}} } from '@mega/db'{{imports}}

const root = new URL('../..', import.meta.url).pathname

// MongoDB has no in-memory mode: these tests run against the server at MEGA_TEST_MONGO_URL (e.g.
// mongodb://127.0.0.1:27017), each on a database of its own that is dropped afterwards.
const url = process.env.MEGA_TEST_MONGO_URL
const withMongo = it.skipIf(url === undefined)

/** The app on a fresh database of that server, every migration applied. */
async function migratedApp() {
  const config = await loadConfig(root)
  const database = `test_{{table}}_${process.pid}_${Date.now()}`
  const app = await createTestApp({
    root,
    config: { ...config, adapters: { ...config.adapters, db: { driver: 'mongo', url: url!, database } } },
  })
  const db = app.runtime.adapters.get<MongoDbAdapter>('db')
  onTestFinished(() => db.db().dropDatabase().then(() => undefined))
  const results = await createMongoMigrator({ db, root, app: '{{app}}' }).up()
  expect(results.filter((r) => r.status === 'failed')).toEqual([])
  const index = app.runtime.server.routes().find((r) => r.name === '{{plural}}.index')
  return { app, path: index!.path }
}

describe('{{plural}} routes', () => {
  withMongo{{skip}}('create, list, show, update and delete one {{name}}', async () => {
    const { app, path } = await migratedApp(){{seed}}
    const input = {{input}}
    const created = await app.inject({ method: 'POST', url: path, payload: input })
    expect(created.statusCode).toBe(201)
    const { id } = created.json().data
    expect(created.json().data).toMatchObject({{expected}})

    const list = await app.inject(path)
    expect(list.json().data).toMatchObject({ total: 1, items: [{ id }] })
    expect((await app.inject(`${path}/${id}`)).json().data).toMatchObject({ id })

    const change = {{change}}
    const updated = await app.inject({ method: 'PATCH', url: `${path}/${id}`, payload: change })
    expect(updated.statusCode).toBe(200)
    expect(updated.json().data).toMatchObject({{changeExpected}})

    expect((await app.inject({ method: 'DELETE', url: `${path}/${id}` })).statusCode).toBe(200)
    expect((await app.inject(`${path}/${id}`)).statusCode).toBe(404)
  })

  withMongo('refuses input the model does not accept', async () => {
    const { app, path } = await migratedApp()
    const res = await app.inject({ method: 'POST', url: path, payload: { nope: 1 } })
    expect(res.statusCode).toBe(422)
  })
})
