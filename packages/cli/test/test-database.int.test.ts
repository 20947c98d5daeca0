// The test-database convention, for real on PostgreSQL: `mega new --db postgres --bare` (a unique
// name, so its databases collide with nothing), then `mega db create`, `mega scaffold` (the first
// migration creates the first table), `mega migrate up`, the type-check, and `mega test` twice in a
// row (each test rolled back in `<name>_test`, created and migrated before the run); the development
// database keeps no rows of the tests. Needs `pnpm build` first (the tarballs hold dist/) and pnpm on
// PATH.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { databaseTasks, PostgresAdapter } from '@mega/db'
import { requireService, run, uniqueName, userShellEnv } from '@mega/test-utils'
import { afterAll, describe, expect, it } from 'vitest'
import { newInstalledApp, must } from './helpers/generated-app.js'

const pg = await requireService('postgres')

/** The database `name` on the test server, as a URL. */
function urlOf(name: string): string {
  const url = new URL(pg.url!)
  url.pathname = `/${name}`
  return url.href
}

/** Runs `fn` on a connection to the database at `url`. */
async function withDb<T>(url: string, fn: (db: PostgresAdapter) => Promise<T>): Promise<T> {
  const db = new PostgresAdapter('check', { url, pool: { max: 1 } })
  await db.connect()
  try {
    return await fn(db)
  } finally {
    await db.disconnect()
  }
}

const tablesOf = (url: string) =>
  withDb(url, async (db) => (await db.kysely().introspection.getTables()).map((t) => t.name))

/** How many rows `table` holds. */
const countOf = (url: string, table: string) =>
  withDb(url, async (db) => {
    const row = await db
      .kysely<Record<string, { id: number }>>()
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  })

const cleanup: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn()
})

describe.runIf(pg.available)('mega new --db postgres --bare, then mega test', () => {
  it('creates, scaffolds, migrates and tests against <name>_test, twice', async () => {
    const name = uniqueName('pgbare').replace(/_/g, '-')
    const { app, created } = await newInstalledApp(name, ['--db', 'postgres', '--bare'])
    expect(created).toContain('npx mega db create')
    const db = name.replace(/-/g, '_')
    const dev = `${db}_development`
    const devTasks = databaseTasks('postgres', { url: urlOf(dev) })
    const testTasks = databaseTasks('postgres', { url: urlOf(`${db}_test`) })
    cleanup.push(
      () => devTasks.drop(),
      () => testTasks.drop(),
    )
    // What `mega new` wrote: the local server's URLs, the pg driver, no SQLite left.
    const env = await readFile(join(app, '.env'), 'utf8')
    expect(env).toContain(`DATABASE_URL=postgres://postgres@127.0.0.1:5432/${dev}\n`)
    expect(env).toContain(`DATABASE_URL_TEST=postgres://postgres@127.0.0.1:5432/${db}_test\n`)
    const pkg = JSON.parse(await readFile(join(app, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
    }
    expect(pkg.dependencies).toHaveProperty('pg')
    expect(pkg.dependencies).not.toHaveProperty('better-sqlite3')

    expect(await must('npx', ['mega', 'db', 'create'], app)).toContain(`Created database ${dev}.`)
    await must('npx', ['mega', 'scaffold', 'Post', 'title:string', 'body:text'], app)
    const migrated = await must('npx', ['mega', 'migrate', 'up'], app)
    expect(migrated).toMatch(/✓ applied {2}\d{14}-create-posts/) // the first migration
    await must('npx', ['tsc', '-p', 'tsconfig.json'], app) // the generated code type-checks

    // Twice: the second run finds the rows of the first rolled back. The second with a shell's
    // NODE_ENV=development, which mega test overrides.
    for (const shell of [undefined, 'development']) {
      const env = userShellEnv(shell === undefined ? {} : { NODE_ENV: shell })
      const out = await run('npx', ['mega', 'test'], { cwd: app, env })
      expect(out).toMatch(/Tests\s+\d+ passed/)
      expect(out).not.toMatch(/failed|skipped/)
    }

    expect(await tablesOf(urlOf(dev))).toContain('posts')
    expect(await countOf(urlOf(dev), 'posts')).toBe(0) // the tests wrote nothing here
    expect(await tablesOf(urlOf(`${db}_test`))).toContain('posts')
    expect(await countOf(urlOf(`${db}_test`), 'posts')).toBe(0) // every test rolled back
  }, 300_000)
})
