// The migration lock: only one process migrates a database at a time. PostgreSQL uses a session
// advisory lock and MariaDB GET_LOCK, each held on one dedicated connection for the whole run; SQLite
// (and PostgreSQL/MariaDB behind a pooler, `mode: 'table'`) take a row of a lock table.
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { sql, type Kysely } from 'kysely'
import type { MegaError } from '@mega/observe'
import { dbError } from '../errors.js'
import type { SqlDatabase } from '../sql/sql-types.js'

/** `auto`: advisory lock (PostgreSQL, MariaDB) or lock row (SQLite); `table`: always a lock row. */
export const MIGRATION_LOCK_MODES = ['auto', 'table'] as const

/** One of {@link MIGRATION_LOCK_MODES}. */
export type MigrationLockMode = (typeof MIGRATION_LOCK_MODES)[number]

/** How long to wait for another run's lock, in ms. */
export const DEFAULT_MIGRATION_LOCK_TIMEOUT_MS = 60_000
/** How long a lock row stays valid without a heartbeat (table mode), in ms. */
export const DEFAULT_MIGRATION_LOCK_TTL_MS = 60_000
/** How often a waiting run retries a lock row (table mode), in ms. */
export const DEFAULT_MIGRATION_LOCK_POLL_MS = 100

/** What the lock needs; the migrator fills it from its own options. */
export interface MigrationLockConfig {
  readonly db: SqlDatabase
  /** The bookkeeping table: the lock is `<name>` (advisory) or the row of `<name>_lock`. */
  readonly name: string
  readonly mode: MigrationLockMode
  readonly timeoutMs: number
  readonly ttlMs: number
  readonly pollMs: number
  /** Who takes the lock, as other runs will see it: `<hostname>:<pid>`. */
  readonly holder: string
  /** Wall clock. */
  readonly clock: () => Date
  /** Waits `ms` (table mode polling). */
  readonly sleep: (ms: number) => Promise<void>
}

/** A lock this run holds. */
export interface HeldMigrationLock {
  readonly holder: string
  /** Releases the lock and its connection. Never throws (a lost session released it already). */
  release(): Promise<void>
}

/**
 * `<hostname>:<pid>`: how a run names itself in the lock.
 *
 * @example
 * migrationLockHolder() // 'web-1:4121'
 */
export function migrationLockHolder(): string {
  return `${hostname()}:${process.pid}`
}

/** Two int4 keys for `pg_advisory_lock(int, int)`: 'MEGA' and a hash of the lock name. */
export function advisoryLockKeys(name: string): readonly [number, number] {
  let hash = 0
  for (const char of name) hash = (Math.imul(hash, 31) + (char.codePointAt(0) ?? 0)) | 0
  return [0x4d454741, hash & 0x7fffffff]
}

function lockedError(config: MigrationLockConfig, holder: string | undefined): MegaError {
  return dbError(
    'MEGA_DB_MIGRATION_LOCKED',
    `Another migration run holds the lock of ${config.name} (held by ${holder ?? 'an unknown session'}) and did not release it within ${config.timeoutMs} ms: wait for that run to finish and retry, or stop it if it hangs.`,
    { details: { lock: config.name, holder: holder ?? null, timeoutMs: config.timeoutMs } },
  )
}

type Conn = Kysely<unknown>

/**
 * Runs `take` on one connection taken from the pool and keeps that connection until the returned
 * release function is called (then `drop` runs on it). Rejects with what `take` throws.
 */
function holdConnection(
  db: SqlDatabase,
  take: (conn: Conn) => Promise<void>,
  drop: (conn: Conn) => Promise<void>,
): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    let signal = (): void => undefined
    const released = new Promise<void>((r) => (signal = r))
    const done = db
      .kysely()
      .connection()
      .execute(async (conn) => {
        await take(conn)
        resolve(async () => {
          signal()
          await done.catch(() => undefined)
        })
        await released
        await drop(conn)
      })
    done.catch(reject)
  })
}

async function pgHolder(conn: Conn, [k1, k2]: readonly [number, number]): Promise<string> {
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

async function postgresLock(config: MigrationLockConfig): Promise<HeldMigrationLock> {
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

async function mariaHolder(conn: Conn, config: MigrationLockConfig): Promise<string | undefined> {
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

async function mariaLock(config: MigrationLockConfig): Promise<HeldMigrationLock> {
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
      await sql`delete from ${sql.table(`${config.name}_lock`)} where id = 1`.execute(conn)
      await insertLockRow(conn, config, String(session.rows[0]?.id), 0)
    },
    async (conn) => {
      await sql`delete from ${sql.table(`${config.name}_lock`)} where id = 1`.execute(conn)
      await sql`select RELEASE_LOCK(${config.name})`.execute(conn)
    },
  )
  return { holder: config.holder, release }
}

async function ensureLockTable(conn: Conn, config: MigrationLockConfig): Promise<void> {
  const create = conn.schema
    .createTable(`${config.name}_lock`)
    .ifNotExists()
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('holder', 'varchar(255)', (c) => c.notNull())
    .addColumn('token', 'varchar(64)', (c) => c.notNull())
    .addColumn('acquired_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
  // Two PostgreSQL sessions creating the same table at once can collide on the catalog: retry once.
  await create.execute().catch(() => create.execute())
}

async function insertLockRow(
  conn: Conn,
  config: MigrationLockConfig,
  token: string,
  ttl: number,
): Promise<void> {
  const now = config.clock()
  await sql`insert into ${sql.table(`${config.name}_lock`)} (id, holder, token, acquired_at, expires_at)
    values (1, ${config.holder}, ${token}, ${now.toISOString()}, ${now.getTime() + ttl})`.execute(
    conn,
  )
}

/** One attempt at the lock row: `undefined` when taken, else who holds it. */
async function tryTakeRow(
  conn: Conn,
  config: MigrationLockConfig,
  token: string,
): Promise<string | undefined> {
  const table = sql.table(`${config.name}_lock`)
  await sql`delete from ${table} where id = 1 and expires_at < ${config.clock().getTime()}`.execute(
    conn,
  )
  try {
    await insertLockRow(conn, config, token, config.ttlMs)
    return undefined
  } catch (err) {
    if (config.db.mapError(err).code !== 'MEGA_DB_CONFLICT') throw err
    const row = await sql<{
      holder: string
      acquired_at: string
    }>`select holder, acquired_at from ${table} where id = 1`.execute(conn)
    const held = row.rows[0]
    return held === undefined
      ? 'a run that just ended'
      : `${held.holder} (since ${held.acquired_at})`
  }
}

/** SQLite: the attempt runs in BEGIN IMMEDIATE, so taking the row is one write transaction. */
async function attemptRow(config: MigrationLockConfig, token: string): Promise<string | undefined> {
  if (config.db.dialect !== 'sqlite') return tryTakeRow(config.db.kysely(), config, token)
  return config.db
    .kysely()
    .connection()
    .execute(async (conn) => {
      await sql`begin immediate`.execute(conn)
      try {
        const busy = await tryTakeRow(conn, config, token)
        await sql`commit`.execute(conn)
        return busy
      } catch (err) {
        await sql`rollback`.execute(conn).catch(() => undefined)
        throw err
      }
    })
}

async function tableLock(config: MigrationLockConfig): Promise<HeldMigrationLock> {
  const token = randomUUID()
  const table = sql.table(`${config.name}_lock`)
  await ensureLockTable(config.db.kysely(), config)
  const deadline = config.clock().getTime() + config.timeoutMs
  for (;;) {
    const busy = await attemptRow(config, token)
    if (busy === undefined) break
    if (config.clock().getTime() >= deadline) throw lockedError(config, busy)
    await config.sleep(config.pollMs)
  }
  const beat = setInterval(
    () => {
      const expires = config.clock().getTime() + config.ttlMs
      sql`update ${table} set expires_at = ${expires} where id = 1 and token = ${token}`
        .execute(config.db.kysely())
        .catch(() => undefined)
    },
    Math.max(Math.floor(config.ttlMs / 3), 1),
  )
  beat.unref()
  const release = async (): Promise<void> => {
    clearInterval(beat)
    await sql`delete from ${table} where id = 1 and token = ${token}`.execute(config.db.kysely())
  }
  return { holder: config.holder, release }
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
  const held = await take(config)
  return {
    holder: held.holder,
    release: () => held.release().catch(() => undefined),
  }
}

function take(config: MigrationLockConfig): Promise<HeldMigrationLock> {
  if (config.mode === 'table') return tableLock(config)
  switch (config.db.dialect) {
    case 'postgres':
      return postgresLock(config)
    case 'maria':
      return mariaLock(config)
    case 'sqlite':
      return tableLock(config)
  }
}
