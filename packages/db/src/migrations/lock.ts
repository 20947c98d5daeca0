// The migration lock: only one process migrates a database at a time. Each dialect takes its own
// lock (PostgreSQL a session advisory lock, MariaDB GET_LOCK, each held on one dedicated connection for
// the whole run; SQLite a row of a lock table); `mode: 'table'` takes the lock row on any dialect (for
// PostgreSQL/MariaDB behind a pooler). The pieces are in lock-parts.ts, the locks in the dialect folders.
import { hostname } from 'node:os'
import { sqlDialectOf } from '../sql/sql-dialects.js'
import { tableLock, type HeldMigrationLock, type MigrationLockConfig } from './lock-parts.js'

export {
  DEFAULT_MIGRATION_LOCK_POLL_MS,
  DEFAULT_MIGRATION_LOCK_TIMEOUT_MS,
  DEFAULT_MIGRATION_LOCK_TTL_MS,
  MIGRATION_LOCK_MODES,
} from './lock-parts.js'
export type { HeldMigrationLock, MigrationLockConfig, MigrationLockMode } from './lock-parts.js'

/**
 * `<hostname>:<pid>`: how a run names itself in the lock.
 *
 * @example
 * migrationLockHolder() // 'web-1:4121'
 */
export function migrationLockHolder(): string {
  return `${hostname()}:${process.pid}`
}

/**
 * Takes the migration lock of a database, waiting up to `timeoutMs` for another run to release it;
 * then MEGA_DB_MIGRATION_LOCKED naming the holder. Release it in a `finally`.
 *
 * @example
 * const lock = await acquireMigrationLock({ db, name: 'mega_migrations', mode: 'auto',
 *   timeoutMs: 60_000, ttlMs: 60_000, pollMs: 100, holder: migrationLockHolder(),
 *   clock: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) })
 * try { await migrate() } finally { await lock.release() }
 */
export async function acquireMigrationLock(
  config: MigrationLockConfig,
): Promise<HeldMigrationLock> {
  const dialect = sqlDialectOf(config.db.dialect)
  const held = await (config.mode === 'table'
    ? tableLock(config, dialect.lockRowAttempt)
    : dialect.acquireMigrationLock(config))
  return {
    holder: held.holder,
    release: () => held.release().catch(() => undefined),
  }
}
