// What `mega migrate` needs from a project: its `@mega/db` and a connection to its `db` adapter.
// Lighter than booting the app: the config is loaded and only the one adapter is connected, so a
// migration runs without the routes, the services or the other adapters (a Redis that is down, a
// service whose constructor needs a table the migration is about to create).
import * as cliCore from '@mega/core'
import type { AdapterConfig, DriverImporter, MegaConfig } from '@mega/core'
import { importFromRoot } from '@mega/core/internal'
import type * as megaDb from '@mega/db'
import type { MongoDbAdapter, SqlDbAdapter } from '@mega/db'
import { cliError } from '../errors.js'
import type { CliIo } from '../io.js'

/** The `@mega/db` module, as the project sees it. */
export type DbModule = typeof megaDb

/** The slice of `@mega/core` the connection uses. */
type CoreModule = Pick<typeof cliCore, 'loadConfig' | 'DriverRegistry' | 'AdapterManager'>

/**
 * Imports a package the way the app does (from its own node_modules), falling back to the copy this
 * CLI depends on (a project that resolves neither is a test fixture or a broken install).
 */
export function projectImporter(root: string): DriverImporter {
  const fromRoot = importFromRoot(root)
  return async (name) => {
    const found = await fromRoot(name)
    if (found !== undefined) return found
    if (name === '@mega/db') return await import('@mega/db')
    if (name === '@mega/core') return cliCore
    return undefined
  }
}

/** The project's `@mega/db` (or this CLI's). */
export async function projectDb(root: string): Promise<DbModule> {
  return (await projectImporter(root)('@mega/db')) as DbModule
}

/** A connected `db` adapter (SQL, or MongoDB with `driver: 'mongo'`) and how to close it. */
export interface ProjectDatabase {
  readonly config: MegaConfig
  readonly alias: string
  readonly db: SqlDbAdapter | MongoDbAdapter
  close(): Promise<void>
}

/**
 * Whether a connected `db` adapter is MongoDB (`dialect: 'mongo'`), as `@mega/db`'s
 * `createMigrator` decides.
 */
export function isMongoProjectDb(db: ProjectDatabase['db']): db is MongoDbAdapter {
  return (db as Partial<MongoDbAdapter>).dialect === 'mongo'
}

/**
 * Connects one adapter of the project's config (read from `build`, a compiled copy of the project,
 * when given); a test passes its own.
 */
export type ConnectDb = (root: string, alias?: string, build?: string) => Promise<ProjectDatabase>

function noDatabase(message: string) {
  return cliError('MEGA_CLI_NO_DATABASE', message)
}

/**
 * Loads `mega.config.*` (and `.env`) of the project at `root` (the config from `build` when given) and
 * connects its `alias` adapter only.
 * A missing adapter, or one that is neither SQL nor MongoDB, is `MEGA_CLI_NO_DATABASE`; a database that does not answer is the
 * adapter's own error (`MEGA_ADAPTER_CONNECT_FAILED`, naming the cause).
 *
 * @example
 * const { db, close } = await connectProjectDb(process.cwd())
 */
export const connectProjectDb: ConnectDb = async (root, alias = 'db', build) => {
  const importer = projectImporter(root)
  const core = (await importer('@mega/core')) as CoreModule
  const config = await core.loadConfig(root, build === undefined ? {} : { dir: build })
  const entry: AdapterConfig | undefined = config.adapters[alias]
  if (entry === undefined)
    throw noDatabase(
      `${config.name} has no "${alias}" adapter in mega.config: add one, e.g. adapters: { ${alias}: { driver: 'sqlite', filename: './data/app.sqlite' } }.`,
    )
  const manager = new core.AdapterManager({
    registry: new core.DriverRegistry([], importer),
    app: config.name,
    root,
  })
  await manager.connectAll({ [alias]: entry })
  const db = manager.get(alias) as unknown as ProjectDatabase['db']
  const close = async () => void (await manager.disconnectAll())
  if (!isMongoProjectDb(db) && typeof db.kysely !== 'function') {
    await close()
    throw noDatabase(
      `The "${alias}" adapter (driver ${entry.driver}) is not a database migrations run on: use driver postgres, maria, sqlite or mongo.`,
    )
  }
  return { config, alias, db, close }
}

/**
 * Refuses a command that destroys data under `NODE_ENV=production` unless `force` (Rails' protected
 * environments): `MEGA_CLI_INVALID_ARGUMENT` naming `--force`.
 */
export function refuseInProduction(io: CliIo, force: boolean, command: string): void {
  if (force || (io.env.NODE_ENV ?? process.env.NODE_ENV) !== 'production') return
  throw cliError(
    'MEGA_CLI_INVALID_ARGUMENT',
    `mega ${command}: NODE_ENV is production, and ${command} destroys the database: pass --force if you mean it.`,
  )
}

/**
 * The migrator of `app` on a connected project database: `createMongoMigrator` for a MongoDB
 * adapter, `createMigrator` (the SQL runner) otherwise. Both return the same `Migrator`.
 */
export function projectMigrator(
  db: DbModule,
  database: Pick<ProjectDatabase, 'db'>,
  root: string,
  app: string,
): ReturnType<DbModule['createMigrator']> {
  return isMongoProjectDb(database.db)
    ? db.createMongoMigrator({ db: database.db, root, app })
    : db.createMigrator({ db: database.db, root, app })
}
