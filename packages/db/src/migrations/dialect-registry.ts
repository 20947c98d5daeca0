// Maps a dialect name to its migration dialect. The three SQL dialects are registered up front; a
// package can add one (or replace one, e.g. in a test) with registerMigrationDialect.
import { dbError } from '../errors.js'
import { mariaMigrationDialect } from './dialects/maria-migration-dialect.js'
import { postgresMigrationDialect } from './dialects/postgres-migration-dialect.js'
import { sqliteMigrationDialect } from './dialects/sqlite-migration-dialect.js'
import type { MigrationDialect } from './migration-types.js'

const dialects = new Map<string, MigrationDialect>([
  ['postgres', postgresMigrationDialect],
  ['maria', mariaMigrationDialect],
  ['sqlite', sqliteMigrationDialect],
])

/**
 * The migration dialect for a SQL dialect name (`db.dialect`). Throws MEGA_DB_MIGRATION_INVALID for a
 * name nothing registered, listing the known ones.
 *
 * @example
 * const dialect = getMigrationDialect(db.dialect)
 * const statements = dialect.compile(operation, schemaBefore)
 */
export function getMigrationDialect(name: string): MigrationDialect {
  const dialect = dialects.get(name)
  if (dialect !== undefined) return dialect
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
