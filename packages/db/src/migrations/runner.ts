// The SQL migration runner: applies and reverts the migration files of an app under the migration
// lock, records them in a bookkeeping table, and reports one result per migration instead of throwing
// half-way. The steps are shared with the Mongo runner (run-steps.ts); this file is the SQL target.
import { sql } from 'kysely'
import { parseOptions } from '@mega/observe/internal'
import { getMigrationDialect } from './dialect-registry.js'
import { acquireMigrationLock, migrationLockHolder, type MigrationLockConfig } from './lock.js'
import {
  deleteAppliedMigration,
  ensureMigrationsTable,
  insertAppliedMigration,
  readAppliedMigrations,
} from './migration-bookkeeping.js'
import type { MigrationDialect } from './migration-types.js'
import { migratorConfigSchema, type Migrator, type MigratorConfig } from './migrator-config.js'
import { createStepMigrator, migrationLoader, sleepFor, type MigrationTarget } from './run-steps.js'
import { createMigrationSchema } from './schema-builder.js'

type Options = ReturnType<typeof parseMigratorConfig>

/** Statements a dialect runs outside the migration's transaction (SQLite: foreign keys off, on). */
interface TransactionHooks {
  readonly beforeTransaction?: readonly string[]
  readonly afterTransaction?: readonly string[]
}

function parseMigratorConfig(config: MigratorConfig) {
  return parseOptions(migratorConfigSchema, config, 'migrator')
}

function sqlTarget(
  options: Options,
  dialect: MigrationDialect,
  lock: MigrationLockConfig,
): MigrationTarget<string> {
  const { db, table } = options
  const exec = (statement: string) => sql.raw(statement).execute(db.kysely())
  const hooks = dialect as MigrationDialect & TransactionHooks
  return {
    label: db.dialect,
    partialReason: `${db.dialect} commits DDL as it runs`,
    compile: (operation, schema) => dialect.compile(operation, schema),
    show: (statement) => statement,
    readApplied: () => readAppliedMigrations(db, table),
    begin: async () => {
      const held = await acquireMigrationLock(lock)
      try {
        await ensureMigrationsTable(db, table)
      } catch (err) {
        await held.release()
        throw err
      }
      return () => held.release()
    },
    atomic: () => dialect.transactionalDdl,
    unit: async (_, run) => {
      for (const statement of hooks.beforeTransaction ?? []) await exec(statement)
      try {
        await (dialect.transactionalDdl ? db.transaction(run) : run())
      } finally {
        for (const statement of hooks.afterTransaction ?? [])
          await exec(statement).catch(() => undefined)
      }
    },
    execute: async (statement) => void (await exec(statement)),
    record: (row) => insertAppliedMigration(db, table, row),
    forget: (name) => deleteAppliedMigration(db, table, name),
    mapError: (err) => db.mapError(err),
  }
}

function lockConfig(options: Options, clock: () => Date): MigrationLockConfig {
  const sleep = options.sleep ?? sleepFor
  return {
    ...{ db: options.db, name: options.table, mode: options.lockMode },
    ...{ timeoutMs: options.lockTimeoutMs, ttlMs: options.lockTtlMs, pollMs: options.lockPollMs },
    ...{ clock, sleep, holder: options.holder ?? migrationLockHolder() },
  }
}

/**
 * Creates the SQL migrator of an app (what `createMigrator` returns for a SQL adapter): `up`,
 * `down`, `redo` and `status` over the migration files in `apps/<app>/migrations`. Runs take the
 * migration lock, so concurrent processes apply each migration once; each migration runs in its own
 * transaction where the dialect has transactional DDL. Applied migrations whose file changed or
 * disappeared are refused (MEGA_DB_MIGRATION_DRIFT) before anything runs.
 *
 * @example
 * const migrator = createSqlMigrator({ db, root: process.cwd() })
 * const results = await migrator.up()
 * const failed = results.find((r) => r.status === 'failed')
 * if (failed) throw failed.error
 */
export function createSqlMigrator(config: MigratorConfig): Migrator {
  const options = parseMigratorConfig(config)
  const clock = options.clock ?? (() => new Date())
  const dialect = options.dialect ?? getMigrationDialect(options.db.dialect)
  return createStepMigrator({
    target: sqlTarget(options, dialect, lockConfig(options, clock)),
    clock,
    createSchema: options.createSchema ?? createMigrationSchema,
    load: migrationLoader(options),
  })
}
