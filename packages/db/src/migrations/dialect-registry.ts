// Maps a dialect name to its migration dialect. The three SQL dialects (each in its folder under
// ../sql/) are registered up front; a package can add one (or replace one, e.g. in a test) with
// registerMigrationDialect.
import { dbError } from '../errors.js'
import { SQL_DIALECT_ADAPTERS } from '../sql/sql-dialects.js'
import type { MigrationDialect } from './migration-types.js'

const dialects = new Map<string, MigrationDialect>(
  SQL_DIALECT_ADAPTERS.map((d) => [d.name, d.migrationDialect]),
)

/**
 * The migration dialect for a SQL dialect name (`db.dialect`). Throws MEGA_DB_MIGRATION_INVALID for a
 * name nothing registered, listing the known ones.
 *
 * @example
 * const dialect = getMigrationDialect(db.dialect)
 * const statements = dialect.compile(operation, schemaBefore)
 */
export function getMigrationDialect(name: string): MigrationDialect {
  const found = dialects.get(name)
  if (found !== undefined) return found
  throw dbError(
    'MEGA_DB_MIGRATION_INVALID',
    `No migration dialect is registered for "${name}": use one of ${[...dialects.keys()].join(', ')}, or call registerMigrationDialect() first.`,
    { details: { dialect: name } },
  )
}

/**
 * Registers (or replaces) the migration dialect for `dialect.name`.
 *
 * @example
 * registerMigrationDialect({ ...postgresMigrationDialect, compile: myCompile })
 */
export function registerMigrationDialect(dialect: MigrationDialect): void {
  dialects.set(dialect.name, dialect)
}
