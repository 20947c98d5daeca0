import { expect, it, onTestFinished } from 'vitest'
import { loadConfig } from '@mega/core'
import { createTestApp } from '@mega/core/testing'
import { createMongoMigrator, type MongoDbAdapter } from '@mega/db'

const root = new URL('..', import.meta.url).pathname

// MongoDB has no in-memory mode and no rolled-back transaction per test: the tests that boot the app
// run against the server at MEGA_TEST_MONGO_URL (e.g. mongodb://127.0.0.1:27017), each on a database
// of its own that is dropped afterwards. Without it they are skipped.
const url = process.env.MEGA_TEST_MONGO_URL

/** `it`, skipped when MEGA_TEST_MONGO_URL is not set. */
export const withMongo = it.skipIf(url === undefined)

/** The app on a fresh database of that server, every migration applied; dropped after the test. */
export async function mongoTestApp() {
  const config = await loadConfig(root)
  const database = `test_{{nameSnake}}_${process.pid}_${Date.now()}`
  const app = await createTestApp({
    root,
    config: {
      ...config,
      adapters: { ...config.adapters, db: { driver: 'mongo', url: url!, database } },
    },
  })
  const db = app.runtime.adapters.get<MongoDbAdapter>('db')
  onTestFinished(() => db.db().dropDatabase().then(() => undefined))
  const results = await createMongoMigrator({ db, root, app: 'main' }).up()
  expect(results.filter((r) => r.status === 'failed')).toEqual([])
  return app
}
