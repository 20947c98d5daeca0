// The test-database convention, for real on PostgreSQL: a `mega new` app switched to PostgreSQL with
// the documented one-line change, with a scaffolded resource, passes `mega test` twice in a row
// (each test rolled back in `<name>_test`), and its development database stays untouched: no tables,
// no rows. Needs `pnpm build` first (the tarballs hold dist/) and pnpm on PATH.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { databaseTasks, PostgresAdapter } from '@mega/db'
import { requireService, run, uniqueName, userShellEnv } from '@mega/test-utils'
import { afterAll, describe, expect, it } from 'vitest'
import { installedApp, must } from './helpers/generated-app.js'

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

const dev = uniqueName('mega_devdb')
const cleanup: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn()
})

describe.runIf(pg.available)('mega test on PostgreSQL', () => {
  it('runs twice against <name>_test and leaves the development database untouched', async () => {
    const app = await installedApp('pg-app')

    // The documented one-line switch, and a development database in .env.
    const configFile = join(app, 'mega.config.ts')
    const config = await readFile(configFile, 'utf8')
    const line = "db: { driver: 'sqlite', filename: env('DATABASE_FILE', './data/app.sqlite') },"
    expect(config).toContain(line)
    await writeFile(
      configFile,
      config.replace(line, "db: { driver: 'postgres', url: env('DATABASE_URL') },"),
    )
    await writeFile(join(app, '.env'), `DATABASE_URL=${urlOf(dev)}\n`)
    const devTasks = databaseTasks('postgres', { url: urlOf(dev) })
    const testTasks = databaseTasks('postgres', { url: urlOf(`${dev}_test`) })
    cleanup.push(
      () => devTasks.drop(),
      () => testTasks.drop(),
    )
    await devTasks.create()

    await must('npx', ['mega', 'scaffold', 'Post', 'title:string', 'body:text'], app)
    // Twice: the second run finds the rows of the first rolled back. The second with a shell's
    // NODE_ENV=development, which mega test overrides.
    for (const shell of [undefined, 'development']) {
      const env = userShellEnv(shell === undefined ? {} : { NODE_ENV: shell })
      const out = await run('npx', ['mega', 'test'], { cwd: app, env })
      expect(out).toMatch(/Tests\s+\d+ passed/)
      expect(out).not.toMatch(/failed/)
    }

    expect(await tablesOf(urlOf(dev))).toEqual([]) // nothing created or written by the tests
    const testTables = await tablesOf(urlOf(`${dev}_test`))
    expect(testTables).toEqual(expect.arrayContaining(['notes', 'posts']))
    expect(await countOf(urlOf(`${dev}_test`), 'notes')).toBe(0) // every test rolled back
    expect(await countOf(urlOf(`${dev}_test`), 'posts')).toBe(0)
  }, 180_000)
})
