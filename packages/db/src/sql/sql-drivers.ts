import type { DriverContext, DriverDefinition, MegaAdapter } from '@mega/core'
import type { SqlAdapterSeams } from './sql-adapter.js'
import type { z } from 'zod'
import { MariaAdapter } from './maria/maria-adapter.js'
import { mariaOptionsSchema, type MariaOptions } from './maria/maria-options.js'
import { PostgresAdapter } from './postgres/postgres-adapter.js'
import { postgresOptionsSchema, type PostgresOptions } from './postgres/postgres-options.js'
import { SqliteAdapter } from './sqlite/sqlite-adapter.js'
import { sqliteOptionsSchema, type SqliteOptions } from './sqlite/sqlite-options.js'

/** A `db` driver whose options `schema` validates (core parses them before `create`). */
function sqlDriver<O>(
  name: string,
  schema: z.ZodType,
  create: (alias: string, options: O, seams: SqlAdapterSeams) => MegaAdapter,
): DriverDefinition {
  return Object.freeze({
    name,
    kinds: ['db'] as const,
    options: schema,
    create: ({ alias, options, metrics }: DriverContext): MegaAdapter =>
      create(alias, options as O, metrics === undefined ? {} : { metrics }),
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
 *
 * @example
 * new DriverRegistry([sqliteDriver])
 */
export const sqliteDriver: DriverDefinition = sqlDriver(
  'sqlite',
  sqliteOptionsSchema,
  (alias, options: SqliteOptions, seams) => new SqliteAdapter(alias, options, seams),
)
