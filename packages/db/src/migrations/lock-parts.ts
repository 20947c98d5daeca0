// The pieces every migration lock is built from: its options, the error when it stays taken, the
// wait loop, and the lock row (`<name>_lock`) that SQLite, `lockMode: 'table'` and MariaDB's holder
// note use. Each dialect folder takes its own lock with them (see acquireMigrationLock in lock.ts).
import { randomUUID } from 'node:crypto'
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

/** What every migration lock needs to wait for another run, whatever the database. */
export interface LockWaitConfig {
  /** The bookkeeping table (collection): the lock is named after it. */
  readonly name: string
  /** How long to wait for another run's lock, in ms. */
  readonly timeoutMs: number
  /** How long a lock row (lease) stays valid without a heartbeat, in ms. */
  readonly ttlMs: number
  /** How often a waiting run retries, in ms. */
  readonly pollMs: number
  /** Who takes the lock, as other runs will see it: `<hostname>:<pid>`. */
  readonly holder: string
  /** Wall clock. */
  readonly clock: () => Date
  /** Waits `ms` between attempts. */
  readonly sleep: (ms: number) => Promise<void>
}

/** What the lock needs; the migrator fills it from its own options. */
export interface MigrationLockConfig extends LockWaitConfig {
  readonly db: SqlDatabase
  /** The bookkeeping table: the lock is `<name>` (advisory) or the row of `<name>_lock`. */
  readonly name: string
  readonly mode: MigrationLockMode
}

/** A lock this run holds. */
export interface HeldMigrationLock {
  readonly holder: string
  /** Releases the lock and its connection. Never throws (a lost session released it already). */
  release(): Promise<void>
}

/** MEGA_DB_MIGRATION_LOCKED: another run kept the lock past `timeoutMs`. `extra` ends the message. */
export function lockedError(
  config: LockWaitConfig,
  holder: string | undefined,
  extra = '',
): MegaError {
  return dbError(
    'MEGA_DB_MIGRATION_LOCKED',
    `Another migration run holds the lock of ${config.name} (held by ${holder ?? 'an unknown session'}) and did not release it within ${config.timeoutMs} ms: wait for that run to finish and retry, or stop it if it hangs${extra}.`,
    { details: { lock: config.name, holder: holder ?? null, timeoutMs: config.timeoutMs } },
  )
}

/**
 * Calls `attempt` until it takes the lock (`undefined`), every `pollMs`; after `timeoutMs` the
 * error of `locked` for whoever holds it.
 */
export async function waitForLock(
  config: LockWaitConfig,
  attempt: () => Promise<string | undefined>,
  locked: (holder: string) => MegaError,
): Promise<void> {
  const deadline = config.clock().getTime() + config.timeoutMs
  for (;;) {
    const busy = await attempt()
    if (busy === undefined) return
    if (config.clock().getTime() >= deadline) throw locked(busy)
    await config.sleep(config.pollMs)
  }
}

/** Calls `fn` every `ms` on an unref'd timer until the returned stop is called. */
export function everyInterval(ms: number, fn: () => void): () => void {
  const timer = setInterval(fn, ms)
  timer.unref()
  return () => clearInterval(timer)
}

/** A Kysely instance bound to one connection (or a transaction). */
export type LockConnection = Kysely<unknown>

/**
 * Runs `take` on one connection taken from the pool and keeps that connection until the returned
 * release function is called (then `drop` runs on it). Rejects with what `take` throws.
 */
export function holdConnection(
  db: SqlDatabase,
  take: (conn: LockConnection) => Promise<void>,
  drop: (conn: LockConnection) => Promise<void>,
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

/** Creates `<name>_lock` when it is missing. */
export async function ensureLockTable(conn: LockConnection, config: LockWaitConfig): Promise<void> {
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

/** Inserts the lock row (id 1) for this run; a taken row makes it fail with a conflict. */
export async function insertLockRow(
  conn: LockConnection,
  config: LockWaitConfig,
  token: string,
  ttl: number,
): Promise<void> {
  const now = config.clock()
  await sql`insert into ${sql.table(`${config.name}_lock`)} (id, holder, token, acquired_at, expires_at)
    values (1, ${config.holder}, ${token}, ${now.toISOString()}, ${now.getTime() + ttl})`.execute(
    conn,
  )
}

/** Deletes the lock row (id 1), whoever holds it. */
export async function deleteLockRow(conn: LockConnection, config: LockWaitConfig): Promise<void> {
  await sql`delete from ${sql.table(`${config.name}_lock`)} where id = 1`.execute(conn)
}

/** One attempt at the lock row: `undefined` when taken, else who holds it. */
export async function tryTakeLockRow(
  conn: LockConnection,
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

/**
 * Runs one attempt at the lock row so that no other run sees half of it: PostgreSQL and MariaDB run
 * it on the pool (the insert is atomic), SQLite in `BEGIN IMMEDIATE`.
 */
export type LockRowAttempt = <T>(
  db: SqlDatabase,
  attempt: (conn: LockConnection) => Promise<T>,
) => Promise<T>

/** {@link LockRowAttempt} on the pool, for databases whose insert alone is atomic. */
export const lockRowOnPool: LockRowAttempt = (db, attempt) => attempt(db.kysely())

/**
 * The lock row: waits for `<name>_lock` row 1, then keeps it alive with a heartbeat every `ttlMs / 3`
 * until released (a crashed run's row expires after `ttlMs`).
 */
export async function tableLock(
  config: MigrationLockConfig,
  runAttempt: LockRowAttempt,
): Promise<HeldMigrationLock> {
  const token = randomUUID()
  const table = sql.table(`${config.name}_lock`)
  await ensureLockTable(config.db.kysely(), config)
  await waitForLock(
    config,
    () => runAttempt(config.db, (conn) => tryTakeLockRow(conn, config, token)),
    (holder) => lockedError(config, holder),
  )
  const stop = everyInterval(Math.max(Math.floor(config.ttlMs / 3), 1), () => {
    const expires = config.clock().getTime() + config.ttlMs
    sql`update ${table} set expires_at = ${expires} where id = 1 and token = ${token}`
      .execute(config.db.kysely())
      .catch(() => undefined)
  })
  const release = async (): Promise<void> => {
    stop()
    await sql`delete from ${table} where id = 1 and token = ${token}`.execute(config.db.kysely())
  }
  return { holder: config.holder, release }
}
