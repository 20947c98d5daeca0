import { mkdirSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import {
  CompiledQuery,
  SqliteDialect,
  type DatabaseConnection,
  type Dialect,
  type SqliteDatabase,
} from 'kysely'
import { parseOptions } from '@mega/observe/internal'
import { loadDriver } from '../../load-driver.js'
import { MegaSqlAdapter, type SqlAdapterSeams, type SqlErrorFacts } from '../sql-adapter.js'
import { classifySqliteError } from './sqlite-error-mapper.js'
import {
  sqliteOptionsSchema,
  type ResolvedSqliteOptions,
  type SqliteOptions,
} from './sqlite-options.js'

/** Seams of {@link SqliteAdapter}, with real defaults. */
export interface SqliteAdapterSeams extends SqlAdapterSeams {
  /**
   * Opens the database file. @default (filename, { timeout }) => new Database(filename, { timeout }),
   * `better-sqlite3` loaded on connect
   */
  readonly open?: (filename: string, options: { readonly timeout: number }) => SqliteDatabase
  /** Creates the folder of the database file. @default mkdirSync(dir, { recursive: true }) */
  readonly mkdir?: (dir: string) => void
}

/** `true` for an in-memory database (nothing on disk, no WAL). */
export function isMemoryFilename(filename: string): boolean {
  return filename === ':memory:' || filename.startsWith('file::memory:')
}

/**
 * The file a SQLite `filename` names for the project at `root`: an in-memory or absolute name as
 * given, a relative one resolved against `root` (the folder holding `mega.config.ts`), the way Rails
 * resolves `db/development.sqlite3` against the app's root, not against the process's cwd.
 */
export function resolveSqliteFilename(filename: string, root: string): string {
  return isMemoryFilename(filename) || isAbsolute(filename) ? filename : resolve(root, filename)
}

function pragmas(options: ResolvedSqliteOptions): string[] {
  const list = [`pragma foreign_keys = ${options.foreignKeys ? 'ON' : 'OFF'}`]
  if (options.wal && !isMemoryFilename(options.filename)) list.push('pragma journal_mode = WAL')
  return list
}

/** The default opener, once `better-sqlite3` is loaded (on connect: it is a peer dependency). */
async function defaultOpen(alias: string): Promise<NonNullable<SqliteAdapterSeams['open']>> {
  const { default: Database } = await loadDriver('better-sqlite3', { alias, dialect: 'sqlite' })
  return (filename, options) => new Database(filename, options)
}

/**
 * The `sqlite` SQL adapter: Kysely over `better-sqlite3`, the default database of a new app.
 * Statements run one at a time on one connection; a transaction holds it until it ends.
 *
 * @example
 * const db = new SqliteAdapter('db', { filename: ':memory:' })
 * await db.connect()
 * await db.kysely<Database>().selectFrom('users').selectAll().execute()
 */
export class SqliteAdapter extends MegaSqlAdapter {
  readonly dialect = 'sqlite' as const
  /** The validated, frozen options. */
  readonly options: Readonly<ResolvedSqliteOptions>
  readonly #open: SqliteAdapterSeams['open']
  readonly #mkdir: (dir: string) => void

  constructor(alias: string, options: SqliteOptions = {}, seams: SqliteAdapterSeams = {}) {
    super('sqlite', alias, seams)
    this.options = parseOptions(sqliteOptionsSchema, options, `adapters.${alias}`)
    this.#open = seams.open
    this.#mkdir = seams.mkdir ?? ((dir) => void mkdirSync(dir, { recursive: true }))
  }

  protected async _createDialect(): Promise<Dialect> {
    const { filename, busyTimeoutMs } = this.options
    // The driver loads first: a missing one fails before the folder is made.
    const open = this.#open ?? (await defaultOpen(this.alias))
    if (!isMemoryFilename(filename)) this.#mkdir(dirname(filename))
    const database = open(filename, { timeout: busyTimeoutMs })
    const statements = pragmas(this.options)
    return new SqliteDialect({
      database,
      onCreateConnection: async (connection: DatabaseConnection) => {
        for (const statement of statements)
          await connection.executeQuery(CompiledQuery.raw(statement))
      },
    })
  }

  protected _target(): string {
    return this.options.filename
  }

  protected _classifyError(err: unknown): SqlErrorFacts | undefined {
    return classifySqliteError(err)
  }
}
