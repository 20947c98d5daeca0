// Real SQL databases for the outbox suites: PostgreSQL and MariaDB (the shared servers), SQLite (a
// file). Each test gets its own outbox and app tables, dropped afterwards.
import { sql } from 'kysely'
import { MariaAdapter, PostgresAdapter, SqliteAdapter, type SqlDbAdapter } from '@mega/db'
import { disposeAfterTest, requireService, serviceUrl, tempDir, uniqueName } from '@mega/test-utils'
import { ensureOutboxTable, MegaJob } from '../../src/index.js'

/** One database the outbox suites run on. */
export interface OutboxDbUnderTest {
  readonly name: 'postgres' | 'maria' | 'sqlite'
  readonly available: boolean
  /** A new connected adapter; given another one, on the same database (SQLite: the same file). */
  readonly open: (same?: SqlDbAdapter) => Promise<SqlDbAdapter>
}

/** PostgreSQL, MariaDB and SQLite, for `describe.each`. */
export async function outboxDatabases(): Promise<readonly OutboxDbUnderTest[]> {
  const pg = await requireService('postgres')
  const maria = await requireService('maria')
  return [
    {
      name: 'postgres',
      available: pg.available,
      open: () => connected(new PostgresAdapter('db', { url: serviceUrl('postgres') ?? '' })),
    },
    {
      name: 'maria',
      available: maria.available,
      open: () => connected(new MariaAdapter('db', { url: serviceUrl('maria') ?? '' })),
    },
    {
      name: 'sqlite',
      available: true,
      open: async (same) => {
        const filename = (same && files.get(same)) ?? `${await tempDir()}/app.sqlite`
        const db = await connected(new SqliteAdapter('db', { filename }))
        files.set(db, filename)
        return db
      },
    },
  ]
}

const files = new WeakMap<SqlDbAdapter, string>()
const tablesOf = new WeakMap<SqlDbAdapter, string[]>()

/** Connects `db`; after the test, drops the tables made with {@link outboxTables}, then disconnects. */
async function connected(db: SqlDbAdapter): Promise<SqlDbAdapter> {
  await db.connect()
  tablesOf.set(db, [])
  disposeAfterTest(async () => {
    for (const t of tablesOf.get(db) ?? [])
      await sql`drop table if exists ${sql.table(t)}`.execute(db.kysely())
    await db.disconnect()
  })
  return db
}

/** A unique outbox table and app table (`<outbox>_users`: id, name), both dropped after the test. */
export async function outboxTables(db: SqlDbAdapter): Promise<{ table: string; users: string }> {
  const table = uniqueName('outbox')
  const users = `${table}_users`
  await ensureOutboxTable(db, table)
  await db
    .kysely()
    .schema.createTable(users)
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(64)', (c) => c.notNull())
    .execute()
  tablesOf.get(db)?.push(table, users)
  return { table, users }
}

/** Rows left in the outbox table. */
export async function outboxCount(db: SqlDbAdapter, table: string): Promise<number> {
  const { rows } = await sql<{
    n: number | string
  }>`select count(*) as n from ${sql.table(table)}`.execute(db.kysely())
  return Number(rows[0]?.n)
}

/** The job the suites enqueue: records every run's payload. */
export class WelcomeJob extends MegaJob<{ user: string }, { runs: string[] }> {
  static override retries = 0
  run(payload: { user: string }, ctx: { runs: string[] }): void {
    ctx.runs.push(payload.user)
  }
}
