// What a SQL dialect answers for the generic code (CRUD, migrations, introspection), after Kysely's
// DialectAdapter: capabilities and the pieces only it knows, so shared code never asks which
// dialect it runs on. One object per dialect folder (`<dialect>/<dialect>-dialect-adapter.ts`).
import type { Expression, SqlBool } from 'kysely'
import type {
  LockRowAttempt,
  HeldMigrationLock,
  MigrationLockConfig,
} from '../migrations/lock-parts.js'
import type { MigrationDialect } from '../migrations/migration-types.js'
import type { ColumnType } from '../model/column.js'
import type { SqlDdlQuirks } from './sql-ddl.js'
import type { TableReader } from './sql-introspection.js'
import type { SqlDialect } from './sql-types.js'

/** The capabilities and pieces of one SQL dialect. */
export interface SqlDialectAdapter {
  readonly name: SqlDialect
  /** `INSERT ... RETURNING` works (else CRUD inserts, then reads the rows back). */
  readonly supportsReturning: boolean
  /** DDL runs inside a transaction (else a migration is not atomic). */
  readonly supportsTransactionalDdl: boolean
  /** Compiles migration operations to this dialect's statements. */
  readonly migrationDialect: MigrationDialect
  /** How this dialect writes literals and defaults in DDL. */
  readonly ddl: SqlDdlQuirks
  /** Reads the live catalog back for `introspectSchema`. */
  readonly introspector: TableReader
  /** Takes the migration lock in `auto` mode (advisory lock or lock row). */
  acquireMigrationLock(config: MigrationLockConfig): Promise<HeldMigrationLock>
  /** Runs one attempt at the lock row atomically (`lockMode: 'table'`, SQLite). */
  readonly lockRowAttempt: LockRowAttempt
  /**
   * A value of a model column type, already in its generic database form (booleans, `Date`s for
   * timestamps, JSON text), as this dialect binds it: SQLite stores booleans as 0/1 and timestamps as
   * ISO text.
   */
  encodeValue(type: ColumnType, value: unknown): unknown
  /** `ref LIKE pattern`, case-sensitive (`%`, `_`, `\` escapes), the pattern a bound parameter. */
  caseSensitiveLike(ref: Expression<unknown>, pattern: string): Expression<SqlBool>
}

/** {@link SqlDialectAdapter.encodeValue} for a dialect that binds the generic form as it is. */
export const encodeValueAsIs = (_type: ColumnType, value: unknown): unknown => value
