// The test databases of an app, made ready before a test run (Rails' `db:test:prepare`): each
// PostgreSQL or MariaDB adapter of the config read under NODE_ENV=test (so `env('DATABASE_URL')`
// names `<name>_test`) is created when missing and migrated to the latest migration of every app.
import { loadConfig, type MegaAdapter } from '@mega/core'
import { createMigrator } from '../migrations/create-migrator.js'
import { databaseTasks } from '../sql/database-tasks.js'
import { MariaAdapter } from '../sql/maria/maria-adapter.js'
import { mariaOptionsSchema } from '../sql/maria/maria-options.js'
import { PostgresAdapter } from '../sql/postgres/postgres-adapter.js'
import { postgresOptionsSchema } from '../sql/postgres/postgres-options.js'
import type { SqlDbAdapter } from '../sql/sql-types.js'

/** What {@link prepareTestDatabases} did for one adapter. */
export interface PreparedTestDatabase {
  readonly alias: string
  /** Its name on the server, or its SQLite file. */
  readonly database: string
  /** Whether it was created now. */
  readonly created: boolean
  /** How many migrations were applied now. */
  readonly migrated: number
}

const ADAPTERS: Readonly<Record<string, (alias: string, options: unknown) => SqlDbAdapter>> = {
  postgres: (alias, options) => new PostgresAdapter(alias, postgresOptionsSchema.parse(options)),
  maria: (alias, options) => new MariaAdapter(alias, mariaOptionsSchema.parse(options)),
}

async function prepareOne(
  alias: string,
  entry: Readonly<Record<string, unknown>>,
  root: string,
  apps: readonly string[],
): Promise<PreparedTestDatabase | undefined> {
  const { driver, ...options } = entry
  const create = typeof driver === 'string' ? ADAPTERS[driver] : undefined
  if (create === undefined) return undefined
  const tasks = databaseTasks(driver as string, options, { cwd: root, alias })
  const { changed } = await tasks.create()
  const db = create(alias, options)
  await (db as MegaAdapter).connect()
  let migrated = 0
  try {
    for (const app of apps) {
      const results = await createMigrator({ db, root, app }).up()
      const failed = results.find((r) => r.status === 'failed')
      if (failed !== undefined) throw failed.error
      migrated += results.filter((r) => r.status === 'applied').length
    }
  } finally {
    await (db as MegaAdapter).disconnect()
  }
  return { alias, database: tasks.database, created: changed, migrated }
}

/**
 * Creates (when missing) and migrates the database of every PostgreSQL and MariaDB adapter in the
 * app's config, read with `NODE_ENV=test` (set here, whatever it was), so `env('DATABASE_URL')`
 * names the test database (`DATABASE_URL_TEST`, else `<name>_test`: see `env()` of `@mega/core`).
 * SQLite is left to {@link withRollback}, which migrates it in the test process (in-memory SQLite
 * lives in one process). Resolves what it did per adapter.
 *
 * @example
 * await prepareTestDatabases(process.cwd()) // [{ alias: 'db', database: 'blog_test', created: true, migrated: 3 }]
 */
export async function prepareTestDatabases(root: string): Promise<PreparedTestDatabase[]> {
  // A shell's NODE_ENV=development must not point the setup at the development database.
  process.env.NODE_ENV = 'test'
  const config = await loadConfig(root)
  const apps = config.apps.map((a) => a.name)
  const done: PreparedTestDatabase[] = []
  for (const [alias, entry] of Object.entries(config.adapters)) {
    const prepared = await prepareOne(alias, entry, root, apps)
    if (prepared !== undefined) done.push(prepared)
  }
  return done
}
