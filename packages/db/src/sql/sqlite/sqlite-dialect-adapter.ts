import { sql, type SqlBool } from 'kysely'
import type { ColumnType } from '../../model/column.js'
import type { SqlDialectAdapter } from '../sql-dialect-adapter.js'
import { sqliteIntrospector } from './sqlite-introspector.js'
import { sqliteDdl, sqliteMigrationDialect } from './sqlite-migration-dialect.js'
import { acquireSqliteMigrationLock, sqliteLockRowAttempt } from './sqlite-migration-lock.js'

function globLiteral(ch: string): string {
  return ch === '*' || ch === '?' || ch === '[' || ch === ']' ? `[${ch}]` : ch
}

/** A LIKE pattern (`%`, `_`, `\` escapes) as a GLOB pattern: SQLite's LIKE ignores case, GLOB not. */
export function likeToGlob(pattern: string): string {
  let out = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? ''
    if (ch === '\\' && i + 1 < pattern.length) out += globLiteral(pattern[++i] ?? '')
    else if (ch === '%') out += '*'
    else if (ch === '_') out += '?'
    else out += globLiteral(ch)
  }
  return out
}

/** SQLite has no boolean or timestamp storage: booleans are 0/1, timestamps ISO text. */
function encodeSqliteValue(type: ColumnType, value: unknown): unknown {
  if (type === 'boolean') return value === true ? 1 : 0
  if (type === 'timestamp') return (value as Date).toISOString()
  return value
}

/**
 * SQLite: RETURNING (3.35+), transactional DDL, a lock row taken in BEGIN IMMEDIATE; booleans bound
 * as 0/1, timestamps as ISO text; case-sensitive LIKE through GLOB.
 */
export const sqliteDialectAdapter = Object.freeze<SqlDialectAdapter>({
  name: 'sqlite',
  supportsReturning: true,
  supportsTransactionalDdl: sqliteMigrationDialect.transactionalDdl,
  migrationDialect: sqliteMigrationDialect,
  ddl: sqliteDdl,
  introspector: sqliteIntrospector,
  acquireMigrationLock: acquireSqliteMigrationLock,
  lockRowAttempt: sqliteLockRowAttempt,
  encodeValue: encodeSqliteValue,
  caseSensitiveLike: (ref, pattern) => sql<SqlBool>`${ref} GLOB ${likeToGlob(pattern)}`,
})
