import type { DriverContext, DriverDefinition, MegaAdapter } from '@mega/core'
import type { SqlAdapterSeams } from './sql-adapter.js'
import type { z } from 'zod'
import { MariaAdapter } from './maria/maria-adapter.js'
import { mariaOptionsSchema, type MariaOptions } from './maria/maria-options.js'
import { PostgresAdapter } from './postgres/postgres-adapter.js'
import { postgresOptionsSchema, type PostgresOptions } from './postgres/postgres-options.js'
import { resolveSqliteFilename, SqliteAdapter } from './sqlite/sqlite-adapter.js'
import {
  DEFAULT_SQLITE_FILENAME,
  sqliteOptionsSchema,
  type SqliteOptions,
} from './sqlite/sqlite-options.js'

/** A `db` driver whose options `schema` validates (core parses them before `create`). */
function sqlDriver<O>(
  name: string,
  schema: z.ZodType,
  create: (alias: string, options: O, seams: SqlAdapterSeams, root: string) => MegaAdapter,
): DriverDefinition {
  return Object.freeze({
    name,
    kinds: ['db'] as const,
    options: schema,
    create: ({ alias, options, metrics, root }: DriverContext): MegaAdapter =>
      create(alias, options as O, metrics === undefined ? {} : { metrics }, root ?? process.cwd()),
  })
}

/**
 * The `postgres` driver: `{ driver: 'postgres', url: 'postgres://...' }` under `adapters.db`.
 *
 * @example
 * new DriverRegistry([postgresDriver])
 */
export const postgresDriver: DriverDefinition = sqlDriver(
  'postgres',
  postgresOptionsSchema,
  (alias, options: PostgresOptions, seams) => new PostgresAdapter(alias, options, seams),
)

/**
 * The `maria` driver (MariaDB, MySQL): `{ driver: 'maria', url: 'mysql://...' }`.
 *
 * @example
 * new DriverRegistry([mariaDriver])
 */
export const mariaDriver: DriverDefinition = sqlDriver(
  'maria',
  mariaOptionsSchema,
  (alias, options: MariaOptions, seams) => new MariaAdapter(alias, options, seams),
)

/**
 * The `sqlite` driver, the default of a new app: `{ driver: 'sqlite', filename: './data/app.sqlite' }`.
 * A relative `filename` resolves against the project root (`DriverContext.root`), not the process's
 * cwd; `:memory:` and absolute paths are used as given.
 *
 * @example
 * new DriverRegistry([sqliteDriver])
 */
export const sqliteDriver: DriverDefinition = sqlDriver(
  'sqlite',
  sqliteOptionsSchema,
  (alias, options: SqliteOptions, seams, root) =>
    new SqliteAdapter(
      alias,
      {
        ...options,
        filename: resolveSqliteFilename(options.filename ?? DEFAULT_SQLITE_FILENAME, root),
      },
      seams,
    ),
)
