// MariaDB's migration lock: GET_LOCK held on one dedicated connection for the whole run, plus a note
// in the lock row naming the run, so a waiting run can say who holds it.
import { sql } from 'kysely'
import {
  deleteLockRow,
  ensureLockTable,
  holdConnection,
  insertLockRow,
  lockedError,
  type HeldMigrationLock,
  type LockConnection,
  type MigrationLockConfig,
} from '../../migrations/lock-parts.js'

async function mariaHolder(
  conn: LockConnection,
  config: MigrationLockConfig,
): Promise<string | undefined> {
  const used = await sql<{ id: number | null }>`select IS_USED_LOCK(${config.name}) as id`.execute(
    conn,
  )
  const id = used.rows[0]?.id
  if (id === null || id === undefined) return undefined
  const row = await sql<{ holder: string }>`
    select holder from ${sql.table(`${config.name}_lock`)} where id = 1 and token = ${String(id)}`
    .execute(conn)
    .catch(() => ({ rows: [] }))
  return `${row.rows[0]?.holder ?? 'a session'} (mariadb connection ${id})`
}

/** Takes `GET_LOCK` on a connection kept until release, waiting up to `timeoutMs`. */
export async function acquireMariaMigrationLock(
  config: MigrationLockConfig,
): Promise<HeldMigrationLock> {
  const seconds = Math.max(config.timeoutMs, 1) / 1000
  const release = await holdConnection(
    config.db,
    async (conn) => {
      const got = await sql<{
        got: number | null
      }>`select GET_LOCK(${config.name}, ${seconds}) as got`.execute(conn)
      if (Number(got.rows[0]?.got) !== 1) throw lockedError(config, await mariaHolder(conn, config))
      // Name ourselves for runs that wait: the row is information only, GET_LOCK is the lock.
      await ensureLockTable(conn, config)
      const session = await sql<{ id: number }>`select connection_id() as id`.execute(conn)
      await deleteLockRow(conn, config)
      await insertLockRow(conn, config, String(session.rows[0]?.id), 0)
    },
    async (conn) => {
      await deleteLockRow(conn, config)
      await sql`select RELEASE_LOCK(${config.name})`.execute(conn)
    },
  )
  return { holder: config.holder, release }
}
