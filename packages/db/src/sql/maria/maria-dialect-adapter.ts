import { sql, type SqlBool } from 'kysely'
import { lockRowOnPool } from '../../migrations/lock-parts.js'
import { encodeValueAsIs, type SqlDialectAdapter } from '../sql-dialect-adapter.js'
import { mariaIntrospector } from './maria-introspector.js'
import { mariaDdl, mariaMigrationDialect } from './maria-migration-dialect.js'
import { acquireMariaMigrationLock } from './maria-migration-lock.js'

/**
 * MariaDB: no RETURNING on Kysely's MySQL compiler, DDL commits implicitly, a GET_LOCK migration
 * lock; LIKE ignores case under the usual collations, so it compares with `LIKE BINARY`.
 */
export const mariaDialectAdapter = Object.freeze<SqlDialectAdapter>({
  name: 'maria',
  supportsReturning: false,
  supportsTransactionalDdl: mariaMigrationDialect.transactionalDdl,
  migrationDialect: mariaMigrationDialect,
  ddl: mariaDdl,
  introspector: mariaIntrospector,
  acquireMigrationLock: acquireMariaMigrationLock,
  lockRowAttempt: lockRowOnPool,
  encodeValue: encodeValueAsIs,
  caseSensitiveLike: (ref, pattern) => sql<SqlBool>`${ref} LIKE BINARY ${pattern}`,
})
