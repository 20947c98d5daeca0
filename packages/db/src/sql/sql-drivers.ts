import type { DriverContext, DriverDefinition, MegaAdapter } from '@mega/core'
import { MariaAdapter } from './maria/maria-adapter.js'
import { mariaOptionsSchema, type MariaOptions } from './maria/maria-options.js'
import { PostgresAdapter } from './postgres/postgres-adapter.js'
import { postgresOptionsSchema, type PostgresOptions } from './postgres/postgres-options.js'
import { SqliteAdapter } from './sqlite/sqlite-adapter.js'
import { sqliteOptionsSchema, type SqliteOptions } from './sqlite/sqlite-options.js'

/**
 * The `postgres` driver: `{ driver: 'postgres', url: 'postgres://...' }` under `adapters.db`.
 *
 * @example
 * new DriverRegistry([postgresDriver])
 */
export const postgresDriver: DriverDefinition = Object.freeze({
  name: 'postgres',
  kinds: ['db'] as const,
  options: postgresOptionsSchema,
  create: ({ alias, options }: DriverContext): MegaAdapter =>
    new PostgresAdapter(alias, options as PostgresOptions),
})

/**
 * The `maria` driver (MariaDB, MySQL): `{ driver: 'maria', url: 'mysql://...' }`.
 *
 * @example
 * new DriverRegistry([mariaDriver])
 */
export const mariaDriver: DriverDefinition = Object.freeze({
  name: 'maria',
  kinds: ['db'] as const,
  options: mariaOptionsSchema,
  create: ({ alias, options }: DriverContext): MegaAdapter =>
    new MariaAdapter(alias, options as MariaOptions),
})

/**
 * The `sqlite` driver, the default of a new app: `{ driver: 'sqlite', filename: './data/app.sqlite' }`.
 *
 * @example
 * new DriverRegistry([sqliteDriver])
 */
export const sqliteDriver: DriverDefinition = Object.freeze({
  name: 'sqlite',
  kinds: ['db'] as const,
  options: sqliteOptionsSchema,
  create: ({ alias, options }: DriverContext): MegaAdapter =>
    new SqliteAdapter(alias, options as SqliteOptions),
})
