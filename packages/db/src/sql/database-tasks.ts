// Creating and dropping the database a `db` adapter points at (`mega db create|drop`), the way Rails'
// `db:create`/`db:drop` do: PostgreSQL and MariaDB through a maintenance connection to the same server
// (the adapter itself cannot connect to a database that does not exist yet), SQLite by its file.
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Connection } from 'mysql2/promise'
import type { Client } from 'pg'
import { sql } from 'kysely'
import type { z } from 'zod'
import { dbError } from '../errors.js'
import { loadDriver, type DriverUser } from '../load-driver.js'
import { mapMariaError } from './maria/maria-error-mapper.js'
import { mariaOptionsSchema } from './maria/maria-options.js'
import { mapPostgresError } from './postgres/postgres-error-mapper.js'
import { postgresOptionsSchema } from './postgres/postgres-options.js'
import { serverFields } from './sql-server-options.js'
import type { SqlDatabase } from './sql-types.js'
import { isMemoryFilename, resolveSqliteFilename } from './sqlite/sqlite-adapter.js'
import { sqliteOptionsSchema } from './sqlite/sqlite-options.js'

/** What a database task did. */
export interface DatabaseTaskResult {
  /** The database: its name on a server, its file for SQLite. */
  readonly database: string
  /** `false` when there was nothing to do (it already existed, or was already gone). */
  readonly changed: boolean
}

/** Creates and drops the database of one SQL adapter's options. */
export interface DatabaseTasks {
  /** The database: its name on a server, its file for SQLite. */
  readonly database: string
  /** Creates it unless it exists. */
  create(): Promise<DatabaseTaskResult>
  /** Drops it (PostgreSQL: ending its open sessions) unless it is gone. */
  drop(): Promise<DatabaseTaskResult>
}

/** Options of {@link databaseTasks}. */
export interface DatabaseTasksOptions {
  /**
   * The project root (the folder holding `mega.config.ts`): what a relative SQLite `filename` is
   * relative to, as when the app boots, and where the app's lockfile is looked for when a driver is
   * missing. @default process.cwd()
   */
  readonly cwd?: string
  /** The adapter's alias, named when its driver is not installed. @default 'db' */
  readonly alias?: string
}

/** Where a task runs: the adapter it is for, and the app's folder. */
interface TaskScope {
  readonly alias: string
  readonly cwd: string
}

/** Loads a driver for a task (drivers are peer dependencies, loaded when a task runs). */
function taskDriver<K extends 'pg' | 'mysql2/promise' | 'better-sqlite3'>(
  specifier: K,
  dialect: string,
  scope: TaskScope,
) {
  const user: DriverUser = { alias: scope.alias, dialect }
  return loadDriver(specifier, user, { cwd: scope.cwd })
}

function invalid(driver: string, message: string): never {
  throw dbError('MEGA_DB_TASK_INVALID', `${driver}: ${message}`)
}

function parse<S extends z.ZodType>(driver: string, schema: S, options: unknown): z.output<S> {
  const result = schema.safeParse(options)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  return invalid(driver, `${issue.path.join('.') || 'options'}: ${issue.message}.`)
}

/** The url or the server fields of `options`, pointed at `database` (`undefined`: no database). */
function adminTarget(
  options: Parameters<typeof serverFields>[0] & { readonly url?: string | undefined },
  database: string | undefined,
): { url: string } | { fields: ReturnType<typeof serverFields> } {
  if (options.url === undefined) return { fields: { ...serverFields(options), database } }
  const url = new URL(options.url)
  url.pathname = database === undefined ? '/' : `/${database}`
  return { url: url.toString() }
}

/** The database named by a url's path or by the `database` field. */
function targetName(driver: string, options: { url?: string; database?: string }): string {
  const name =
    options.url === undefined
      ? (options.database ?? '')
      : decodeURIComponent(new URL(options.url).pathname.replace(/^\//, ''))
  if (name === '')
    invalid(driver, 'no database named: put it in the url (…/my_app) or set database.')
  return name
}

/** A double-quoted PostgreSQL identifier. */
const pgIdent = (name: string) => `"${name.replaceAll('"', '""')}"`
/** A back-quoted MariaDB identifier. */
const mariaIdent = (name: string) => `\`${name.replaceAll('`', '``')}\``

/** How one server's create and drop are done, over its maintenance connection `C`. */
interface ServerStatements<C> {
  exists(conn: C): Promise<boolean>
  run(conn: C, statement: string): Promise<unknown>
  readonly create: string
  readonly drop: string
}

/** Create and drop on a server: each asks first whether the database exists, so it says what changed. */
function serverTasks<C>(
  database: string,
  withAdmin: <T>(fn: (conn: C) => Promise<T>) => Promise<T>,
  statements: ServerStatements<C>,
): DatabaseTasks {
  const task = (statement: string, doneWhenExists: boolean) => () =>
    withAdmin(async (conn) => {
      if ((await statements.exists(conn)) === doneWhenExists) return { database, changed: false }
      await statements.run(conn, statement)
      return { database, changed: true }
    })
  return { database, create: task(statements.create, true), drop: task(statements.drop, false) }
}

function postgresTasks(options: unknown, scope: TaskScope): DatabaseTasks {
  const parsed = parse('postgres', postgresOptionsSchema, options)
  const database = targetName('postgres', parsed)
  // The maintenance database every PostgreSQL server has.
  const admin = adminTarget(parsed, 'postgres')
  const withAdmin = async <T>(fn: (client: Client) => Promise<T>): Promise<T> => {
    const { Client } = await taskDriver('pg', 'postgres', scope)
    const client = new Client({
      ...('url' in admin ? { connectionString: admin.url } : admin.fields),
      ...(parsed.ssl === undefined ? {} : { ssl: parsed.ssl }),
    })
    try {
      await client.connect()
      return await fn(client)
    } catch (err) {
      throw mapPostgresError(err)
    } finally {
      await client.end().catch(() => undefined)
    }
  }
  return serverTasks(database, withAdmin, {
    exists: async (client) =>
      (await client.query('select 1 from pg_database where datname = $1', [database])).rowCount ===
      1,
    run: (client, statement) => client.query(statement),
    create: `create database ${pgIdent(database)}`,
    drop: `drop database ${pgIdent(database)} with (force)`,
  })
}

function mariaTasks(options: unknown, scope: TaskScope): DatabaseTasks {
  const parsed = parse('maria', mariaOptionsSchema, options)
  const database = targetName('maria', parsed)
  // A connection to the server, no database selected.
  const admin = adminTarget(parsed, undefined)
  const withAdmin = async <T>(fn: (conn: Connection) => Promise<T>): Promise<T> => {
    const { createConnection } = await taskDriver('mysql2/promise', 'maria', scope)
    let conn: Connection | undefined
    try {
      const ssl = parsed.ssl === true ? {} : parsed.ssl === false ? undefined : parsed.ssl
      conn = await createConnection({
        ...('url' in admin ? { uri: admin.url } : admin.fields),
        ...(ssl === undefined ? {} : { ssl }),
      })
      return await fn(conn)
    } catch (err) {
      throw mapMariaError(err)
    } finally {
      await conn?.end().catch(() => undefined)
    }
  }
  return serverTasks(database, withAdmin, {
    exists: async (conn) => {
      const [rows] = await conn.query(
        'select schema_name from information_schema.schemata where schema_name = ?',
        [database],
      )
      return (rows as unknown[]).length === 1
    },
    run: (conn, statement) => conn.query(statement),
    create: `create database ${mariaIdent(database)}`,
    drop: `drop database ${mariaIdent(database)}`,
  })
}

function sqliteTasks(options: unknown, scope: TaskScope): DatabaseTasks {
  const { filename } = parse('sqlite', sqliteOptionsSchema, options)
  if (isMemoryFilename(filename))
    return {
      database: filename,
      create: async () => ({ database: filename, changed: false }),
      drop: async () => ({ database: filename, changed: false }),
    }
  const file = resolveSqliteFilename(filename, scope.cwd)
  return {
    database: file,
    create: async () => {
      if (existsSync(file)) return { database: file, changed: false }
      const { default: BetterSqlite3 } = await taskDriver('better-sqlite3', 'sqlite', scope)
      mkdirSync(dirname(file), { recursive: true })
      new BetterSqlite3(file).close()
      return { database: file, changed: true }
    },
    drop: async () => {
      const changed = existsSync(file)
      // The write-ahead log and shared-memory files go with it (WAL is on by default).
      for (const suffix of ['', '-wal', '-shm', '-journal'])
        rmSync(`${file}${suffix}`, { force: true })
      return { database: file, changed }
    },
  }
}

/**
 * Create and drop for the database of a SQL adapter's options (`driver` and the options as in
 * `mega.config`'s adapter entry). Options are validated first (`MEGA_DB_TASK_INVALID` names the
 * field); a server that refuses is the driver's mapped error (`MEGA_DB_UNAVAILABLE`…).
 *
 * @example
 * const tasks = databaseTasks('postgres', { url: 'postgres://postgres@127.0.0.1/blog_test' })
 * await tasks.create() // { database: 'blog_test', changed: true }
 */
export function databaseTasks(
  driver: string,
  options: unknown,
  tasksOptions: DatabaseTasksOptions = {},
): DatabaseTasks {
  const scope: TaskScope = {
    alias: tasksOptions.alias ?? 'db',
    cwd: tasksOptions.cwd ?? process.cwd(),
  }
  switch (driver) {
    case 'postgres':
      return postgresTasks(options, scope)
    case 'maria':
      return mariaTasks(options, scope)
    case 'sqlite':
      return sqliteTasks(options, scope)
    default:
      return invalid(
        driver,
        'databases are created and dropped for the postgres, maria and sqlite drivers only.',
      )
  }
}

/**
 * Drops every table and view of the connected database (the migrations' bookkeeping tables too), for
 * `mega migrate fresh`: views first, then tables with foreign keys ignored (PostgreSQL `cascade`,
 * MariaDB `foreign_key_checks = 0`, SQLite `foreign_keys = off`), all on one connection. Resolves the
 * names dropped. PostgreSQL: only the tables Kysely lists (the connection's search path).
 *
 * @example
 * await dropAllTables(ctx.db<SqlDbAdapter>()) // ['notes', 'users', 'mega_migrations']
 */
export async function dropAllTables(db: SqlDatabase): Promise<string[]> {
  const kysely = db.kysely()
  const all = await kysely.introspection.getTables({ withInternalKyselyTables: true })
  const views = all.filter((t) => t.isView)
  const tables = all.filter((t) => !t.isView)
  const qualified = (t: { name: string; schema?: string }) =>
    t.schema === undefined || db.dialect === 'sqlite' ? sql.id(t.name) : sql.id(t.schema, t.name)
  try {
    await kysely.connection().execute(async (conn) => {
      if (db.dialect === 'maria') await sql`set foreign_key_checks = 0`.execute(conn)
      if (db.dialect === 'sqlite') await sql`pragma foreign_keys = off`.execute(conn)
      try {
        for (const view of views) await sql`drop view if exists ${qualified(view)}`.execute(conn)
        for (const table of tables)
          await (
            db.dialect === 'postgres'
              ? sql`drop table if exists ${qualified(table)} cascade`
              : sql`drop table if exists ${qualified(table)}`
          ).execute(conn)
      } finally {
        if (db.dialect === 'maria') await sql`set foreign_key_checks = 1`.execute(conn)
        if (db.dialect === 'sqlite') await sql`pragma foreign_keys = on`.execute(conn)
      }
    })
  } catch (err) {
    throw db.mapError(err)
  }
  return [...views, ...tables].map((t) => t.name)
}
