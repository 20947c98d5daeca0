// The options of the SQL migrator (createSqlMigrator), validated once with zod, and the Migrator interface.
import { z } from 'zod'
import type { SqlDatabase } from '../sql/sql-types.js'
import {
  DEFAULT_MIGRATION_LOCK_POLL_MS,
  DEFAULT_MIGRATION_LOCK_TIMEOUT_MS,
  DEFAULT_MIGRATION_LOCK_TTL_MS,
  MIGRATION_LOCK_MODES,
} from './lock.js'
import {
  DEFAULT_MIGRATION_APP,
  type MigrationFileSystem,
  type MigrationImporter,
} from './migration-files.js'
import type { MigrationDialect, MigrationResult } from './migration-types.js'
import type { RecordingMigrationSchema } from './schema-builder.js'

/** The bookkeeping table: one row per applied migration. */
export const DEFAULT_MIGRATIONS_TABLE = 'mega_migrations'

const fn = <T>() => z.custom<T>((v) => typeof v === 'function', 'must be a function')

/** The zod schema of {@link MigratorConfig}: the single source of its validation and defaults. */
export const migratorConfigSchema = z
  .object({
    /** The database to migrate (a SQL adapter, connected). */
    db: z.custom<SqlDatabase>(
      (v) => typeof (v as Partial<SqlDatabase> | null)?.kysely === 'function',
      'must be a SQL database adapter',
    ),
    /** The project root, holding `apps/<app>/migrations`. */
    root: z.string().min(1),
    /** The app whose migrations run. @default 'main' */
    app: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/i)
      .default(DEFAULT_MIGRATION_APP),
    /** The bookkeeping table; the lock is named after it. @default 'mega_migrations' */
    table: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,58}$/)
      .default(DEFAULT_MIGRATIONS_TABLE),
    /** `auto` (advisory lock, SQLite lock row) or `table` (lock row, for poolers). @default 'auto' */
    lockMode: z.enum(MIGRATION_LOCK_MODES).default('auto'),
    /** How long to wait for another run's lock. @default 60000 */
    lockTimeoutMs: z.number().int().positive().default(DEFAULT_MIGRATION_LOCK_TIMEOUT_MS),
    /** Lease of a lock row, renewed while the run lasts. @default 60000 */
    lockTtlMs: z.number().int().positive().default(DEFAULT_MIGRATION_LOCK_TTL_MS),
    /** Retry interval for a taken lock row. @default 100 */
    lockPollMs: z.number().int().positive().default(DEFAULT_MIGRATION_LOCK_POLL_MS),
    /** How this run names itself in the lock. @default `<hostname>:<pid>` */
    holder: z.string().min(1).optional(),
    /** Wall clock (`applied_at`, lock leases). @default () => new Date() */
    clock: fn<() => Date>().optional(),
    /** Waits between lock attempts. @default setTimeout */
    sleep: fn<(ms: number) => Promise<void>>().optional(),
    /** Imports a migration file. @default dynamic import() */
    importer: fn<MigrationImporter>().optional(),
    /** Reads the migrations folder. @default node:fs/promises */
    fs: z.custom<MigrationFileSystem>((v) => typeof v === 'object' && v !== null).optional(),
    /** Compiles operations. @default getMigrationDialect(db.dialect) */
    dialect: z.custom<MigrationDialect>((v) => typeof v === 'object' && v !== null).optional(),
    /** Records a migration's calls. @default createMigrationSchema */
    createSchema: fn<() => RecordingMigrationSchema>().optional(),
  })
  .strict()

/** What the SQL migrator takes (`createMigrator` with a SQL adapter). */
export type MigratorConfig = z.input<typeof migratorConfigSchema>

/** Options of {@link Migrator.up}. */
export interface MigrateUpOptions {
  /** Apply pending migrations up to and including this name (or its 14-digit stamp). @default all */
  readonly to?: string
  /** Compile and return the statements; run nothing, take no lock, write no row. @default false */
  readonly dryRun?: boolean
}

/** Options of {@link Migrator.down}. */
export interface MigrateDownOptions {
  /** How many applied migrations to revert, latest first. @default 1 */
  readonly steps?: number
  /** Compile and return the statements; run nothing. @default false */
  readonly dryRun?: boolean
}

/** Applies, reverts and lists the migrations of one app on one database. */
export interface Migrator {
  /** Applies pending migrations in name order: `applied`, then `failed` and `not-run` after a failure. */
  up(options?: MigrateUpOptions): Promise<MigrationResult[]>
  /** Reverts the latest applied migrations: `reverted`, or `failed` and `not-run`. */
  down(options?: MigrateDownOptions): Promise<MigrationResult[]>
  /** Reverts the latest applied migration and applies it again. */
  redo(options?: { readonly dryRun?: boolean }): Promise<MigrationResult[]>
  /** Every migration, `applied` or `pending`; a drifted one carries a MEGA_DB_MIGRATION_DRIFT error. */
  status(): Promise<MigrationResult[]>
}
