// The SQL dialects by name: generic code asks `sqlDialectOf(db.dialect)` for a capability instead of
// branching on the name.
import { mariaDialectAdapter } from './maria/maria-dialect-adapter.js'
import { postgresDialectAdapter } from './postgres/postgres-dialect-adapter.js'
import type { SqlDialectAdapter } from './sql-dialect-adapter.js'
import { sqliteDialectAdapter } from './sqlite/sqlite-dialect-adapter.js'
import type { SqlDialect } from './sql-types.js'

const ADAPTERS: Readonly<Record<SqlDialect, SqlDialectAdapter>> = Object.freeze({
  postgres: postgresDialectAdapter,
  maria: mariaDialectAdapter,
  sqlite: sqliteDialectAdapter,
})

/**
 * The capabilities of a SQL dialect (`db.dialect`).
 *
 * @example
 * if (sqlDialectOf(db.dialect).supportsReturning) query = query.returningAll()
 */
export function sqlDialectOf(name: SqlDialect): SqlDialectAdapter {
  return ADAPTERS[name]
}

/** Every SQL dialect's adapter, postgres, maria, sqlite. */
export const SQL_DIALECT_ADAPTERS: readonly SqlDialectAdapter[] = Object.freeze(
  Object.values(ADAPTERS),
)
