// Every test in its own transaction, rolled back when the test ends (Rails' transactional tests):
// the adapters hold one transaction that all their queries join, whatever the async context, so
// requests through `app.inject()`, services, CRUD and factories all write into it.
import type { MegaAdapter } from '@mega/core'
import { dbError } from '../errors.js'
import { createMigrator } from '../migrations/create-migrator.js'
import type { SqlDbAdapter } from '../sql/sql-types.js'

/** The part of a test app (`createTestApp()` of `@mega/core/testing`) {@link withRollback} uses. */
export interface RollbackApp {
  readonly runtime: {
    readonly config: { readonly apps: readonly { readonly name: string }[] }
    readonly adapters: { readonly adapters: ReadonlyMap<string, MegaAdapter> }
  }
}

/** Options of {@link withRollback}. */
export interface WithRollbackOptions {
  /** The app's root, where `apps/<name>/migrations` are (SQLite is migrated here). @default process.cwd() */
  readonly root?: string
}

interface Holding extends SqlDbAdapter {
  holdTransaction(): Promise<{ rollback(): Promise<void> }>
}

function isHolding(adapter: MegaAdapter): adapter is Holding {
  return (
    adapter.kind === 'db' && typeof (adapter as Partial<Holding>).holdTransaction === 'function'
  )
}

async function registerRollback(rollback: () => Promise<void>): Promise<void> {
  try {
    const vitest = await import('vitest')
    try {
      vitest.onTestFinished(rollback)
    } catch {
      vitest.afterAll(rollback)
    }
  } catch {
    // Not under vitest: the app's close() rolls back (a disconnect releases the transaction).
  }
}

/** Applies every app's migrations (an in-memory SQLite database is new at each boot). */
async function migrate(db: SqlDbAdapter, root: string, apps: readonly string[]): Promise<void> {
  for (const app of apps) {
    const failed = (await createMigrator({ db, root, app }).up()).find((r) => r.status === 'failed')
    if (failed !== undefined) throw failed.error
  }
}

/**
 * Holds every SQL `db` adapter of a test app in one transaction that is rolled back when the test
 * ends (or, called from `beforeAll`, when the file ends), so a test leaves no rows behind and runs
 * again on a persistent database. SQLite adapters get every app's migrations first (in-memory SQLite
 * starts empty); server databases were created and migrated before the run by `megaVitest()`'s global
 * setup (`@mega/db/vitest-setup`). An app without a SQL adapter is `MEGA_DB_TEST_INVALID`. Resolves
 * the app. Not for tests of DDL on MariaDB (it commits the transaction): truncate there instead.
 *
 * @example
 * const app = await withRollback(await createTestApp({ root }))
 * await app.inject({ method: 'POST', url: '/notes', payload: { text: 'hi' } }) // undone after the test
 */
export async function withRollback<A extends RollbackApp>(
  app: A,
  options: WithRollbackOptions = {},
): Promise<A> {
  const dbs = [...app.runtime.adapters.adapters.values()].filter(isHolding)
  if (dbs.length === 0)
    throw dbError(
      'MEGA_DB_TEST_INVALID',
      'withRollback(app): the app has no SQL "db" adapter to roll back: add one in mega.config, or drop withRollback.',
    )
  const apps = app.runtime.config.apps.map((a) => a.name)
  const releases: (() => Promise<void>)[] = []
  for (const db of dbs) {
    if (db.dialect === 'sqlite') await migrate(db, options.root ?? process.cwd(), apps)
    const held = await db.holdTransaction()
    releases.push(() => held.rollback())
  }
  await registerRollback(async () => {
    for (const release of releases.reverse()) await release()
  })
  return app
}
