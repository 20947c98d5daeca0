// The contracts of the migration subsystem, shared by the schema builder, the dialects, the model scan,
// the differ, the generator and the runner. Everything here is plain, serialisable data: a snapshot or
// an operation can be written to JSON and read back unchanged.
import type { ColumnType, IdStrategy, ReferentialAction, SqlDefault } from '../model/column.js'
import type { SqlDialect } from '../sql/sql-types.js'

/** The version of the snapshot / history file format. */
export const SCHEMA_FORMAT_VERSION = 1

/** A foreign key of a column. */
export interface ForeignKeySchema {
  /** Constraint name, default `<table>_<column>_fkey`. */
  readonly name: string
  readonly table: string
  readonly column: string
  readonly onDelete?: ReferentialAction
  readonly onUpdate?: ReferentialAction
}

/** A column as the database should have it. */
export interface ColumnSchema {
  readonly name: string
  readonly type: Exclude<ColumnType, 'reference'>
  readonly nullable: boolean
  /** A literal default, or `{ sql: 'now' | 'uuid' }`. Absent: no default. */
  readonly default?: unknown
  readonly length?: number
  readonly precision?: number
  readonly scale?: number
  /** For `enum`. */
  readonly values?: readonly string[]
  /** For `id`. */
  readonly idStrategy?: IdStrategy
  /** Set when the column references another table (model `col.references`; the type is the target id's). */
  readonly references?: ForeignKeySchema
}

/** An index (unique columns of a model become unique indexes named `<table>_<column>_key`). */
export interface IndexSchema {
  readonly name: string
  readonly columns: readonly string[]
  readonly unique: boolean
}

/** A table as the database should have it. */
export interface TableSchema {
  readonly name: string
  /** In declaration order. */
  readonly columns: readonly ColumnSchema[]
  readonly primaryKey: string
  readonly indexes: readonly IndexSchema[]
}

/** A whole schema: what `.mega/journal/snapshot.json` holds. Tables by name. */
export interface DatabaseSchema {
  readonly version: typeof SCHEMA_FORMAT_VERSION
  readonly tables: Readonly<Record<string, TableSchema>>
}

/**
 * One step of a migration. Destructive steps carry what they remove (`previous`), so the inverse step
 * can be generated and the runner can show what is lost.
 */
export type MigrationOperation =
  | { readonly op: 'createTable'; readonly table: TableSchema }
  | { readonly op: 'dropTable'; readonly table: string; readonly previous: TableSchema }
  | { readonly op: 'renameTable'; readonly from: string; readonly to: string }
  | { readonly op: 'addColumn'; readonly table: string; readonly column: ColumnSchema }
  | {
      readonly op: 'dropColumn'
      readonly table: string
      readonly column: string
      readonly previous: ColumnSchema
    }
  | {
      readonly op: 'renameColumn'
      readonly table: string
      readonly from: string
      readonly to: string
    }
  /** Type, nullability, default and/or foreign key of one column change from `from` to `to`. */
  | {
      readonly op: 'alterColumn'
      readonly table: string
      readonly from: ColumnSchema
      readonly to: ColumnSchema
    }
  | { readonly op: 'createIndex'; readonly table: string; readonly index: IndexSchema }
  | { readonly op: 'dropIndex'; readonly table: string; readonly index: IndexSchema }
  /**
   * SQLite: recreates the table with the dialect's current DDL, keeping rows, indexes, foreign keys
   * and the AUTOINCREMENT counter (how a table created before ids were `AUTOINCREMENT` gets it).
   * No statement on the other dialects; the schema does not change.
   */
  | { readonly op: 'rebuildTable'; readonly table: string }
  /** Escape hatch: raw SQL, optionally for one dialect only (skipped on the others). */
  | { readonly op: 'raw'; readonly sql: string; readonly dialect?: SqlDialect | 'mongo' }

/** One of the operation names, declared once. */
export const MIGRATION_OPERATIONS = [
  'createTable',
  'dropTable',
  'renameTable',
  'addColumn',
  'dropColumn',
  'renameColumn',
  'alterColumn',
  'createIndex',
  'dropIndex',
  'rebuildTable',
  'raw',
] as const

/** One of {@link MIGRATION_OPERATIONS}. */
export type MigrationOperationName = (typeof MIGRATION_OPERATIONS)[number]

/**
 * What a migration file's `up`/`down` receive: each call records one operation (nothing runs until
 * the runner compiles and executes them). Generated migrations and hand-written ones use the same
 * calls.
 *
 * @example
 * export function up(schema: MigrationSchema): void {
 *   schema.addColumn('users', { name: 'age', type: 'integer', nullable: true })
 *   schema.createIndex('users', { name: 'users_age_idx', columns: ['age'], unique: false })
 * }
 */
export interface MigrationSchema {
  createTable(table: TableSchema): void
  dropTable(table: string, previous: TableSchema): void
  renameTable(from: string, to: string): void
  addColumn(table: string, column: ColumnSchema): void
  dropColumn(table: string, column: string, previous: ColumnSchema): void
  renameColumn(table: string, from: string, to: string): void
  alterColumn(table: string, from: ColumnSchema, to: ColumnSchema): void
  createIndex(table: string, index: IndexSchema): void
  dropIndex(table: string, index: IndexSchema): void
  /**
   * SQLite: rebuilds `table` with the current DDL (rows, indexes, foreign keys and the id counter
   * kept), e.g. to make an `increment` id `AUTOINCREMENT`; nothing on other databases.
   *
   * @example
   * export function up(schema: MigrationSchema): void {
   *   schema.rebuildTable('users')
   * }
   */
  rebuildTable(table: string): void
  raw(sql: string, dialect?: SqlDialect | 'mongo'): void
}

/** A migration module: `apps/<app>/migrations/<14 digits>-<kebab-name>.ts`. */
export interface MigrationModule {
  up(schema: MigrationSchema): void | Promise<void>
  down(schema: MigrationSchema): void | Promise<void>
}

/**
 * A SQL dialect of the migration system: turns operations into statements. `schema` is the state
 * before the operation (SQLite needs it to rebuild a table for changes it cannot ALTER).
 */
export interface MigrationDialect {
  readonly name: SqlDialect
  /** `true` when DDL runs inside a transaction (PostgreSQL, SQLite); MariaDB commits DDL implicitly. */
  readonly transactionalDdl: boolean
  /** The statements for one operation, in order. */
  compile(operation: MigrationOperation, schema: DatabaseSchema): string[]
}

/** What the runner reports for each migration: never a bare throw half-way. */
export const MIGRATION_STATUSES = [
  'applied',
  'reverted',
  'failed',
  'not-run',
  'pending',
  'skipped',
] as const

/** One of {@link MIGRATION_STATUSES}. */
export type MigrationStatus = (typeof MIGRATION_STATUSES)[number]

/** The outcome of one migration in a run. */
export interface MigrationResult {
  /** The file name without extension, e.g. `20260612092543-create-users`. */
  readonly name: string
  readonly status: MigrationStatus
  readonly direction: 'up' | 'down'
  /** The statements run (or, with `dryRun`, that would run). */
  readonly statements: readonly string[]
  readonly error?: unknown
  readonly durationMs?: number
}

export type { SqlDefault }
