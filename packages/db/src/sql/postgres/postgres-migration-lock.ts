// PostgreSQL's migration lock: a session advisory lock held on one dedicated connection for the whole
// run; the connection names the run (`application_name`) so a waiting run can say who holds it.
import { sql } from 'kysely'
import {
  holdConnection,
  lockedError,
  type HeldMigrationLock,
  type LockConnection,
  type MigrationLockConfig,
} from '../../migrations/lock-parts.js'

/** Two int4 keys for `pg_advisory_lock(int, int)`: 'MEGA' and a hash of the lock name. */
export function advisoryLockKeys(name: string): readonly [number, number] {
  let hash = 0
  for (const char of name) hash = (Math.imul(hash, 31) + (char.codePointAt(0) ?? 0)) | 0
  return [0x4d454741, hash & 0x7fffffff]
}

async function pgHolder(
  conn: LockConnection,
  [k1, k2]: readonly [number, number],
): Promise<string> {
  const { rows } = await sql<{ application_name: string; pid: number }>`
    select a.application_name, a.pid from pg_locks l join pg_stat_activity a on a.pid = l.pid
    where l.locktype = 'advisory' and l.granted and l.classid = ${k1} and l.objid = ${k2}
      and l.objsubid = 2 and l.database = (select oid from pg_database where datname = current_database())`.execute(
    conn,
  )
  const row = rows[0]
  if (row === undefined) return 'a session that just ended'
  const name = row.application_name.replace(/^mega-migrate /, '')
  return name === '' ? `postgres backend ${row.pid}` : `${name} (postgres backend ${row.pid})`
}

/** Takes `pg_advisory_lock` on a connection kept until release, waiting up to `timeoutMs`. */
export async function acquirePostgresMigrationLock(
  config: MigrationLockConfig,
): Promise<HeldMigrationLock> {
  const keys = advisoryLockKeys(config.name)
  const release = await holdConnection(
    config.db,
    async (conn) => {
      await sql`select set_config('application_name', ${`mega-migrate ${config.holder}`}, false)`.execute(
        conn,
      )
      await sql`select set_config('lock_timeout', ${`${config.timeoutMs}ms`}, false)`.execute(conn)
      try {
        await sql`select pg_advisory_lock(${keys[0]}, ${keys[1]})`.execute(conn)
      } catch (err) {
        if ((err as { code?: unknown }).code !== '55P03') throw err
        const holder = await pgHolder(conn, keys)
        await sql`reset all`.execute(conn)
        throw lockedError(config, holder)
      }
      await sql`reset lock_timeout`.execute(conn)
    },
    async (conn) => {
      await sql`select pg_advisory_unlock(${keys[0]}, ${keys[1]})`.execute(conn)
      await sql`reset all`.execute(conn)
    },
  )
  return { holder: config.holder, release }
}
