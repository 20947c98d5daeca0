// SQLite's migration lock: the lock row of `<name>_lock` (SQLite has no advisory locks), each attempt
// in BEGIN IMMEDIATE so taking the row is one write transaction.
import { sql } from 'kysely'
import {
  tableLock,
  type HeldMigrationLock,
  type LockRowAttempt,
  type MigrationLockConfig,
} from '../../migrations/lock-parts.js'

/** Runs one attempt at the lock row in `BEGIN IMMEDIATE` on one connection. */
export const sqliteLockRowAttempt: LockRowAttempt = (db, attempt) =>
  db
    .kysely()
    .connection()
    .execute(async (conn) => {
      await sql`begin immediate`.execute(conn)
      try {
        const result = await attempt(conn)
        await sql`commit`.execute(conn)
        return result
      } catch (err) {
        await sql`rollback`.execute(conn).catch(() => undefined)
        throw err
      }
    })

/** Takes the lock row, waiting up to `timeoutMs`. */
export function acquireSqliteMigrationLock(
  config: MigrationLockConfig,
): Promise<HeldMigrationLock> {
  return tableLock(config, sqliteLockRowAttempt)
}
