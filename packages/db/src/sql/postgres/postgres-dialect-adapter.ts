import { sql, type SqlBool } from 'kysely'
import { lockRowOnPool } from '../../migrations/lock-parts.js'
import { encodeValueAsIs, type SqlDialectAdapter } from '../sql-dialect-adapter.js'
import { postgresIntrospector } from './postgres-introspector.js'
import { postgresDdl, postgresMigrationDialect } from './postgres-migration-dialect.js'
import { acquirePostgresMigrationLock } from './postgres-migration-lock.js'

/**
 * PostgreSQL: RETURNING, transactional DDL, an advisory migration lock; binds values as they are and
 * its LIKE is case-sensitive.
 */
export const postgresDialectAdapter = Object.freeze<SqlDialectAdapter>({
  name: 'postgres',
  supportsReturning: true,
  supportsTransactionalDdl: postgresMigrationDialect.transactionalDdl,
  migrationDialect: postgresMigrationDialect,
  ddl: postgresDdl,
  introspector: postgresIntrospector,
  acquireMigrationLock: acquirePostgresMigrationLock,
  lockRowAttempt: lockRowOnPool,
  encodeValue: encodeValueAsIs,
  caseSensitiveLike: (ref, pattern) => sql<SqlBool>`${ref} LIKE ${pattern}`,
})
